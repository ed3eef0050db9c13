/** SHA-256 certificate fingerprints: accepted with or without colons, shown as AB:CD:…. */
import { timingSafeEqual } from 'node:crypto';
import { CliError } from '../cli/exit-codes.ts';

/** Lower-case hex without separators; a usage error if it is not 32 bytes of hex. */
export function normalizeFingerprint(input: string): string {
  const hex = input
    .replace(/^sha256[:/]/i, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new CliError(
      'usage',
      'bad_fingerprint',
      'a certificate pin must be a SHA-256 fingerprint: 64 hex digits (colons allowed)',
    );
  }
  return hex;
}

/** `AB:CD:…`, the form the server prints and `openssl x509 -fingerprint -sha256` shows. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

export function fingerprintsEqual(a: string, b: string): boolean {
  const x = Buffer.from(normalizeFingerprint(a), 'hex');
  const y = Buffer.from(normalizeFingerprint(b), 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
