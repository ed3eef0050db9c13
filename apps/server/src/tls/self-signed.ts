/**
 * A self-signed ECDSA P-256 certificate made with Node's crypto alone (no
 * openssl binary, no dependency), for the zero-configuration HTTPS default.
 * Clients pin its SHA-256 fingerprint.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  booleanTrue,
  explicit,
  implicitPrimitive,
  octetString,
  oid,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':'. */
  fingerprint256: string;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // Expand "::" then pack eight 16-bit groups.
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function subjectAltNames(names: readonly string[]): Uint8Array {
  const entries = names.map((name) =>
    isIP(name)
      ? implicitPrimitive(7, ipBytes(name))
      : implicitPrimitive(2, Buffer.from(name, 'ascii')),
  );
  return sequence(oid('2.5.29.17'), octetString(sequence(...entries)));
}

/**
 * Make a fresh self-signed certificate for `names` (DNS names and IP addresses).
 *
 * @example
 * const { certPem, keyPem, fingerprint256 } = createSelfSignedCertificate(['localhost', '127.0.0.1']);
 */
export function createSelfSignedCertificate(
  names: readonly string[],
  options: { now?: Date; validDays?: number } = {},
): SelfSignedCertificate {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000); // tolerate small clock skew
  const notAfter = new Date(now.getTime() + (options.validDays ?? 825) * 24 * 3600 * 1000);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String('coffer-server'))));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = sequence(
    // basicConstraints: CA (critical). OpenSSL only accepts a pinned self-signed
    // certificate as its own trust anchor when it may sign certificates.
    sequence(oid('2.5.29.19'), booleanTrue(), octetString(sequence(booleanTrue()))),
    // keyUsage: digitalSignature, keyCertSign (critical).
    sequence(oid('2.5.29.15'), booleanTrue(), octetString(Uint8Array.of(0x03, 0x02, 0x02, 0x84))),
    // extKeyUsage: serverAuth.
    sequence(oid('2.5.29.37'), octetString(sequence(oid('1.3.6.1.5.5.7.3.1')))),
    subjectAltNames(names),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Uint8Array.of(2))),
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  // Parse it back: a malformed certificate fails here, at creation, not at a client.
  const parsed = new X509Certificate(certPem);
  if (!parsed.verify(publicKey)) throw new Error('self-signed certificate does not verify');
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint256: parsed.fingerprint256,
  };
}

/** SHA-256 fingerprint of a PEM certificate (the first one of a chain). */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** Same as {@link fingerprintOf} but from DER bytes, computed by hand (for tests). */
export function sha256Fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}
