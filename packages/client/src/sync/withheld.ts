/**
 * Records withheld from the replica: the server sent a change of them that
 * did not verify (an envelope that does not open under its record, a signer
 * who is not a member, a revision or edit time that goes backwards), so the
 * replica kept its last verified version, or none. The pull moves its
 * cursor past such a change, so it is not met again: without this list a
 * refusal was reported once, as an event, and then the record was missing
 * silently. Kept per vault in the store's meta until a verified change of
 * the record arrives or the server stops listing it.
 */
import { z } from 'zod';
import type { LocalStore } from '../store/types.ts';

/** A record this device refused, and why. */
export interface WithheldRecord {
  recordId: string;
  /** The refusal's code (`envelope_rejected`, `signer_untrusted`, `revision_rollback`, ...). */
  code: string;
  /** The revision and sequence number the server claimed for the refused change. */
  revision: number;
  seq: number;
  /** When it was refused (ms since epoch). */
  at: number;
}

/**
 * Records listed per vault. A server that sends nothing but forgeries
 * cannot grow the list (rewritten on every pull that changes it) without
 * bound: beyond this many, refusals are only counted.
 */
export const WITHHELD_LIMIT = 1000;

const Stored = z.object({
  records: z.array(
    z.object({
      recordId: z.string(),
      code: z.string(),
      revision: z.number(),
      seq: z.number(),
      at: z.number(),
    }),
  ),
  more: z.number().int().nonnegative(),
});

/** What a vault's list holds. */
export interface WithheldList {
  records: WithheldRecord[];
  /** Refusals beyond {@link WITHHELD_LIMIT}, not listed. */
  more: number;
}

const PREFIX = 'withheld:';
const metaKey = (vaultId: string) => `${PREFIX}${vaultId}`;

/**
 * A vault's withheld records. An unreadable entry (a damaged replica) reads
 * as none: the next refusal writes a fresh one.
 *
 * @example
 * const { records } = await readWithheld(store, vaultId);
 */
export async function readWithheld(store: LocalStore, vaultId: string): Promise<WithheldList> {
  const raw = await store.getMeta(metaKey(vaultId));
  if (raw === undefined) return { records: [], more: 0 };
  try {
    return Stored.parse(JSON.parse(raw));
  } catch {
    return { records: [], more: 0 };
  }
}

/**
 * Update a vault's list: `verified` records leave it, `refused` ones join
 * (replacing an earlier refusal of the same record). Written only on change.
 *
 * @example
 * await updateWithheld(store, vaultId, [{ recordId, code, revision, seq, at }], new Set());
 */
export async function updateWithheld(
  store: LocalStore,
  vaultId: string,
  refused: ReadonlyArray<WithheldRecord>,
  verified: ReadonlySet<string> | ((recordId: string) => boolean),
  options: { recount?: boolean } = {},
): Promise<WithheldList> {
  const before = await readWithheld(store, vaultId);
  const isVerified = typeof verified === 'function' ? verified : (id: string) => verified.has(id);
  const refusedIds = new Set(refused.map((r) => r.recordId));
  const kept = before.records.filter((r) => !isVerified(r.recordId) && !refusedIds.has(r.recordId));
  // `recount`: the refusals only counted are met again (a full resync
  // re-reads every record), so they are counted afresh.
  const more = options.recount ? 0 : before.more;
  if (refused.length === 0 && kept.length === before.records.length && more === before.more) {
    return before;
  }
  const all = [...kept, ...refused];
  const after = {
    records: all.slice(0, WITHHELD_LIMIT),
    more: more + Math.max(0, all.length - WITHHELD_LIMIT),
  };
  await store.setMeta(
    metaKey(vaultId),
    after.records.length === 0 && after.more === 0 ? undefined : JSON.stringify(after),
  );
  return after;
}

/**
 * How many records are withheld over every vault of a replica. Needs no key
 * (ids and codes only), so a status check can say so without a passphrase.
 *
 * @example
 * const { records, vaults } = await countWithheld(store);
 */
export async function countWithheld(
  store: LocalStore,
): Promise<{ records: number; vaults: number }> {
  let records = 0;
  let vaults = 0;
  for (const key of await store.listMetaKeys(PREFIX)) {
    const list = await readWithheld(store, key.slice(PREFIX.length));
    const count = list.records.length + list.more;
    records += count;
    if (count > 0) vaults++;
  }
  return { records, vaults };
}
