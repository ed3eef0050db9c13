import { argon2id as argon2idWasm } from 'hash-wasm';

/** Argon2id cost parameters. */
export interface Argon2idParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** The floor every Coffer derivation must meet (64 MiB, t=3, p=1). */
export const ARGON2ID_FLOOR: Argon2idParams = { memoryKiB: 65_536, iterations: 3, parallelism: 1 };

/**
 * Argon2id (RFC 9106) through hash-wasm: works the same in Node and browsers.
 * Callers check parameter bounds before calling (see the envelope rules).
 */
export async function argon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  length = 32,
): Promise<Uint8Array> {
  return argon2idWasm({
    password,
    salt,
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: length,
    outputType: 'binary',
  });
}
