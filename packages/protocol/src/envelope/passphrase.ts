import { utf8 } from '../bytes.ts';
import { EnvelopeFormatError } from '../errors.ts';
import { type Argon2idParams, argon2id } from '../primitives/argon2id.ts';
import { ARGON2ID_BOUNDS } from './constants.ts';

/** Passphrase bytes: strings are NFC-normalised then UTF-8 encoded; bytes are used as given. */
export function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  return typeof passphrase === 'string' ? utf8(passphrase.normalize('NFC')) : passphrase;
}

/** Throw `kdf_params_out_of_range` unless the parameters are within the envelope bounds. */
export function checkArgon2idParams(params: Argon2idParams): void {
  const b = ARGON2ID_BOUNDS;
  const ok =
    Number.isInteger(params.memoryKiB) &&
    Number.isInteger(params.iterations) &&
    Number.isInteger(params.parallelism) &&
    params.memoryKiB >= b.minMemoryKiB &&
    params.memoryKiB <= b.maxMemoryKiB &&
    params.iterations >= b.minIterations &&
    params.iterations <= b.maxIterations &&
    params.parallelism >= b.minParallelism &&
    params.parallelism <= b.maxParallelism;
  if (!ok) {
    throw new EnvelopeFormatError(
      'kdf_params_out_of_range',
      'Argon2id parameters outside the allowed bounds',
    );
  }
}

/** The 32-byte KEK of a PASSPHRASE stanza; bounds are checked before any work. */
export function passphraseKek(
  passphrase: string | Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
): Promise<Uint8Array> {
  checkArgon2idParams(params);
  return argon2id(passphraseBytes(passphrase), salt, params, 32);
}
