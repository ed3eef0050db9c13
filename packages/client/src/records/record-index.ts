/**
 * The sealed record index of one vault: what this device learned by opening
 * the replica's envelopes (name, type, sizes, times), keyed by recordId and
 * the revision it was read at, so a listing opens only what changed.
 *
 * It lives in the store's meta table, sealed with AES-256-GCM under a key
 * derived from the vault's newest epoch key: the replica keeps holding
 * ciphertext only. Opening it is fail-closed: a missing, stale (older epoch),
 * truncated or tampered index is `undefined` and the caller rebuilds it from
 * the envelopes.
 */
import { concatBytes, hkdfSha256, lazySchema, ownedCopy, u32be, utf8 } from '@coffer/protocol';
import { z } from 'zod';
import type { VaultKeyring } from '../vault/keyring.ts';

/** What a listing shows of a record, cached per (recordId, revision). */
export interface IndexedRecord {
  name: string;
  type: string;
  /** Bytes of the inline content (before padding). */
  size: number;
  createdAt: number;
  updatedAt: number;
  blob?: { blobId: string; size: number };
}

/** recordId → the revision it was opened at and what it holds (`null`: a tombstone). */
export type RecordIndex = Map<string, { revision: number; record: IndexedRecord | null }>;

const FORMAT = 2;
const HEADER = 1 + 4 + 12; // format, epoch (u32be), nonce
const INFO = utf8('coffer/client/v1/record-index');

/** The meta key under which a vault's sealed index is stored. */
export function recordIndexMetaKey(vaultId: string): string {
  return `record-index:${vaultId}`;
}

const ints = lazySchema(() => z.array(z.number().int().nonnegative()));
/**
 * Columns, one entry per record (a row of 10 000 parses and validates as a
 * few flat arrays, far cheaper than 10 000 objects). `type[i]` indexes the
 * distinct `types`, or is -1 for a tombstone.
 */
const indexSchema = lazySchema(() =>
  z.object({
    v: z.literal(FORMAT),
    vaultId: z.string(),
    ids: z.array(z.string()),
    revisions: ints,
    types: z.array(z.string()),
    type: z.array(z.number().int().min(-1)),
    names: z.array(z.string()),
    sizes: ints,
    created: ints,
    updated: ints,
    blobIds: z.array(z.string().nullable()),
    blobSizes: ints,
  }),
);
type IndexColumns = z.infer<typeof indexSchema>;

