/**
 * Every option of coffer-server: its flag, its environment variable, its
 * default and its zod rule. One table, so `--help`, the README and the
 * validation cannot disagree.
 */
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off', ''])], {
    error: 'must be one of 1, true, yes, on, 0, false, no, off',
  })
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes' || v === 'on');

const positiveInt = (what: string, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .pipe(
      z
        .int(`${what} must be a whole number`)
        .min(1, `${what} must be at least 1`)
        .max(max, `${what} must be at most ${max}`),
    );

/** One option: CLI flag, environment variable, help text. */
export interface OptionSpec {
  flag: string;
  env: string;
  help: string;
  boolean?: boolean;
}

/** The options, keyed by config field. */
export const OPTIONS = {
  dataDir: {
    flag: 'data-dir',
    env: 'COFFER_DATA_DIR',
    help: 'directory for the SQLite database, TLS certificate and server secret (required)',
  },
  port: { flag: 'port', env: 'COFFER_PORT', help: 'TCP port (default 8443)' },
  host: {
    flag: 'host',
    env: 'COFFER_HOST',
    help: 'address to bind (default 127.0.0.1; 0.0.0.0 for every interface)',
  },
  tlsCert: {
    flag: 'tls-cert',
    env: 'COFFER_TLS_CERT',
    help: 'PEM certificate chain (with --tls-key); default: a self-signed one in DIR/tls',
  },
  tlsKey: { flag: 'tls-key', env: 'COFFER_TLS_KEY', help: 'PEM private key of --tls-cert' },
  databaseUrl: {
    flag: 'database-url',
    env: 'COFFER_DATABASE_URL',
    help: 'postgres://… to use PostgreSQL instead of SQLite in DIR',
  },
  insecureHttp: {
    flag: 'insecure-http',
    env: 'COFFER_INSECURE_HTTP',
    help: 'serve plain HTTP (only behind a TLS-terminating proxy)',
    boolean: true,
  },
  webRoot: {
    flag: 'web-root',
    env: 'COFFER_WEB_ROOT',
    help: 'directory of the built web app to serve at / (default: apps/web/dist next to the bundle, if present)',
  },
  logLevel: {
    flag: 'log-level',
    env: 'COFFER_LOG_LEVEL',
    help: 'fatal, error, warn, info (default), debug, trace or silent',
  },
  publicUrl: {
    flag: 'public-url',
    env: 'COFFER_PUBLIC_URL',
    help: 'origin clients use to reach this server (named in login challenges); default from host and port',
  },
  sessionTtl: {
    flag: 'session-ttl',
    env: 'COFFER_SESSION_TTL',
    help: 'session lifetime in seconds (default 2592000 = 30 days)',
  },
  tombstoneRetention: {
    flag: 'tombstone-retention',
    env: 'COFFER_TOMBSTONE_RETENTION',
    help: 'days a deletion (tombstone) is kept for devices to pull before it is purged; a device offline longer must resync (default 30)',
  },
  accountQuotaBytes: {
    flag: 'account-quota-bytes',
    env: 'COFFER_ACCOUNT_QUOTA_BYTES',
    help: 'blob bytes per account (default 10737418240 = 10 GiB)',
  },
  maxBlobBytes: {
    flag: 'max-blob-bytes',
    env: 'COFFER_MAX_BLOB_BYTES',
    help: 'largest blob (default 4294967296 = 4 GiB)',
  },
  trustProxy: {
    flag: 'trust-proxy',
    env: 'COFFER_TRUST_PROXY',
    help: 'behind one proxy: take the client address from the last X-Forwarded-For entry (the one the proxy appended)',
    boolean: true,
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'COFFER_METRICS_TOKEN',
    help: 'bearer token GET /metrics requires (32 or more characters); without one, /metrics answers loopback clients only',
  },
  serverSecret: {
    flag: 'server-secret',
    env: 'COFFER_SERVER_SECRET',
    help: '64 hex digits; instances sharing one PostgreSQL must share it (default: DIR/server-secret, created once)',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Raw option values (strings from flags or environment) to a validated config. */
export const ConfigSchema = z
  .strictObject({
    dataDir: z
      .string({ error: 'is required (--data-dir DIR or COFFER_DATA_DIR)' })
      .min(1, 'must not be empty'),
    port: z.coerce
      .number({ error: 'must be a number' })
      .pipe(
        z.int('must be a whole number').min(0, 'must be 0-65535').max(65_535, 'must be 0-65535'),
      )
      .default(8443),
    host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    tlsCert: z.string().min(1, 'must not be empty').optional(),
    tlsKey: z.string().min(1, 'must not be empty').optional(),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    insecureHttp: bool.default(false),
    webRoot: z.string().min(1, 'must not be empty').optional(),
    logLevel: z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
      .default('info'),
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    sessionTtl: positiveInt('session-ttl', 365 * 24 * 3600).default(30 * 24 * 3600),
    tombstoneRetention: positiveInt('tombstone-retention', 36_500).default(30),
    accountQuotaBytes: positiveInt('account-quota-bytes').default(10 * 1024 ** 3),
    maxBlobBytes: positiveInt('max-blob-bytes').default(4 * 1024 ** 3),
    trustProxy: bool.default(false),
    metricsToken: z
      .string()
      .regex(/^[\x21-\x7e]{32,256}$/, 'must be 32 to 256 visible ASCII characters (no spaces)')
      .optional(),
    serverSecret: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits')
      .optional(),
  })
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
    message: '--tls-cert and --tls-key go together',
    path: ['tlsCert'],
  })
  .refine((c) => !(c.insecureHttp && c.tlsCert), {
    message: '--insecure-http cannot be combined with --tls-cert',
    path: ['insecureHttp'],
  });

/** The validated configuration of a server process. */
export type ServerConfig = z.output<typeof ConfigSchema>;
