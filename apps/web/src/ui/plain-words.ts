/**
 * Error codes (SDK, server problem codes, protocol) turned into sentences a
 * person can act on. Unknown codes fall back to a generic sentence: the raw
 * message may come from a server and is not shown as if it were ours.
 */

const MESSAGES: Record<string, string> = {
  // Most actions that fail this way need the server (login, sharing, uploads): nothing was kept.
  network: 'Cannot reach the server. Check the connection and try again.',
  version_not_supported:
    'This app and the server speak different protocol versions. Reload the page to get the current app.',
  invalid_response: 'The server sent an answer this app does not understand.',
  tls_pin_mismatch:
    'The server’s certificate changed. Do not continue unless your operator expected this.',
  not_logged_in: 'Your session ended. Log in again.',
  unauthorized: 'Your session ended. Log in again.',
  invalid_credentials: 'Wrong username or passphrase.',
  login_failed: 'Wrong username or passphrase.',
  username_taken: 'That username is taken. Choose another.',
  user_not_found: 'There is no user with that name.',
  user_key_changed:
    'This user’s keys changed since you last saw them. Compare the new fingerprint with them before sharing.',
  vault_key_missing: 'This device has no key for that vault yet. Ask an owner to share it again.',
  record_not_found: 'That record no longer exists.',
  forbidden_by_role: 'Your role in this vault does not allow that.',
  forbidden: 'Your role in this vault does not allow that.',
  envelope_rejected:
    'A record from the server failed its integrity check and was not shown. Your data on this device is unchanged.',
  record_index_rejected:
    'The list of record names kept on this device did not pass its integrity check, so it was rebuilt from your records.',
  decryption_failed:
    'A record failed its integrity check and was not shown. Your data on this device is unchanged.',
  sequence_rollback:
    'The server tried to roll back changes already seen. They were ignored; tell your server operator.',
  revision_rollback:
    'The server sent an older version of a record than one already seen. It was ignored.',
  grant_untrusted:
    'A vault key or a member’s keys could not be verified as coming from a member of the vault, and were refused.',
  signer_untrusted:
    'A record signed by someone who is not (or no longer) a member of this vault was hidden. If a member was removed, the device that removed them re-encrypts their past records on its next sync; otherwise tell the vault’s owner.',
  reencrypt_failed:
    'This device removed a member but could not re-encrypt the vault’s older records under the new key (your role may have changed). It tries again on the next sync; until then other devices do not show the removed member’s past records.',
  revision_fork:
    'The server sent two different versions of a record under the same revision. The one already on this device was kept; tell your server operator.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  quota_exceeded: 'The server’s storage limit for this vault is reached.',
  payload_too_large: 'That is too large for the server to accept.',
  kdf_params_out_of_range: 'The server asked for unsafe key derivation settings; login refused.',
  invalid_json: 'That is not valid JSON.',
  not_found: 'The server does not know that (it may have been removed).',
  validation_failed: 'The server refused that input as invalid.',
  bad_request: 'The server refused that request as invalid.',
  internal: 'The server had an internal error. Try again in a moment.',
  unavailable: 'The server is busy or down for maintenance. Try again in a moment.',
};

/** Where an error happened, when that changes what a code means to the person. */
export type ErrorContext = 'login' | 'passphrase-change' | 'user-lookup' | 'sync';

/**
 * The same code means different things on different screens: a 401 while
 * logging in is a wrong passphrase, not an ended session; a bundle that does
 * not open during a passphrase change means the current passphrase is wrong.
 */
const WRONG_LOGIN = 'Wrong username or passphrase.';
const WRONG_CURRENT = 'The current passphrase is wrong.';
const IN_CONTEXT: Record<ErrorContext, Record<string, string>> = {
  login: {
    unauthorized: WRONG_LOGIN,
    not_found: WRONG_LOGIN,
    user_not_found: WRONG_LOGIN,
    key_not_found: WRONG_LOGIN,
    decryption_failed: WRONG_LOGIN,
  },
  'passphrase-change': {
    unauthorized: WRONG_CURRENT,
    invalid_credentials: WRONG_CURRENT,
    login_failed: WRONG_CURRENT,
    key_not_found: WRONG_CURRENT,
    decryption_failed: WRONG_CURRENT,
  },
  'user-lookup': {
    not_found: 'There is no user with that name.',
  },
  // The sync engine's own errors: edits wait in the outbox.
  sync: {
    network:
      'Cannot reach the server. Your changes are kept on this device and sent when it is back.',
    // The server answers 404 for a vault the account is not (or no longer) a member of.
    not_found:
      'The server refused changes to a vault that is no longer shared with you (or was deleted). They stay on this device only.',
  },
};

/** The sentence for an error code (read in `context` when given). */
export function plainWords(code: string, context?: ErrorContext): string {
  return (
    (context ? IN_CONTEXT[context][code] : undefined) ??
    MESSAGES[code] ??
    // The code is stable and carries no secret: it lets a person report what happened.
    `Something went wrong (${code}). Try again; if it keeps happening, reload the page.`
  );
}

/** The code of anything thrown (SDK errors carry `code`). */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  if (error instanceof Error && /^[A-Za-z]+$/.test(error.name)) return error.name;
  return 'unknown';
}

/** "Wait a moment" is vague when the server said how long (`Retry-After`). */
function waitWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** The sentence for anything thrown (read in `context` when given). */
export function describeError(error: unknown, context?: ErrorContext): string {
  const code = errorCode(error);
  const retryAfterMs =
    typeof error === 'object' && error !== null && 'retryAfterMs' in error
      ? (error as { retryAfterMs: unknown }).retryAfterMs
      : undefined;
  if (code === 'rate_limited' && typeof retryAfterMs === 'number' && retryAfterMs > 0) {
    return `Too many attempts. Try again in ${waitWords(retryAfterMs)}.`;
  }
  return plainWords(code, context);
}
