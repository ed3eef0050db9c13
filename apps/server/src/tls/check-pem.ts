/**
 * Read and check a certificate and its key before the server starts, so an
 * operator who named the wrong file reads which file and what is wrong with
 * it, instead of an OpenSSL code such as "PEM routines::no start line" that
 * names neither.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fsReason } from '../fs-reason.ts';

function readText(label: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${label} ${file}: ${fsReason(error)}`);
  }
}

/**
 * A PEM certificate chain and its private key, checked to parse and to match.
 * `labels` name them as the operator knows them (an option, or a data file).
 *
 * @example
 * const { cert, key } = readCertificateAndKey('/etc/coffer/cert.pem', '/etc/coffer/key.pem',
 *   { cert: '--tls-cert', key: '--tls-key' });
 */
export function readCertificateAndKey(
  certFile: string,
  keyFile: string,
  labels: { cert: string; key: string; hint?: string },
): { cert: string; key: string; x509: X509Certificate } {
  const hint = labels.hint ? ` (${labels.hint})` : '';
  const cert = readText(labels.cert, certFile);
  const key = readText(labels.key, keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${labels.cert} ${certFile}: not a PEM certificate${hint}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`${labels.key} ${keyFile}: not a PEM private key (or it is encrypted)${hint}`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(
      `${labels.key} ${keyFile} is not the private key of ${labels.cert} ${certFile}${hint}`,
    );
  }
  return { cert, key, x509 };
}
