/** The server's self-signed certificate as clients pin it. */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerCertificate {
  certPem: string;
  /** SHA-256 of the certificate, upper-case hex pairs joined by ':' (what `--pin` takes). */
  fingerprint256: string;
  /** Base64 SHA-256 of the public key, for Chromium's `--ignore-certificate-errors-spki-list`. */
  spkiSha256: string;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The certificate the server in `dataDir` serves, or undefined while it is
 * still being written: the server writes cert.pem and then
 * fingerprint-sha256.txt, so both must exist and agree.
 */
export function readServerCertificate(dataDir: string): ServerCertificate | undefined {
  const fingerprint256 = readOrEmpty(join(dataDir, 'tls', 'fingerprint-sha256.txt'));
  const certPem = readOrEmpty(join(dataDir, 'tls', 'cert.pem'));
  if (fingerprint256 === '' || certPem === '') return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return undefined;
  }
  if (cert.fingerprint256 !== fingerprint256) return undefined;
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return {
    certPem,
    fingerprint256,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
  };
}
