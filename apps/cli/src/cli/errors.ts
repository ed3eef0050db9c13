/**
 * Turns any thrown value into a CliError with the documented exit code.
 * Expected failures (typed errors with a stable `code`) become one clear line;
 * anything else is an internal error (exit 1).
 */
import { CliError, type ExitCodeName } from './exit-codes.ts';

/** Stable error codes of protocol, client and server mapped to exit codes. */
const BY_CODE: Readonly<Record<string, ExitCodeName>> = {
  decryption_failed: 'crypto',
  key_not_found: 'crypto',
  unsupported_version: 'crypto',
  unsupported_suite: 'crypto',
  bad_magic: 'crypto',
  bad_mode: 'crypto',
  bad_flags: 'crypto',
  bad_content_type: 'crypto',
  unexpected_content_type: 'crypto',
  bad_stanza: 'crypto',
  too_many_stanzas: 'crypto',
  header_too_large: 'crypto',
  truncated: 'crypto',
  trailing_data: 'crypto',
  bad_armor: 'crypto',
  kdf_params_out_of_range: 'crypto',
  bad_length: 'crypto',
  not_signed: 'crypto',
  replica_corrupt: 'crypto',
  integrity_failed: 'crypto',
  schema_invalid: 'server',
  malformed_response: 'server',
  server_error: 'server',
  version_not_supported: 'server',
  incompatible_version: 'server',
  unauthorized: 'auth',
  unauthenticated: 'auth',
  forbidden: 'auth',
  invalid_credentials: 'auth',
  wrong_passphrase: 'auth',
  not_logged_in: 'auth',
  session_expired: 'auth',
  locked: 'auth',
  not_found: 'notFound',
  vault_not_found: 'notFound',
  record_not_found: 'notFound',
  user_not_found: 'notFound',
  conflict: 'conflict',
  already_exists: 'conflict',
  username_taken: 'conflict',
  key_changed: 'conflict',
  network: 'network',
  network_error: 'network',
  offline: 'network',
  timeout: 'network',
  // @coffer/client codes.
  insecure_url: 'usage',
  bad_argument: 'usage',
  tls_config: 'usage',
  tls_pin_mismatch: 'network',
  wrong_origin: 'network',
  invalid_response: 'server',
  user_key_changed: 'crypto',
  vault_key_missing: 'crypto',
  forbidden_by_role: 'auth',
};

/** What to try when the server cannot be reached (said once, for every command). */
const NETWORK_HINT =
  'is the server running and the URL right? `coffer doctor` checks the connection';

/** What to do when this machine's disk failed. Every file coffer writes goes to a temporary name first. */
const IO_HINT =
  'free some space (or fix the disk) and run the command again; coffer moves a file it writes into place only once complete, so no file was replaced';

/** Server problems whose code we do not know are classified by HTTP status. */
function byStatus(status: number): ExitCodeName {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 400 || status === 413 || status === 422) return 'usage';
  return 'server';
}

const ERRNO: Readonly<Record<string, ExitCodeName>> = {
  ENOENT: 'notFound',
  EISDIR: 'usage',
  EACCES: 'auth',
  EPERM: 'auth',
  ECONNREFUSED: 'network',
  ECONNRESET: 'network',
  ENOTFOUND: 'network',
  EAI_AGAIN: 'network',
  ETIMEDOUT: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  UND_ERR_CONNECT_TIMEOUT: 'network',
  UND_ERR_SOCKET: 'network',
  // A socket closed under a write (stdout's own EPIPE is handled before this).
  EPIPE: 'network',
  // The local disk, not the command, failed.
  ENOSPC: 'io',
  EDQUOT: 'io',
  EROFS: 'io',
  EIO: 'io',
  EFBIG: 'io',
  EMFILE: 'io',
  ENFILE: 'io',
};

/** SQLite's own words for the same local failures (the replica's disk). */
const SQLITE_IO = /^SQLITE_(FULL|IOERR)/;

function errnoMessage(e: NodeJS.ErrnoException): string {
  const where = e.path === undefined ? '' : ` ${e.path}`;
  switch (e.code) {
    case 'ENOENT':
      return `no such file or directory:${where}`;
    case 'EISDIR':
      return `is a directory:${where}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied:${where}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the disk${where ? ` (writing${where})` : ''}`;
    case 'EROFS':
      return `read-only file system:${where}`;
    case 'EIO':
      return `input/output error (a failing disk?)${where ? `:${where}` : ''}`;
    case 'EFBIG':
      return `file too large for this file system or limit${where ? `:${where}` : ''}`;
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return e.message;
  }
}

