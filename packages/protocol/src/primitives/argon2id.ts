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

interface NodeArgon2Parameters {
  message: Uint8Array;
  nonce: Uint8Array;
  parallelism: number;
  tagLength: number;
  memory: number;
  passes: number;
}
type NodeArgon2 = (
  algorithm: 'argon2id',
  parameters: NodeArgon2Parameters,
  callback: (error: Error | null, derivedKey: Uint8Array) => void,
) => void;

// Node >= 24.7 has Argon2 built in (OpenSSL 3.2+): native, off the main thread,
// and its 64 MiB+ of memory is freed afterwards, whereas hash-wasm's WASM
// memory never shrinks for the life of the process. Reached through
// process.getBuiltinModule so browser bundles never see a static node import.
const nodeArgon2 = (
  (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:crypto') as { argon2?: NodeArgon2 } | undefined
)?.argon2;

/**
 * Argon2id (RFC 9106, version 0x13): Node's built-in when the runtime has it,
 * hash-wasm otherwise (browsers, older Node); both give the same bytes. This
 * primitive does not check bounds (the reference test uses t=2); protocol
 * callers run {@link assertArgon2idParams} first.
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
  if (nodeArgon2) return argon2idNode(nodeArgon2, password, salt, params, length);
  return argon2idHashWasm(password, salt, params, length);
}

/** hash-wasm's Argon2id (exported for the known-answer test of the fallback). */
export function argon2idHashWasm(
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

function argon2idNode(
  run: NodeArgon2,
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  length: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    run(
      'argon2id',
      {
        message: password,
        nonce: salt,
        parallelism: params.parallelism,
        tagLength: length,
        memory: params.memoryKiB,
        passes: params.iterations,
      },
      (error, derivedKey) => {
        if (error) reject(error);
        // A plain Uint8Array like hash-wasm's (not a Buffer from Node's pool).
        else resolve(new Uint8Array(derivedKey.buffer, derivedKey.byteOffset, derivedKey.length));
      },
    );
  });
}
