/** Public API of the key hierarchy (SPEC.md section 14). */
export {
  type AccountKeys,
  DEFAULT_KDF_PARAMS,
  deriveAccountKeys,
  generateAccountSalt,
  normalizePassphrase,
} from './account.ts';
export { type FingerprintInput, fingerprint, fingerprintsEqual } from './fingerprint.ts';
export {
  createKeyBundle,
  type KeyBundle,
  type KeyBundleOptions,
  openKeyBundle,
  resealKeyBundle,
  sealKeyBundle,
} from './key-bundle.ts';
export {
  type GrantRecipient,
  type OpenKeyGrantOptions,
  openKeyGrant,
  type SealKeyGrantInput,
  sealKeyGrant,
} from './key-grant.ts';
export { kidForPublicKey, kidForSymmetricKey, type PublicKeyKind } from './kid.ts';
export { ACCOUNT_SALT_LENGTH, KID_LENGTH } from './labels.ts';
export { generateVaultKey, type VaultKey } from './vault-key.ts';
