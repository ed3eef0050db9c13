/**
 * TLS for Node: a fetch that trusts exactly the server certificate whose
 * SHA-256 is pinned (self-signed development servers print it), or a given CA.
 * Built on undici (Node's fetch) with a custom connector; never imported by
 * the browser entry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch, request as undiciRequest } from 'undici';
import { CofferClientError } from './errors.ts';
import { isBinaryPullPage } from './pull-answer.ts';
import type { TextAnswer, TextRequest } from './text-request.ts';

/** How to trust the server's certificate. */
export interface TlsOptions {
  /** PEM of a CA (or the self-signed certificate itself) to trust instead of the system roots. */
  caPem?: string;
  /** SHA-256 of the server's DER certificate (hex, any case, colons allowed). */
  pinSha256?: string;
  /**
   * How long to wait for an answer's headers once the request is sent, and
   * between two pieces of its body (default 60 s; undici's own is 300 s).
   */
  answerTimeoutMs?: number;
}

/**
 * A server that accepts a connection and then says nothing (hung, or a
 * half-open connection after a network change) fails the request after this
 * long instead of undici's 300 s, so a command or a sync does not hang and a
 * live stream reconnects. The server sends a live stream a heartbeat every
 * 15 s, so a quiet healthy stream never comes near it.
 */
const ANSWER_TIMEOUT_MS = 60_000;

/** The TLS certificate did not match the pinned fingerprint. */
export class TlsPinMismatchError extends CofferClientError {
  override readonly name = 'TlsPinMismatchError';
  constructor() {
    super(
      'tls_pin_mismatch',
      'the server certificate does not match the pinned SHA-256 fingerprint',
    );
  }
}

/**
 * Normalise a fingerprint to 64 lower-case hex digits.
 *
 * @example
 * normalizeFingerprint('AB:CD:...') // 'abcd...'
 */
export function normalizeFingerprint(value: string): string {
  const hex = value
    .trim()
    .replace(/^sha256[:/]/i, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new CofferClientError('tls_config', 'a SHA-256 pin must be 64 hex digits');
  }
  return hex;
}

/** A pinned fetch and a pinned text request over one connection pool. */
export interface TlsHttp {
  fetch: typeof fetch;
  /** The hot path (pull pages): undici's `request`, no WHATWG streams. */
  request: TextRequest;
}

function pinnedDispatcher(tls: TlsOptions): Agent {
  const pin =
    tls.pinSha256 === undefined
      ? undefined
      : Buffer.from(normalizeFingerprint(tls.pinSha256), 'hex');
  const base = buildConnector({
    ...(tls.caPem ? { ca: tls.caPem } : {}),
    // With a pin, the pin IS the trust decision (self-signed certificates
    // have no chain); with a CA as well, both must hold.
    rejectUnauthorized: pin === undefined || tls.caPem !== undefined,
    // A resumed TLS session may not expose the peer certificate, so every
    // connection does a full handshake and is checked against the pin.
    ...(pin ? { maxCachedSessions: 0 } : {}),
  });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error('TLS connect failed'), null);
      if (pin) {
        const cert = (socket as TLSSocket).getPeerCertificate();
        const actual = cert?.raw
          ? createHash('sha256').update(cert.raw).digest()
          : Buffer.alloc(32);
        if (!timingSafeEqual(actual, pin)) {
          socket.destroy();
          return callback(new TlsPinMismatchError(), null);
        }
      }
      callback(null, socket);
    });
  };
  const answerTimeout = tls.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  return new Agent({ connect, headersTimeout: answerTimeout, bodyTimeout: answerTimeout });
}

/**
 * A fetch and a text request for Node that check the server certificate
 * against `tls`, sharing one dispatcher (so one pinned connection pool).
 *
 * @example
 * const { fetch, request } = createTlsHttp({ pinSha256 });
 */
export function createTlsHttp(tls: TlsOptions): TlsHttp {
  const dispatcher = pinnedDispatcher(tls);
  const pinnedFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    })) as unknown as typeof fetch;
  const read = async (url: string, init: Parameters<TextRequest>[1]): Promise<TextAnswer> => {
    const response = await undiciRequest(url, {
      method: init.method,
      headers: init.headers,
      dispatcher,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const { statusCode: status, headers } = response;
    if (isBinaryPullPage(headers['content-type'])) {
      return {
        status,
        headers,
        text: '',
        bytes: new Uint8Array(await response.body.arrayBuffer()),
      };
    }
    return { status, headers, text: await response.body.text() };
  };
  const request: TextRequest = Object.assign(read, { readsBytes: true });
  return { fetch: pinnedFetch, request };
}

/**
 * A fetch for Node that checks the server certificate against `tls`.
 *
 * @example
 * const fetch = createTlsFetch({ pinSha256: readFileSync(`${dataDir}/tls/fingerprint-sha256.txt`, 'utf8') });
 */
export function createTlsFetch(tls: TlsOptions): typeof fetch {
  return createTlsHttp(tls).fetch;
}
