/**
 * The HTTP transport handed to @coffer/client: undici's fetch over an Agent
 * whose TLS connector enforces this profile's trust decision for the server
 * (system CAs, a CA file, or a pinned SHA-256 fingerprint checked on every
 * new connection before any request is written).
 */
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { CliError } from '../cli/exit-codes.ts';
import type { ServerTrust } from '../profile/servers.ts';
import { fingerprintsEqual, formatFingerprint } from './fingerprint.ts';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface Transport {
  fetch: FetchLike;
  close(): Promise<void>;
}

/** Raised from the connector when a pinned server shows another certificate. */
export class PinMismatchError extends CliError {
  constructor(origin: string, seen: string) {
    super(
      'network',
      'certificate_changed',
      `the certificate of ${origin} does not match the pinned fingerprint (seen ${formatFingerprint(seen)})`,
      'if the operator really replaced it, verify the new fingerprint and run login again with --pin',
    );
  }
}

function agentFor(origin: string, trust: ServerTrust): Agent {
  if (trust.kind === 'ca') return new Agent({ connect: { ca: trust.caPem } });
  if (trust.kind !== 'pin') return new Agent();
  // The pin replaces CA validation: accept the handshake, then compare the leaf.
  const connector = buildConnector({ rejectUnauthorized: false });
  return new Agent({
    connect(opts, callback) {
      connector(opts, (err, socket) => {
        if (err !== null) return callback(err, null);
        const tls = socket as import('node:tls').TLSSocket;
        const seen = (tls.getPeerCertificate().fingerprint256 ?? '')
          .replace(/:/g, '')
          .toLowerCase();
        if (seen.length !== 64 || !fingerprintsEqual(seen, trust.sha256)) {
          socket.destroy();
          return callback(new PinMismatchError(origin, seen || '0'.repeat(64)), null);
        }
        callback(null, socket);
      });
    },
  });
}

export function createTransport(origin: URL, trust: ServerTrust): Transport {
  const agent = agentFor(origin.origin, trust);
  const fetch: FetchLike = (input, init) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { fetch, close: () => agent.close() };
}
