import { argon2id as argon2idWasm } from 'hash-wasm';
import { EnvelopeFormatError } from '../errors.ts';

/** Argon2id cost parameters. */
export interface Argon2idParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** The floor every Coffer derivation must meet (64 MiB, t=3, p=1). */
export const ARGON2ID_FLOOR: Argon2idParams = { memoryKiB: 65_536, iterations: 3, parallelism: 1 };

/** The ceiling a reader accepts (1 GiB, t=10, p=4): a server must not be able to DoS clients. */
export const ARGON2ID_CEILING: Argon2idParams = {
  memoryKiB: 1_048_576,
  iterations: 10,
  parallelism: 4,
};

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Refuse Argon2id parameters outside [floor, ceiling] BEFORE deriving, so
 * parameters that came from a server can neither weaken nor DoS the client.
 *
 * @throws EnvelopeFormatError `kdf_params_out_of_range`
 * @example
 * assertArgon2idParams(paramsFromServer);
 */
export function assertArgon2idParams(params: Argon2idParams): void {
  const ok =
    inRange(params.memoryKiB, ARGON2ID_FLOOR.memoryKiB, ARGON2ID_CEILING.memoryKiB) &&
    inRange(params.iterations, ARGON2ID_FLOOR.iterations, ARGON2ID_CEILING.iterations) &&
    inRange(params.parallelism, ARGON2ID_FLOOR.parallelism, ARGON2ID_CEILING.parallelism);
  if (!ok) {
    throw new EnvelopeFormatError(
      'kdf_params_out_of_range',
      'Argon2id parameters outside 64 MiB..1 GiB, t 3..10, p 1..4',
    );
  }
}

/**
 * Argon2id (RFC 9106, version 0x13) through hash-wasm: the same code in Node
 * and browsers. This primitive does not check bounds (the reference test uses
 * t=2); protocol callers run {@link assertArgon2idParams} first.
 *
 * @example
 * const kek = await argon2id(utf8(passphrase), salt, DEFAULT_KDF_PARAMS, 32);
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