/**
 * A server problem reads "<title>: <detail>", the title being the HTTP status
 * words ("Forbidden: the owner cannot leave…"). The exit code already carries
 * the class: people get the detail, which says what happened.
 */
function withoutStatusTitle(e: Error): string {
  if (typeof (e as { status?: unknown }).status !== 'number') return e.message;
  const m =
    /^(?:Bad request|Unauthorized|Forbidden|Not found|Conflict|Gone|Precondition failed|Payload too large|Unprocessable entity|Too many requests|Internal server error|Service unavailable): (.+)$/is.exec(
      e.message,
    );
  return m?.[1] ?? e.message;
}

/**
 * The server limits attempts (logins, live streams): a script must know when
 * to retry, so the wait the server gave (Retry-After) is said in the hint and
 * given to --json as `error.retryAfterSeconds`.
 */
function rateLimited(e: Error): CliError {
  const ms = (e as { retryAfterMs?: unknown }).retryAfterMs;
  const seconds = typeof ms === 'number' && ms > 0 ? Math.ceil(ms / 1000) : undefined;
  return new CliError(
    'server',
    'rate_limited',
    withoutStatusTitle(e),
    seconds === undefined ? 'try again in a moment' : `try again in ${seconds} s`,
    undefined,
    seconds === undefined ? undefined : { retryAfterSeconds: seconds },
  );
}

/** The code and exit class of a thrown value, looking through `cause` chains (fetch wraps errno errors). */
export function toCliError(e: unknown): CliError | undefined {
  if (e instanceof CliError) return e;
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)|^replica_corrupt$/.test(code)) {
    return new CliError(
      'crypto',
      'replica_corrupt',
      'the local replica (replica.sqlite) is damaged or was tampered with',
      'run `coffer doctor`; `coffer logout` then `coffer login` rebuilds it from the server',
    );
  }
  if (typeof code === 'string' && SQLITE_IO.test(code)) {
    return new CliError(
      'io',
      'replica_io',
      `cannot write the local replica: ${code === 'SQLITE_FULL' ? 'the disk is full' : 'an input/output error (a failing disk?)'}`,
      'free some space on (or fix) the disk holding the profile directory and run the command again; SQLite rolled the failed change back, so the replica holds what it held before',
    );
  }
  if (typeof code === 'string') {
    const exit = BY_CODE[code];
    // The server's one 401 for every session problem (no oracle); login catches its own.
    if (code === 'unauthorized' && (e as { status?: unknown }).status === 401)
      return new CliError(
        'auth',
        'session_ended',
        "the server no longer accepts this device's session (it expired, was logged out or ended from another device, or the passphrase was changed)",
        'log in again: coffer login --username NAME (your data here is kept)',
      );
    if (exit === 'network' && code !== 'tls_pin_mismatch' && code !== 'wrong_origin')
      return new CliError(exit, code, e.message, NETWORK_HINT);
    if (exit !== undefined) return new CliError(exit, code, withoutStatusTitle(e));
    const errno = ERRNO[code];
    if (errno !== undefined) {
      const net = errno === 'network';
      return new CliError(
        errno,
        net ? 'network' : code.toLowerCase(),
        net ? `cannot reach the server (${code})` : errnoMessage(e as NodeJS.ErrnoException),
        net ? NETWORK_HINT : errno === 'io' ? IO_HINT : undefined,
      );
    }
  }
  const status = (e as { status?: unknown }).status;
  if (status === 429 || code === 'rate_limited') return rateLimited(e);
  if (typeof status === 'number' && status >= 400) {
    return new CliError(
      byStatus(status),
      typeof code === 'string' ? code : `http_${status}`,
      withoutStatusTitle(e),
    );
  }
  if (e.cause !== undefined && e.cause !== e) {
    const inner = toCliError(e.cause);
    if (inner !== undefined) return inner;
  }
  if (e.name === 'TypeError' && e.message === 'fetch failed') {
    return new CliError('network', 'network', 'cannot reach the server', NETWORK_HINT);
  }
  return undefined;
}
