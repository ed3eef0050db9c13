import { describe, expect, it } from 'vitest';
import { helpText, loadConfig } from './load-config.ts';
import { OPTIONS } from './options.ts';

describe('loadConfig', () => {
  it('reads every option from flags or COFFER_* variables, flags winning', () => {
    const result = loadConfig(['--port', '9000', '--insecure-http'], {
      COFFER_DATA_DIR: '/data',
      COFFER_PORT: '1234',
      COFFER_HOST: '0.0.0.0',
      COFFER_DATABASE_URL: 'postgres://coffer@db/coffer',
      COFFER_LOG_LEVEL: 'warn',
      COFFER_TRUST_PROXY: 'true',
      COFFER_SESSION_TTL: '3600',
    });
    expect(result).toEqual({
      kind: 'config',
      config: expect.objectContaining({
        dataDir: '/data',
        port: 9000,
        host: '0.0.0.0',
        insecureHttp: true,
        databaseUrl: 'postgres://coffer@db/coffer',
        logLevel: 'warn',
        trustProxy: true,
        sessionTtl: 3600,
      }),
    });
  });

  it('has safe defaults: loopback, HTTPS, port 8443, SQLite', () => {
    const result = loadConfig(['--data-dir', '/d'], {});
    expect(result.kind === 'config' && result.config).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      insecureHttp: false,
      logLevel: 'info',
      tombstoneRetention: 30,
    });
    expect(result.kind === 'config' && result.config.databaseUrl).toBeUndefined();
  });

  it('gives one message per bad value and never repeats the value', () => {
    const result = loadConfig(['--tls-cert', 'c.pem', '--server-secret', 'TOPSECRET'], {
      COFFER_DATA_DIR: '/d',
      COFFER_PORT: '-1',
      COFFER_PUBLIC_URL: 'ftp://x',
      COFFER_SESSION_TTL: '1.5',
      COFFER_TOMBSTONE_RETENTION: '0',
    });
    expect(result.kind).toBe('error');
    const messages = result.kind === 'error' ? result.messages : [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('--port (COFFER_PORT)'),
        expect.stringContaining('--public-url (COFFER_PUBLIC_URL)'),
        expect.stringContaining('--session-ttl (COFFER_SESSION_TTL)'),
        expect.stringContaining('--tombstone-retention (COFFER_TOMBSTONE_RETENTION)'),
        expect.stringContaining('--server-secret (COFFER_SERVER_SECRET)'),
        expect.stringContaining('--tls-cert and --tls-key go together'),
      ]),
    );
    expect(messages.join('\n')).not.toContain('TOPSECRET');
  });

  it('says what a yes/no option takes, that a value is empty, and a cross-field rule once', () => {
    const result = loadConfig(['--host', '', '--tls-key', 'k.pem'], {
      COFFER_DATA_DIR: '/d',
      COFFER_INSECURE_HTTP: 'maybe',
    });
    expect(result).toEqual({
      kind: 'error',
      messages: [
        '--host (COFFER_HOST): must not be empty',
        '--insecure-http (COFFER_INSECURE_HTTP): must be one of 1, true, yes, on, 0, false, no, off',
        '--tls-cert and --tls-key go together',
      ],
    });
    const both = loadConfig(
      ['--data-dir', '/d', '--insecure-http', '--tls-cert', 'c', '--tls-key', 'k'],
      {},
    );
    expect(both).toEqual({
      kind: 'error',
      messages: ['--insecure-http cannot be combined with --tls-cert'],
    });
  });

  it('refuses unknown flags and documents every option in --help', () => {
    expect(loadConfig(['--nope'], {}).kind).toBe('error');
    const help = helpText();
    for (const spec of Object.values(OPTIONS)) {
      expect(help).toContain(`--${spec.flag}`);
      expect(help).toContain(spec.env);
    }
  });
});
