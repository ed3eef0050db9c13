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
import { concatBytes, hkdfSha256, ownedCopy, u32be, utf8 } from '@coffer/protocol';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../util/base64url.ts';
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

const FORMAT = 1;
const HEADER = 1 + 4 + 12; // format, epoch (u32be), nonce
const INFO = utf8('coffer/client/v1/record-index');

/** The meta key under which a vault's sealed index is stored. */
export function recordIndexMetaKey(vaultId: string): string {
  return `record-index:${vaultId}`;
}

const int = z.number().int().nonnegative();
const indexSchema = z.object({
  v: z.literal(FORMAT),
  vaultId: z.string(),
  // [recordId, revision, name, type, size, createdAt, updatedAt, blobId | null, blobSize | null]
  live: z.array(
    z.tuple([z.string(), int, z.string(), z.string(), int, int, int, z.string().nullable(), int]),
  ),
  // [recordId, revision]
  deleted: z.array(z.tuple([z.string(), int])),
});

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
  const live: z.infer<typeof indexSchema>['live'] = [];
  const deleted: Array<[string, number]> = [];
  for (const [recordId, { revision, record: r }] of index) {
    if (!r) deleted.push([recordId, revision]);
    else {
      live.push([
        recordId,
        revision,
        r.name,
        r.type,
        r.size,
        r.createdAt,
        r.updatedAt,
        r.blob?.blobId ?? null,
        r.blob?.size ?? 0,
      ]);
    }
  }
  const plain = utf8(JSON.stringify({ v: FORMAT, vaultId: ring.vaultId, live, deleted }));
  const epoch = ring.current.epoch;
  const key = await indexKey(ring, epoch);
  if (!key) throw new Error('unreachable: the newest epoch is in the keyring');
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: aad(ring, epoch) },
    key,
    ownedCopy(plain),
  );
  return toBase64Url(
    concatBytes(new Uint8Array([FORMAT]), u32be(epoch), nonce, new Uint8Array(sealed)),
  );
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
    const bytes = fromBase64Url(stored);
    if (bytes.length < HEADER + 16 || bytes[0] !== FORMAT) return { rejected: 'rejected' };
    const epoch = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
    // Sealed before a rotation: valid once, but rebuilt under the new key.
    if (epoch !== ring.current.epoch) return { rejected: 'stale' };
    const key = await indexKey(ring, epoch);
    if (!key) return { rejected: 'stale' };
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(5, HEADER), additionalData: aad(ring, epoch) },
      key,
      bytes.slice(HEADER),
    );
    const parsed = indexSchema.parse(JSON.parse(new TextDecoder().decode(plain)));
    if (parsed.vaultId !== ring.vaultId) return { rejected: 'rejected' };
    const index: RecordIndex = new Map();
    for (const [
      recordId,
      revision,
      name,
      type,
      size,
      createdAt,
      updatedAt,
      blobId,
      blobSize,
    ] of parsed.live) {
      index.set(recordId, {
        revision,
        record: {
          name,
          type,
          size,
          createdAt,
          updatedAt,
          ...(blobId === null ? {} : { blob: { blobId, size: blobSize } }),
        },
      });
    }
    for (const [recordId, revision] of parsed.deleted)
      index.set(recordId, { revision, record: null });
    return { index };
  } catch {
    // Bad base64, failed authentication, bad JSON or shape: all the same refusal.
    return { rejected: 'rejected' };
  }
}
