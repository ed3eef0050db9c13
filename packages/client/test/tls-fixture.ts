// A throwaway self-signed certificate (openssl) and HTTPS server for transport tests.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  certPem: string;
  keyPem: string;
  sha256: string;
}

export function makeSelfSigned(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const der = new X509Certificate(certPem).raw;
    return {
      certPem,
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
      sha256: createHash('sha256').update(der).digest('hex'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startHttps(
  tls: SelfSigned,
  handler: Handler,
): Promise<{ url: string; server: Server }> {
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, server };
}
