/**
 * Where an upload starts: a journal from an earlier run that the server still
 * agrees with, or a fresh blob (new id, new salt). Anything the server says
 * that does not fit the journal (the upload is gone, another size, a received
 * count that is neither the acknowledged one nor the end of the PUT that was
 * in flight) starts over: a new salt is always safe, a guess never is.
 */
import {
  constantTimeEqual,
  fromHex,
  parseHeaderPrefix,
  type SymmetricKey,
  toHex,
} from '@coffer/protocol';
import type { SyncContext } from '../sync/context.ts';
import { ServerProblemError } from '../transport/errors.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { blobEnvelopeSize } from './blob-layout.ts';
import { type BlobSealing, newBlobSealing } from './blob-sealer.ts';
import type { TransferJournal, UploadJournalEntry } from './transfer-journal.ts';

/** An upload ready to run: its journal entry, key, sealing, and what the server holds. */
export interface UploadStart {
  entry: UploadJournalEntry;
  key: SymmetricKey;
  sealing: BlobSealing;
  /** Envelope bytes the server holds now (0 for a fresh blob). */
  received: number;
}

/** The ring's key that a journalled header names (kid and epoch), if still held. */
function keyOfHeader(ring: VaultKeyring, header: Uint8Array): SymmetricKey | undefined {
  try {
    const parsed = parseHeaderPrefix(header);
    if (parsed.mode !== 'direct' || parsed.contentType !== 'blob') return undefined;
    return ring.keys.find((k) => k.epoch === parsed.epoch && constantTimeEqual(k.kid, parsed.kid));
  } catch {
    return undefined;
  }
}

async function resumed(
  ctx: SyncContext,
  ring: VaultKeyring,
  entry: UploadJournalEntry,
  size: number,
  chunkBytes: number,
): Promise<UploadStart | undefined> {
  if (entry.vaultId !== ring.vaultId || entry.size !== size || entry.chunkBytes !== chunkBytes) {
    return undefined;
  }
  const header = fromHex(entry.header);
  const key = keyOfHeader(ring, header);
  if (!key) return undefined;
  let status: { size: number; received: number };
  try {
    status = await ctx.transport.getBlobStatus(ring.vaultId, entry.blobId);
  } catch (error) {
    // The upload expired or was never created: start over. Other errors are the caller's.
    if (error instanceof ServerProblemError && error.status === 404) return undefined;
    throw error;
  }
  const fits = status.received === entry.acked || status.received === entry.pending?.end;
  if (status.size !== blobEnvelopeSize(size) || !fits) return undefined;
  return { entry, key, sealing: { header, salt: fromHex(entry.salt) }, received: status.received };
}

/**
 * Resume the journalled upload if the server agrees with it, else create a
 * new blob and journal it before the first byte leaves.
 *
 * @example
 * const start = await startUpload(ctx, ring, journal, file.size, 1 << 20);
 */
export async function startUpload(
  ctx: SyncContext,
  ring: VaultKeyring,
  journal: TransferJournal<UploadJournalEntry>,
  size: number,
  chunkBytes: number,
): Promise<UploadStart> {
  const earlier = await journal.load();
  if (earlier) {
    const start = await resumed(ctx, ring, earlier, size, chunkBytes);
    if (start) return start;
    await journal.clear();
  }
  const { blobId } = await ctx.transport.createBlob(ring.vaultId, blobEnvelopeSize(size));
  const sealing = await newBlobSealing(ring.vaultIdBytes, blobId, ring.current);
  const entry: UploadJournalEntry = {
    v: 1,
    vaultId: ring.vaultId,
    blobId,
    size,
    chunkBytes,
    header: toHex(sealing.header),
    salt: toHex(sealing.salt),
    acked: 0,
    chain: toHex(new Uint8Array(32)),
    pending: null,
  };
  await journal.save(entry);
  return { entry, key: ring.current, sealing, received: 0 };
}
