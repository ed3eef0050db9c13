/**
 * TLS for Node: a fetch that trusts exactly the server certificate whose
 * SHA-256 is pinned (self-signed development servers print it), or a given CA.
 * Built on undici (Node's fetch) with a custom connector; never imported by
 * the browser entry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { CofferClientError } from './errors.ts';

/** How to trust the server's certificate. */
export interface TlsOptions {
  /** PEM of a CA (or the self-signed certificate itself) to trust instead of the system roots. */
  caPem?: string;
  /** SHA-256 of the server's DER certificate (hex, any case, colons allowed). */
  pinSha256?: string;
}

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

/**
 * A fetch for Node that checks the server certificate against `tls`.
 *
 * @example
 * const fetch = createTlsFetch({ pinSha256: readFileSync(`${dataDir}/tls/fingerprint-sha256.txt`, 'utf8') });
 */
export function createTlsFetch(tls: TlsOptions): typeof fetch {
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
  const dispatcher = new Agent({ connect });
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    })) as unknown as typeof fetch;
}
