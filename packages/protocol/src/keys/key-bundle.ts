import { concatBytes } from '../bytes.ts';
import { keyBundleAppContext } from '../envelope/app-contexts.ts';
import { openEnvelope } from '../envelope/open.ts';
import { sealEnvelope } from '../envelope/seal.ts';
import { EnvelopeFormatError } from '../errors.ts';
import {
  type Ed25519KeyPair,
  ed25519PublicKey,
  generateEd25519KeyPair,
} from '../primitives/ed25519.ts';
import {
  generateX25519KeyPair,
  type X25519KeyPair,
  x25519PublicKey,
} from '../primitives/x25519.ts';
import { accountIdBytes, requireLength } from './input.ts';
import { kidForSymmetricKey } from './kid.ts';

/** An account's long-term key pairs: X25519 receives vault keys, Ed25519 signs. */
export interface KeyBundle {
  x25519: X25519KeyPair;
  ed25519: Ed25519KeyPair;
}

/** Who the bundle belongs to; bound into the envelope's appContext. */
export interface KeyBundleOptions {
  accountId: string;
}

/** Plaintext layout version: `0x01 ‖ x25519PrivateKey(32) ‖ ed25519Seed(32)`. */
const BUNDLE_FORMAT = 0x01;
const BUNDLE_LENGTH = 65;
/** The master key is a single key, never rotated in place: epoch 0. */
const MASTER_KEY_EPOCH = 0;

/**
 * Fresh X25519 and Ed25519 key pairs for a new account.
 *
 * @example
 * const bundle = await createKeyBundle();
 */
export async function createKeyBundle(): Promise<KeyBundle> {
  return { x25519: await generateX25519KeyPair(), ed25519: await generateEd25519KeyPair() };
}

async function masterKeyring(masterKey: Uint8Array) {
  requireLength(masterKey, 32, 'master key');
  return { kid: await kidForSymmetricKey(masterKey), epoch: MASTER_KEY_EPOCH, key: masterKey };
}

/**
 * Seal a key bundle under the account's master key: a `key-bundle` envelope,
 * DIRECT, kid = kidForSymmetricKey(masterKey), epoch 0, appContext
 * `"coffer/v1/key-bundle" ‖ 0x00 ‖ u16(len(accountId)) ‖ accountId`.
 * Only the private halves are stored; public keys are recomputed on open.
 *
 * @example
 * const envelope = await sealKeyBundle(bundle, masterKey, { accountId });
 */
export async function sealKeyBundle(
  bundle: KeyBundle,
  masterKey: Uint8Array,
  options: KeyBundleOptions,
): Promise<Uint8Array> {
  const plaintext = concatBytes(
    new Uint8Array([BUNDLE_FORMAT]),
    requireLength(bundle.x25519.privateKey, 32, 'X25519 private key'),
    requireLength(bundle.ed25519.seed, 32, 'Ed25519 seed'),
  );
  try {
    return await sealEnvelope(plaintext, {
      contentType: 'key-bundle',
      context: keyBundleAppContext(accountIdBytes(options.accountId)),
      key: await masterKeyring(masterKey),
    });
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Open a key bundle with the master key derived from the passphrase. A wrong
 * passphrase, a bundle of another account or any tampering is a
 * DecryptionError (or KeyNotFoundError when the kid does not match).
 *
 * @example
 * const { masterKey } = await deriveAccountKeys(passphrase, salt, params);
 * const bundle = await openKeyBundle(envelope, masterKey, { accountId });
 */
export async function openKeyBundle(
  envelope: Uint8Array,
  masterKey: Uint8Array,
  options: KeyBundleOptions,
): Promise<KeyBundle> {
  const { plaintext } = await openEnvelope(envelope, {
    context: keyBundleAppContext(accountIdBytes(options.accountId)),
    keys: [await masterKeyring(masterKey)],
    contentType: 'key-bundle',
  });
  try {
    if (plaintext.length !== BUNDLE_LENGTH) {
      throw new EnvelopeFormatError('bad_length', 'key bundle has the wrong length');
    }
    if (plaintext[0] !== BUNDLE_FORMAT) {
      throw new EnvelopeFormatError('unsupported_version', 'unknown key bundle layout');
    }
    const x25519Private = plaintext.slice(1, 33);
    const seed = plaintext.slice(33, 65);
    return {
      x25519: { privateKey: x25519Private, publicKey: await x25519PublicKey(x25519Private) },
      ed25519: { seed, publicKey: await ed25519PublicKey(seed) },
    };
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Re-seal a bundle under a new master key (passphrase change). Nothing else
 * changes: the key pairs, and so every key grant, stay valid.
 *
 * @example
 * const next = await resealKeyBundle(envelope, oldKeys.masterKey, newKeys.masterKey, { accountId });
 */
export async function resealKeyBundle(
  envelope: Uint8Array,
  oldMasterKey: Uint8Array,
  newMasterKey: Uint8Array,
  options: KeyBundleOptions,
): Promise<Uint8Array> {
  const bundle = await openKeyBundle(envelope, oldMasterKey, options);
  try {
    return await sealKeyBundle(bundle, newMasterKey, options);
  } finally {
    bundle.x25519.privateKey.fill(0);
    bundle.ed25519.seed.fill(0);
  }
}
