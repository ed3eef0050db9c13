/**
 * Building blocks shared by every wire shape: identifiers, binary values and
 * envelopes as text. Binary values travel as unpadded base64url, identifiers as
 * 32 lower-case hex digits (16 bytes), envelopes as armor (`cfr1.` ‖ base64url).
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

/** A 16-byte identifier as 32 lower-case hex digits (vault, record, mutation, account, session, ...). */
export const HexId = lazySchema(() =>
  z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits (16 bytes)')
    .meta({
      description: '16-byte identifier, 32 lower-case hex digits',
      example: '0123456789abcdef0123456789abcdef',
    }),
);
export type HexId = z.infer<typeof HexId>;

function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * Unpadded base64url of exactly `bytes` bytes. The canonical last character is
 * enforced so one value has one spelling.
 *
 * @example
 * const PublicKey = base64urlBytes(32, 'Ed25519 public key');
 */
export function base64urlBytes(bytes: number, description: string) {
  const length = base64urlLength(bytes);
  const rest = bytes % 3;
  // The unused low bits of the last character must be zero (canonical encoding).
  const last = rest === 1 ? '[AQgw]' : rest === 2 ? '[AEIMQUYcgkosw048]' : '[A-Za-z0-9_-]';
  const pattern = new RegExp(`^[A-Za-z0-9_-]{${length - 1}}${last}$`);
  return z
    .string()
    .regex(pattern, `must be ${bytes} bytes as unpadded base64url`)
    .meta({ description });
}

/** A 32-byte public key (X25519 or Ed25519) as unpadded base64url. */
export const PublicKey32 = lazySchema(() =>
  base64urlBytes(32, '32-byte public key, unpadded base64url'),
);
/** An Ed25519 signature (64 bytes) as unpadded base64url. */
export const Signature64 = lazySchema(() =>
  base64urlBytes(64, 'Ed25519 signature (64 bytes), unpadded base64url'),
);

/**
 * An envelope as text armor; `maxChars` bounds the armored length (about 4/3 of
 * the envelope bytes).
 *
 * @example
 * const RecordEnvelope = armoredEnvelope(350_000, 'record envelope');
 */
export function armoredEnvelope(maxChars: number, description: string) {
  return z
    .string()
    .max(maxChars, `envelope must be at most ${maxChars} characters of armor`)
    .regex(/^cfr1\.[A-Za-z0-9_-]+$/, 'must be an armored envelope (cfr1.<base64url>)')
    .meta({ description: `${description}: armored envelope (cfr1.<base64url>)` });
}

/**
 * Usernames are lower-case so that two spellings never name two accounts:
 * 3-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
 */
export const Username = lazySchema(() =>
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]{2,63}$/,
      'must be 3-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    )
    .meta({ description: 'account name (lower-case)', example: 'alice' }),
);
export type Username = z.infer<typeof Username>;

/** Argon2id bounds (the same as the envelope's PASSPHRASE stanza): a server can neither weaken nor inflate them. */
export const KDF_BOUNDS = {
  minMemoryKiB: 65_536,
  maxMemoryKiB: 1_048_576,
  minIterations: 3,
  maxIterations: 10,
  minParallelism: 1,
  maxParallelism: 4,
} as const;

/** Argon2id parameters of an account's passphrase derivation. */
export const KdfParams = lazySchema(() =>
  z
    .strictObject({
      algorithm: z.literal('argon2id'),
      memoryKiB: z.int().min(KDF_BOUNDS.minMemoryKiB).max(KDF_BOUNDS.maxMemoryKiB),
      iterations: z.int().min(KDF_BOUNDS.minIterations).max(KDF_BOUNDS.maxIterations),
      parallelism: z.int().min(KDF_BOUNDS.minParallelism).max(KDF_BOUNDS.maxParallelism),
    })
    .meta({ description: 'Argon2id parameters (floor 64 MiB, t=3)' }),
);
export type KdfParams = z.infer<typeof KdfParams>;

/** A 16-byte KDF salt. */
export const KdfSalt = lazySchema(() =>
  base64urlBytes(16, '16-byte Argon2id salt, unpadded base64url'),
);

/** Salt and parameters of an account's passphrase derivation. */
export const Kdf = lazySchema(() => z.strictObject({ salt: KdfSalt, params: KdfParams }));
export type Kdf = z.infer<typeof Kdf>;

/** Roles in a vault, from most to least powerful. */
export const Role = lazySchema(() => z.enum(['owner', 'admin', 'writer', 'reader']));
export type Role = z.infer<typeof Role>;

/** A key epoch (u32 in the envelope header; epoch 0 means "no key yet"). */
export const Epoch = lazySchema(() => z.int().min(0).max(0xffff_ffff));

/** An RFC 3339 timestamp in UTC. */
export const Timestamp = lazySchema(() =>
  z.iso.datetime().meta({ description: 'RFC 3339 timestamp (UTC)' }),
);

/**
 * A whole number in a query string: plain decimal digits only, then checked
 * against `target`. `z.coerce.number()` read an empty `cursor=` as 0 and
 * accepted `0x10`, `1e2`, ` 7` and `1.0`; a client that sends those has a
 * bug the server should name, not guess around.
 *
 * @example
 * const Query = z.strictObject({ offset: queryInt(z.int().min(0)) });
 * Query.parse({ offset: '42' }); // { offset: 42 }
 * Query.safeParse({ offset: '0x10' }).success; // false
 */
export function queryInt<T extends z.ZodType<number, number>>(target: T) {
  return z
    .string()
    .regex(/^[0-9]{1,20}$/, 'must be a whole number in plain decimal digits')
    .transform(Number)
    .pipe(target);
}
