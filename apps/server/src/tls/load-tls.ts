/**
 * The TLS material a server starts with: the operator's certificate, or the
 * self-signed one kept in DATA_DIR/tls (created on first start, renewed when it
 * nears expiry). The fingerprint is written to a stable path for clients to pin.
 */
import type { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCertificateAndKey } from './check-pem.ts';
import { createSelfSignedCertificate, fingerprintOf } from './self-signed.ts';

export interface TlsMaterial {
  cert: string;
  key: string;
  fingerprint256: string;
  /** True when the certificate was created by this start. */
  created: boolean;
  selfSigned: boolean;
}

/** Where the self-signed material lives inside the data directory. */
export function tlsPaths(dataDir: string) {
  const dir = join(dataDir, 'tls');
  return {
    dir,
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    fingerprint: join(dir, 'fingerprint-sha256.txt'),
  };
}

const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

function writePrivate(path: string, content: string): void {
  // Write then rename, so a crash never leaves a half-written key in place.
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function usable(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;
}

/**
 * Load the operator's certificate, or load/create the self-signed one.
 *
 * @example
 * const tls = loadTls({ dataDir, names: ['localhost', '127.0.0.1'] });
 * console.log(`pin ${tls.fingerprint256}`);
 */
export function loadTls(options: {
  dataDir: string;
  names: readonly string[];
  certFile?: string | undefined;
  keyFile?: string | undefined;
  now?: Date;
}): TlsMaterial {
  if (options.certFile && options.keyFile) {
    const { cert, key } = readCertificateAndKey(options.certFile, options.keyFile, {
      cert: '--tls-cert',
      key: '--tls-key',
    });
    return { cert, key, fingerprint256: fingerprintOf(cert), created: false, selfSigned: false };
  }
  const paths = tlsPaths(options.dataDir);
  const now = options.now ?? new Date();
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    // Damaged files are not replaced silently: clients pinned this certificate.
    const { cert, key, x509 } = readCertificateAndKey(paths.cert, paths.key, {
      cert: 'TLS certificate',
      key: 'TLS key',
      hint: `delete ${paths.dir} to make a new self-signed certificate; clients that pinned the old fingerprint must then pin the new one`,
    });
    if (usable(x509, now)) {
      const fingerprint256 = fingerprintOf(cert);
      writeFileSync(paths.fingerprint, `${fingerprint256}\n`);
      return { cert, key, fingerprint256, created: false, selfSigned: true };
    }
  }
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const made = createSelfSignedCertificate(options.names, { now });
  writePrivate(paths.key, made.keyPem);
  writeFileSync(paths.cert, made.certPem);
  writeFileSync(paths.fingerprint, `${made.fingerprint256}\n`);
  return {
    cert: made.certPem,
    key: made.keyPem,
    fingerprint256: made.fingerprint256,
    created: true,
    selfSigned: true,
  };
}