/** Base64url of bytes; native where the runtime has it (Chromium 140+). */
function encode(bytes: Uint8Array): string {
  const native = (bytes as { toBase64?: (o: object) => string }).toBase64;
  if (native) return native.call(bytes, { alphabet: 'base64url', omitPadding: true });
  let binary = '';
  // Chunks: one String.fromCharCode per 32 KiB, not per byte.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decode(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as { fromBase64?: (t: string, o: object) => Uint8Array<ArrayBuffer> })
    .fromBase64;
  if (native) return native(text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function indexKey(ring: VaultKeyring, epoch: number): Promise<CryptoKey | undefined> {
  const vaultKey = ring.keys.find((k) => k.epoch === epoch);
  if (!vaultKey) return undefined;
  // Domain-separated from every protocol key: this key only ever seals this device's index.
  const raw = await hkdfSha256(vaultKey.key, ring.vaultIdBytes, INFO, 32);
  const key = await crypto.subtle.importKey('raw', ownedCopy(raw), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  raw.fill(0);
  return key;
}

function aad(ring: VaultKeyring, epoch: number) {
  // Bound to the vault and epoch: an index cannot be moved to another vault.
  return ownedCopy(concatBytes(INFO, ring.vaultIdBytes, u32be(epoch)));
}

/**
 * Seal a vault's index under its newest epoch, as a meta string.
 *
 * @example
 * await store.setMeta(recordIndexMetaKey(vaultId), await sealRecordIndex(ring, index));
 */
export async function sealRecordIndex(ring: VaultKeyring, index: RecordIndex): Promise<string> {
  const c: IndexColumns = {
    v: FORMAT,
    vaultId: ring.vaultId,
    ids: [],
    revisions: [],
    types: [],
    type: [],
    names: [],
    sizes: [],
    created: [],
    updated: [],
    blobIds: [],
    blobSizes: [],
  };
  const typeIds = new Map<string, number>();
  for (const [recordId, { revision, record: r }] of index) {
    c.ids.push(recordId);
    c.revisions.push(revision);
    let type = -1;
    if (r) {
      type = typeIds.get(r.type) ?? -1;
      if (type < 0) {
        type = c.types.push(r.type) - 1;
        typeIds.set(r.type, type);
      }
    }
    c.type.push(type);
    c.names.push(r?.name ?? '');
    c.sizes.push(r?.size ?? 0);
    c.created.push(r?.createdAt ?? 0);
    c.updated.push(r?.updatedAt ?? 0);
    c.blobIds.push(r?.blob?.blobId ?? null);
    c.blobSizes.push(r?.blob?.size ?? 0);
  }
  const plain = utf8(JSON.stringify(c));
  const epoch = ring.current.epoch;
  const key = await indexKey(ring, epoch);
  if (!key) throw new Error('unreachable: the newest epoch is in the keyring');
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: aad(ring, epoch) },
    key,
    ownedCopy(plain),
  );
  return encode(concatBytes(new Uint8Array([FORMAT]), u32be(epoch), nonce, new Uint8Array(sealed)));
}

/** Why a stored index was not used. */
export type IndexRejection = 'missing' | 'stale' | 'rejected';

/**
 * Open a sealed index. Anything but an authentic index of this vault at its
 * newest epoch is refused (`stale` after a key rotation, `rejected` when it
 * does not authenticate or parse), never partly trusted.
 *
 * @example
 * const opened = await openRecordIndex(ring, await store.getMeta(recordIndexMetaKey(vaultId)));
 * if ('index' in opened) reuse(opened.index);
 */
export async function openRecordIndex(
  ring: VaultKeyring,
  stored: string | undefined,
): Promise<{ index: RecordIndex } | { rejected: IndexRejection }> {
  if (stored === undefined) return { rejected: 'missing' };
  try {
    const bytes = decode(stored);
    if (bytes.length < HEADER + 16) return { rejected: 'rejected' };
    // Another format (an older or newer client) is rebuilt, not an attack.
    if (bytes[0] !== FORMAT) return { rejected: 'stale' };
    const epoch = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
    // Sealed before a rotation: valid once, but rebuilt under the new key.
    if (epoch !== ring.current.epoch) return { rejected: 'stale' };
    const key = await indexKey(ring, epoch);
    if (!key) return { rejected: 'stale' };
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(5, HEADER), additionalData: aad(ring, epoch) },
      key,
      bytes.subarray(HEADER),
    );
    const c = indexSchema.parse(JSON.parse(new TextDecoder().decode(plain)));
    const n = c.ids.length;
    const columns = [
      c.revisions,
      c.type,
      c.names,
      c.sizes,
      c.created,
      c.updated,
      c.blobIds,
      c.blobSizes,
    ];
    if (c.vaultId !== ring.vaultId || columns.some((col) => col.length !== n)) {
      return { rejected: 'rejected' };
    }
    const index: RecordIndex = new Map();
    for (let i = 0; i < n; i++) {
      const t = c.type[i] as number;
      const type = c.types[t];
      if (t >= 0 && type === undefined) return { rejected: 'rejected' };
      const blobId = c.blobIds[i] ?? null;
      index.set(c.ids[i] as string, {
        revision: c.revisions[i] as number,
        record:
          type === undefined
            ? null
            : {
                name: c.names[i] as string,
                type,
                size: c.sizes[i] as number,
                createdAt: c.created[i] as number,
                updatedAt: c.updated[i] as number,
                ...(blobId === null ? {} : { blob: { blobId, size: c.blobSizes[i] as number } }),
              },
      });
    }
    return { index };
  } catch {
    // Bad base64, failed authentication, bad JSON or shape: all the same refusal.
    return { rejected: 'rejected' };
  }
}
