import { toHex } from '../src/bytes.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import type { ContentType } from '../src/envelope/constants.ts';

/** One golden vector; the fields are documented in SPEC.md ("Golden vectors"). */
export interface GoldenCase {
  name: string;
  mode: 'direct' | 'wrapped';
  contentType: ContentType;
  signed: boolean;
  context: string;
  key?: { kid: string; epoch: number; key: string };
  keks?: Array<{ kid: string; key: string }>;
  x25519Keys?: Array<{ kid: string; privateKey: string; publicKey: string }>;
  passphrase?: string;
  trustedSigners?: Array<{ kid: string; publicKey: string }>;
  requireSignature?: boolean;
  expectContentType?: ContentType;
  epoch?: number;
  plaintext?: string;
  signerKid?: string;
  record?: Omit<RecordFields, 'blob'> & { vaultId: string; recordId: string };
  envelope: string;
  result: 'valid' | 'invalid';
  error?: 'EnvelopeFormatError' | 'KeyNotFoundError' | 'DecryptionError';
  code?: string;
}

/** Everything needed to open an envelope, in raw bytes (turned into hex for JSON). */
export interface Credentials {
  context: Uint8Array;
  key?: { kid: Uint8Array; epoch: number; key: Uint8Array };
  keks?: Array<{ kid: Uint8Array; key: Uint8Array }>;
  x25519Keys?: Array<{ kid: Uint8Array; privateKey: Uint8Array; publicKey: Uint8Array }>;
  passphrase?: string;
  trustedSigners?: Array<{ kid: Uint8Array; publicKey: Uint8Array }>;
  requireSignature?: boolean;
  expectContentType?: ContentType;
}

/** JSON form of the credentials (hex strings). */
export function credentialFields(c: Credentials): Partial<GoldenCase> {
  const out: Partial<GoldenCase> = { context: toHex(c.context) };
  if (c.key) out.key = { kid: toHex(c.key.kid), epoch: c.key.epoch, key: toHex(c.key.key) };
  if (c.keks) out.keks = c.keks.map((k) => ({ kid: toHex(k.kid), key: toHex(k.key) }));
  if (c.x25519Keys) {
    out.x25519Keys = c.x25519Keys.map((k) => ({
      kid: toHex(k.kid),
      privateKey: toHex(k.privateKey),
      publicKey: toHex(k.publicKey),
    }));
  }
  if (c.passphrase !== undefined) out.passphrase = c.passphrase;
  if (c.trustedSigners) {
    out.trustedSigners = c.trustedSigners.map((s) => ({
      kid: toHex(s.kid),
      publicKey: toHex(s.publicKey),
    }));
  }
  if (c.requireSignature) out.requireSignature = true;
  if (c.expectContentType) out.expectContentType = c.expectContentType;
  return out;
}

/** An invalid case: the envelope bytes (or raw armor text) and the error it must raise. */
export function invalidCase(
  name: string,
  base: { mode: GoldenCase['mode']; contentType: ContentType; signed: boolean },
  credentials: Credentials,
  envelope: Uint8Array | string,
  error: NonNullable<GoldenCase['error']>,
  code?: string,
): GoldenCase {
  return {
    name,
    ...base,
    context: '',
    ...credentialFields(credentials),
    envelope: typeof envelope === 'string' ? envelope : encodeArmor(envelope),
    result: 'invalid',
    error,
    ...(code ? { code } : {}),
  };
}

/** Record fields as JSON (SPEC.md 10.1; bytes as hex). */
export interface RecordFields {
  name: string;
  type: string;
  content: string;
  createdAt: number;
  updatedAt: number;
  authorKid: string;
  blob?: { blobId: string; size: number };
}
