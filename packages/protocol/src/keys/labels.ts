/**
 * Domain-separation labels of the key hierarchy (SPEC.md section 14). Each label is
 * used for exactly one purpose, so no derived value can stand in for another.
 */
export const LABEL_LOGIN_SEED = 'coffer/v1/login-seed';
export const LABEL_MASTER_KEY = 'coffer/v1/master-key';
export const LABEL_KID_SYMMETRIC = 'coffer/v1/kid/symmetric';
export const LABEL_KID_X25519 = 'coffer/v1/kid/x25519';
export const LABEL_KID_ED25519 = 'coffer/v1/kid/ed25519';
export const LABEL_FINGERPRINT = 'coffer/v1/fingerprint';

/** Size of every key id. */
export const KID_LENGTH = 16;
/** Size of the account salt the server stores. */
export const ACCOUNT_SALT_LENGTH = 16;
