/**
 * Typed errors of the client SDK. Every error has a stable `code` that apps
 * switch on (and the CLI maps to exit codes); messages are for people and
 * never contain tokens, keys or plaintext.
 */

/** Codes raised by the client itself (server problems keep the server's code). */
export type ClientErrorCode =
  | 'version_not_supported'
  | 'insecure_url'
  | 'network'
  | 'invalid_response'
  | 'tls_pin_mismatch'
  | 'tls_config'
  | 'not_logged_in'
  | 'wrong_origin'
  | 'user_key_changed'
  | 'vault_key_missing'
  | 'record_not_found'
  | 'forbidden_by_role'
  | 'bad_argument'
  | 'replica_corrupt'
  | 'store_replaced';

/** Base class of every SDK error. */
export class CofferClientError extends Error {
  override readonly name: string = 'CofferClientError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The server does not speak this client's protocol version (HTTP 426, or the
 * `/v1/meta` range excludes it). `upgrade` says which side must be upgraded.
 *
 * @example
 * catch (e) { if (e instanceof VersionNotSupportedError) showBanner(e.message) }
 */
export class VersionNotSupportedError extends CofferClientError {
  override readonly name = 'VersionNotSupportedError';
  readonly upgrade: 'client' | 'server';
  readonly clientProtocol: number;
  readonly serverRange: { min: number; max: number };
  constructor(clientProtocol: number, serverRange: { min: number; max: number }, client: string) {
    const upgrade = clientProtocol < serverRange.min ? 'client' : 'server';
    const what =
      upgrade === 'client'
        ? `upgrade ${client} to a release that speaks protocol ${serverRange.min}..${serverRange.max}`
        : `ask the server operator to upgrade coffer-server to one that speaks protocol ${clientProtocol}`;
    super(
      'version_not_supported',
      `this client speaks Coffer protocol ${clientProtocol}, the server accepts ${serverRange.min}..${serverRange.max}: ${what}`,
    );
    this.upgrade = upgrade;
    this.clientProtocol = clientProtocol;
    this.serverRange = serverRange;
  }
}

/** The server answered with an RFC 9457 problem document; `code` is the server's stable code. */
export class ServerProblemError extends CofferClientError {
  override readonly name = 'ServerProblemError';
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, status: number, message: string, retryAfterMs?: number) {
    super(code, message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The server could not be reached (DNS, refused, reset, timeout, offline). */
export class NetworkError extends CofferClientError {
  override readonly name = 'NetworkError';
  /**
   * The request certainly never reached the server (no connection could be
   * made: refused, no route, name not found, offline). False when unknown:
   * a request that was sent and got no answer may have been carried out.
   */
  readonly unsent: boolean;
  constructor(message: string, options?: { cause?: unknown; unsent?: boolean }) {
    super('network', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.unsent = options?.unsent ?? false;
  }
}

/** The server's answer did not match the protocol schema (parsed once, at the edge). */
export class InvalidResponseError extends CofferClientError {
  override readonly name = 'InvalidResponseError';
  constructor(message: string) {
    super('invalid_response', message);
  }
}

/** Should this failure be retried later (offline, 5xx, 429) rather than reported? */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ServerProblemError) return error.status >= 500 || error.status === 429;
  return false;
}
