/**
 * Progress of resumable blob transfers, kept in the local store's meta table
 * so that a new process (a new client over the same store) continues where
 * the old one stopped. Only public values are kept: ids, sizes, the header
 * and salt (both in the envelope the server holds) and digests of sent
 * ciphertext; never a key or a plaintext byte. What is read back is parsed;
 * anything unreadable counts as no journal (the transfer starts over).
 */
import { lazySchema } from '@coffer/protocol';
import { z } from 'zod';
import type { LocalStore } from '../store/types.ts';

const Hex = lazySchema(() => z.string().regex(/^(?:[0-9a-f]{2})*$/));
const Count = lazySchema(() => z.number().int().nonnegative());

/** An upload: where the server stopped and what the bytes before that hash to. */
export const UploadJournalEntry = lazySchema(() =>
  z.object({
    v: z.literal(1),
    vaultId: z.string(),
    blobId: z.string(),
    size: Count,
    chunkBytes: z.number().int().positive(),
    header: Hex,
    salt: Hex,
    /** Envelope bytes the server acknowledged (always at a PUT boundary). */
    acked: Count,
    /** Hash chain over the acknowledged PUTs: c = SHA-256(c ‖ SHA-256(put)), from 32 zero bytes. */
    chain: Hex,
    /** The PUT in flight when this was written: it may have landed without an answer. */
    pending: z.object({ end: Count, digest: Hex }).nullable(),
  }),
);
export type UploadJournalEntry = z.infer<typeof UploadJournalEntry>;

/** A download: plaintext bytes the sink has taken, all of them authenticated. */
export const DownloadJournalEntry = lazySchema(() =>
  z.object({
    v: z.literal(1),
    vaultId: z.string(),
    blobId: z.string(),
    size: Count,
    written: Count,
  }),
);
export type DownloadJournalEntry = z.infer<typeof DownloadJournalEntry>;

/** One journal slot in the meta table. */
export interface TransferJournal<T> {
  /** False for the journal that keeps nothing (no key): work done only for it can be skipped. */
  readonly persistent: boolean;
  load(): Promise<T | undefined>;
  save(entry: T): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The journal of transfer `key` (chosen by the caller, e.g. a file path) in
 * `vaultId`, or a journal that keeps nothing when there is no key.
 *
 * @example
 * const journal = transferJournal(store, 'upload', vaultId, '/tmp/video.mp4', UploadJournalEntry);
 */
export function transferJournal<T>(
  store: LocalStore,
  direction: 'upload' | 'download',
  vaultId: string,
  key: string | undefined,
  schema: z.ZodType<T>,
): TransferJournal<T> {
  if (key === undefined) {
    return {
      persistent: false,
      load: async () => undefined,
      save: async () => {},
      clear: async () => {},
    };
  }
  const slot = `blob-${direction}:${vaultId}:${key}`;
  return {
    persistent: true,
    async load() {
      const raw = await store.getMeta(slot);
      if (raw === undefined) return undefined;
      try {
        const parsed = schema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    save: (entry) => store.setMeta(slot, JSON.stringify(entry)),
    clear: () => store.setMeta(slot, undefined),
  };
}
