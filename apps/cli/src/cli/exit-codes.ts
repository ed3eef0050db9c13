/**
 * Exit codes of `coffer`. Stable: scripts switch on them, so a number never
 * changes meaning. Documented in README.md and `coffer --help`.
 */
export const ExitCode = {
  ok: 0,
  /** Unexpected internal error (a bug): the only case that prints a stack trace, and only with COFFER_DEBUG=1. */
  internal: 1,
  /** Bad command line: unknown command or flag, missing or malformed argument. */
  usage: 2,
  /** Not logged in, wrong passphrase, expired session, access denied. */
  auth: 3,
  /** Unknown vault, key, user, file or conflict. */
  notFound: 4,
  /** Already exists, unresolved conflict, or a concurrent change. */
  conflict: 5,
  /** Server unreachable, TLS failure, untrusted or changed certificate. */
  network: 6,
  /** The server answered with an error, a malformed response or an incompatible protocol version. */
  server: 7,
  /** Decryption or authentication failed: wrong key, tampered or truncated data. */
  crypto: 8,
  /** This machine's disk or output failed: full, read-only, quota, I/O error, or stdout not writable. */
  io: 9,
  /** Cancelled at a prompt with Ctrl-C (the shell's 128 + SIGINT, as if the signal had ended it). */
  cancelled: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

/** One line per code for `coffer --help` and the README. */
export const EXIT_CODE_HELP: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.ok, 'success'],
  [ExitCode.internal, 'unexpected internal error (please report it)'],
  [ExitCode.usage, 'usage: unknown command or flag, missing or bad argument'],
  [ExitCode.auth, 'auth: not logged in, wrong passphrase, session expired, access denied'],
  [ExitCode.notFound, 'not found: vault, key, user, file'],
  [ExitCode.conflict, 'conflict: already exists, unresolved conflict, concurrent change'],
  [ExitCode.network, 'network: server unreachable, TLS error, untrusted or changed certificate'],
  [ExitCode.server, 'server: error answer, malformed response, incompatible protocol version'],
  [
    ExitCode.crypto,
    'crypto: decryption failed, tampered or truncated data, changed user key, damaged profile',
  ],
  [ExitCode.io, 'io: local disk full, read-only or failing, or the output could not be written'],
  [ExitCode.cancelled, 'cancelled at a prompt (Ctrl-C)'],
];

/**
 * An expected failure: printed as one line on stderr (or as JSON with --json)
 * and turned into its exit code, never a stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exit: ExitCodeName;
  /** Stable machine-readable code for --json output. */
  readonly code: string;
  /** Optional hint printed on a second line ("try: …"). */
  readonly hint: string | undefined;
  /** Extra fields of the --json failure document, beside `ok` and `error` (e.g. doctor's checks). */
  readonly details: Record<string, unknown> | undefined;
  /** Extra fields of the --json `error` object itself (e.g. `retryAfterSeconds`). */
  readonly errorFields: Record<string, unknown> | undefined;
  constructor(
    exit: ExitCodeName,
    code: string,
    message: string,
    hint?: string,
    details?: Record<string, unknown>,
    errorFields?: Record<string, unknown>,
  ) {
    super(message);
    this.exit = exit;
    this.code = code;
    this.hint = hint;
    this.details = details;
    this.errorFields = errorFields;
  }
}

/** Shorthand for a usage error. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('usage', 'usage', message, hint);
}
