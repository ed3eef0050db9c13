/**
 * Versioning on the wire: the headers every request carries and `GET /v1/meta`,
 * which tells a client what this server speaks before it sends anything else.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

/** Header with the protocol version a client speaks (an integer). */
export const PROTOCOL_HEADER = 'coffer-protocol';
/** Header naming the client: `<app>/<version>`, e.g. `coffer-cli/0.1.0`. */
export const CLIENT_HEADER = 'coffer-client';

/** `Coffer-Client` value: `<app>/<version>` with a short token-like app name. */
export const ClientHeader = lazySchema(() =>
  z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9._-]{1,64}\/[A-Za-z0-9.+_-]{1,48}$/, 'must look like <app>/<version>'),
);

/**
 * Parse a `Coffer-Client` header value into app and version, or undefined.
 *
 * @example
 * parseClientHeader('coffer-cli/0.1.0') // { app: 'coffer-cli', version: '0.1.0' }
 */
export function parseClientHeader(
  value: string | undefined,
): { app: string; version: string } | undefined {
  const parsed = ClientHeader.safeParse(value);
  if (!parsed.success) return undefined;
  const slash = parsed.data.indexOf('/');
  return { app: parsed.data.slice(0, slash), version: parsed.data.slice(slash + 1) };
}

/** Limits a server enforces; clients size their batches and uploads from these. */
export const ServerLimits = lazySchema(() =>
  z.strictObject({
    /** Largest JSON request body, bytes. */
    maxBodyBytes: z.int().positive(),
    /** Largest armored record envelope, characters. */
    maxRecordEnvelopeChars: z.int().positive(),
    /** Largest armored key-bundle or key-grant envelope, characters. */
    maxKeyEnvelopeChars: z.int().positive(),
    /** Most mutations in one push. */
    maxPushBatch: z.int().positive(),
    /** Most changes in one pull page. */
    maxPullLimit: z.int().positive(),
    /** Largest chunk of one blob upload request, bytes. */
    maxBlobChunkBytes: z.int().positive(),
    /** Largest blob, bytes. */
    maxBlobBytes: z.int().positive(),
    /** Blob bytes one account may store. */
    accountQuotaBytes: z.int().positive(),
  }),
);
export type ServerLimits = z.infer<typeof ServerLimits>;

/** Answer of `GET /v1/meta`. */
export const MetaResponse = lazySchema(() =>
  z
    .strictObject({
      server: z.strictObject({ name: z.string(), version: z.string() }),
      protocol: z.strictObject({
        /** The version this server prefers (its newest). */
        current: z.int(),
        /** The oldest version still accepted. */
        min: z.int(),
        /** Every accepted version, newest first. */
        accepted: z.array(z.int()),
      }),
      envelope: z.strictObject({
        versions: z.array(z.int()),
        suites: z.array(z.strictObject({ id: z.int(), name: z.string() })),
      }),
      limits: ServerLimits,
      /**
       * Optional capabilities this server has (e.g. `account-events`), sent
       * only to a client that asks with `?features=1`: older clients parse
       * this answer strictly and would refuse a field they do not know.
       */
      features: z.array(z.string().max(64)).max(64).optional(),
    })
    .meta({ id: 'Meta' }),
);
export type MetaResponse = z.infer<typeof MetaResponse>;

/** Query of `GET /v1/meta`: `features=1` asks for the `features` list. */
export const MetaQuery = lazySchema(() =>
  z.strictObject({ features: z.literal('1').optional() }).meta({ id: 'MetaQuery' }),
);
export type MetaQuery = z.infer<typeof MetaQuery>;
