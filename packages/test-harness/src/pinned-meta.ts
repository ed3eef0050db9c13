/** `GET /v1/meta` over HTTPS, trusting one pinned certificate and nothing else. */
import { request } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { ServerCertificate } from './certificate.ts';

/**
 * Fetch the server's `/v1/meta` document. The certificate must chain to
 * `cert` (the only CA) AND have its fingerprint: a different server that took
 * the port (another test's, with its own self-signed certificate) is refused.
 */
export function fetchPinnedMeta(
  url: string,
  cert: Pick<ServerCertificate, 'certPem' | 'fingerprint256'>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/v1/meta', url),
      {
        ca: cert.certPem,
        agent: false,
        timeout: timeoutMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        checkServerIdentity(host: string, peer: PeerCertificate) {
          const identity = checkServerIdentity(host, peer);
          if (identity !== undefined) return identity;
          if (peer.fingerprint256 !== cert.fingerprint256) {
            return new Error('certificate does not match the pinned fingerprint');
          }
          return undefined;
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`GET /v1/meta answered ${res.statusCode}: ${body.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(body) as unknown);
          } catch {
            reject(new Error('GET /v1/meta answered something that is not JSON'));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET /v1/meta: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
