import { describe, expect, it } from 'vitest';
import { CliError } from '../cli/exit-codes.ts';
import { fingerprintsEqual, formatFingerprint, normalizeFingerprint } from './fingerprint.ts';
import { isLoopbackHost, parseServerUrl } from './server-url.ts';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof CliError ? `${e.exit}:${e.code}` : 'other';
  }
  return 'ok';
};

describe('server URLs', () => {
  it('accepts https anywhere and http only to loopback', () => {
    expect(parseServerUrl('https://coffer.example.com:8443/').origin).toBe(
      'https://coffer.example.com:8443',
    );
    expect(parseServerUrl('http://127.0.0.1:8080').origin).toBe('http://127.0.0.1:8080');
    expect(parseServerUrl('http://[::1]:8080').origin).toBe('http://[::1]:8080');
    expect(code(() => parseServerUrl('http://10.0.0.5:8080'))).toBe('usage:insecure_server_url');
    expect(code(() => parseServerUrl('http://localhost.evil.com'))).toBe(
      'usage:insecure_server_url',
    );
    expect(code(() => parseServerUrl('ftp://x'))).toBe('usage:bad_server_url');
    expect(code(() => parseServerUrl('https://u:p@x'))).toBe('usage:bad_server_url');
    expect(code(() => parseServerUrl('not a url'))).toBe('usage:bad_server_url');
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.5.0.1')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('fingerprints', () => {
  const hex = 'ab'.repeat(32);
  it('normalises colon and plain forms and compares them', () => {
    expect(normalizeFingerprint(formatFingerprint(hex))).toBe(hex);
    expect(normalizeFingerprint(`SHA256:${hex.toUpperCase()}`)).toBe(hex);
    expect(fingerprintsEqual(formatFingerprint(hex), hex)).toBe(true);
    expect(fingerprintsEqual(hex, 'ac'.repeat(32))).toBe(false);
  });
  it('rejects anything that is not 32 bytes of hex', () => {
    expect(code(() => normalizeFingerprint('abcd'))).toBe('usage:bad_fingerprint');
    expect(code(() => normalizeFingerprint('zz'.repeat(32)))).toBe('usage:bad_fingerprint');
  });
});
