import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { loadTls, tlsPaths } from './load-tls.ts';
import { createSelfSignedCertificate, sha256Fingerprint } from './self-signed.ts';

describe('self-signed certificates', () => {
  it('are valid X.509 with the requested names, and the fingerprint is SHA-256 of the DER', () => {
    const made = createSelfSignedCertificate(['localhost', '127.0.0.1', '::1']);
    const cert = new X509Certificate(made.certPem);
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(sha256Fingerprint(cert.raw)).toBe(made.fingerprint256);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 700 * 24 * 3600 * 1000);
  });

  it('are created once in the data dir, reused, and renewed near expiry', () => {
    const dataDir = tempDirSync('coffer-tls-');
    const first = loadTls({ dataDir, names: ['localhost'] });
    expect(first.created).toBe(true);
    expect(statSync(tlsPaths(dataDir).key).mode & 0o777).toBe(0o600);
    expect(readFileSync(tlsPaths(dataDir).fingerprint, 'utf8').trim()).toBe(first.fingerprint256);
    const second = loadTls({ dataDir, names: ['localhost'] });
    expect(second.created).toBe(false);
    expect(second.fingerprint256).toBe(first.fingerprint256);
    const later = loadTls({
      dataDir,
      names: ['localhost'],
      now: new Date(Date.now() + 820 * 24 * 3600 * 1000),
    });
    expect(later.created).toBe(true);
    expect(later.fingerprint256).not.toBe(first.fingerprint256);
  });
});
