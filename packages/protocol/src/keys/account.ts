import { utf8, wipe } from '../bytes.ts';
import { EnvelopeFormatError } from '../errors.ts';
import {
  ARGON2ID_FLOOR,
  type Argon2idParams,
  argon2id,
  assertArgon2idParams,
} from '../primitives/argon2id.ts';
import { ed25519PublicKey } from '../primitives/ed25519.ts';
import { hkdfSha256 } from '../primitives/hkdf-sha256.ts';
import { randomBytes } from '../primitives/random.ts';
import { requireLength } from './input.ts';
import { ACCOUNT_SALT_LENGTH, LABEL_LOGIN_SEED, LABEL_MASTER_KEY } from './labels.ts';

/**
 * Argon2id parameters for new accounts: the floor (64 MiB, t=3, p=1). Higher
 * costs are allowed up to the ceiling; this default keeps a browser login
 * around a second on a slow device.
 */
export const DEFAULT_KDF_PARAMS: Readonly<Argon2idParams> = Object.freeze({ ...ARGON2ID_FLOOR });

/** What an account's passphrase yields; all three stay on the device except the public key. */
export interface AccountKeys {
  /** Ed25519 seed of the login key pair (signs login challenges). */
  loginSeed: Uint8Array;
  /** Ed25519 public key the server stores to check login signatures. */
  loginPublicKey: Uint8Array;
  /** 32-byte key that seals the key bundle. */
  masterKey: Uint8Array;
}

/**
 * The passphrase as bytes: Unicode NFC, then UTF-8, so that the same
 * passphrase typed on different systems (composed or decomposed accents)
 * gives the same keys. Empty passphrases are refused.
 *
 * @example
 * normalizePassphrase('e\u0301') // same bytes as normalizePassphrase('\u00e9')
 */
export function normalizePassphrase(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new EnvelopeFormatError('bad_argument', 'passphrase must be a non-empty string');
  }
  return utf8(passphrase.normalize('NFC'));
}

/**
 * A fresh 16-byte account salt (stored by the server with the parameters).
 *
 * @example
 * const salt = generateAccountSalt();
 */
export function generateAccountSalt(): Uint8Array {
  return randomBytes(ACCOUNT_SALT_LENGTH);
}

/**
 * Derive an account's keys from its passphrase:
 * `ikm = Argon2id(NFC-UTF8(passphrase), salt, params, 32)`, then
 * `loginSeed = HKDF-SHA-256(ikm, "", "coffer/v1/login-seed", 32)` and
 * `masterKey = HKDF-SHA-256(ikm, "", "coffer/v1/master-key", 32)`.
 * Parameters are checked against the floor and ceiling BEFORE any work, since
 * they come from the server.
 *
 * @throws EnvelopeFormatError `kdf_params_out_of_range` or `bad_argument`.
 * @example
 * const salt = generateAccountSalt();
 * const { loginPublicKey, masterKey } = await deriveAccountKeys('correct horse', salt, DEFAULT_KDF_PARAMS);
 */
export async function deriveAccountKeys(
  passphrase: string,
  salt: Uint8Array,
  params: Argon2idParams,
): Promise<AccountKeys> {
  assertArgon2idParams(params);
  requireLength(salt, ACCOUNT_SALT_LENGTH, 'account salt');
  const password = normalizePassphrase(passphrase);
  const ikm = await argon2id(password, salt, params, 32);
  wipe(password);
  try {
    const empty = new Uint8Array(0);
    const loginSeed = await hkdfSha256(ikm, empty, utf8(LABEL_LOGIN_SEED), 32);
    const masterKey = await hkdfSha256(ikm, empty, utf8(LABEL_MASTER_KEY), 32);
    return { loginSeed, loginPublicKey: await ed25519PublicKey(loginSeed), masterKey };
  } finally {
    wipe(ikm);
  }
}
