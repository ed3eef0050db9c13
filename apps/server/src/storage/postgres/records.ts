/**
 * Records on PostgreSQL. A push first locks the vault's counter row with
 * `UPDATE ... RETURNING`; every writer of the vault waits there, so
 * sequences are assigned and committed strictly in order and a reader's
 * snapshot always holds a gapless prefix: a cursor never skips a row.
 * Only the latest change of each record is kept (see the SQLite twin).
 */
import type pg from 'pg';
import {
  type Change,
  PULL_PAGE_MAX_BYTES,
  type PullOptions,
  type PullResult,
  type PurgeResult,
  type TombstonePurgeSummary,
} from '../contract.ts';
import { notFound, StorageError } from '../errors.ts';
import { assertCount, idBytes, idHex, toBytesOrNull } from '../ids.ts';
import { query, rows, transaction } from './database.ts';

/** The channel of "vault has new sequence" notifications. */
export const CHANGES_CHANNEL = 'coffer_vault_changes';

interface PullRow {
  seq: number;
  record_id: string;
  revision: number;
  envelope: Buffer | null;
  epoch: number;
  author_id: string;
  updated_at: number;
}

export async function pullChanges(
  pool: pg.Pool,
  vaultId: string,
  cursor: number,
  limit: number,
  options: PullOptions = {},
): Promise<PullResult> {
  const maxBytes = options.maxBytes ?? PULL_PAGE_MAX_BYTES;
  const vault = idBytes(vaultId, 'vaultId');
  assertCount(cursor, 'cursor');
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new StorageError('invalid_argument', 'limit must be a positive integer');
  }
  // REPEATABLE READ: the horizon check and the page come from one snapshot,
  // so a purge committing in between cannot hide tombstones from this page.
  return transaction(
    pool,
    async (tx): Promise<PullResult> => {
      const [v] = await rows<{ head_seq: number; purge_horizon: number }>(
        tx,
        'SELECT head_seq, purge_horizon FROM vaults WHERE vault_id = $1',
        [vault],
      );
      if (v === undefined) throw notFound('vault');
      const horizon = { purgeHorizon: v.purge_horizon, headSeq: v.head_seq };
      if (cursor > v.head_seq) return { resyncRequired: true, reason: 'ahead', ...horizon };
      if (cursor > 0 && cursor < v.purge_horizon && !options.resync) {
        return { resyncRequired: true, reason: 'purged', ...horizon };
      }
      // First the sizes only, to end the page near maxBytes without
      // transferring envelopes that would be cut; then the page itself.
      // (A window-function running sum in one query defeats the LIMIT: the
      // planner sorts every row after the cursor.)
      const sizes = await rows<{ seq: number; size: number }>(
        tx,
        `SELECT seq, coalesce(octet_length(envelope), 0) AS size FROM records
         WHERE vault_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [vault, cursor, limit + 1],
      );
      let take = 0;
      let bytes = 0;
      for (const { size } of sizes) {
        if (take === limit || (take > 0 && bytes + size > maxBytes)) break;
        bytes += size;
        take += 1;
      }
      const hasMore = take < sizes.length;
      const last = sizes[take - 1]?.seq ?? cursor;
      const result =
        take === 0
          ? []
          : await rows<PullRow>(
              tx,
              `SELECT seq, encode(record_id, 'hex') AS record_id, revision, envelope, epoch,
                 encode(author_id, 'hex') AS author_id, updated_at
               FROM records WHERE vault_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
              [vault, cursor, last],
            );
      const changes: Change[] = result.map((r) => ({
        seq: r.seq,
        recordId: r.record_id,
        revision: r.revision,
        envelope: toBytesOrNull(r.envelope),
        epoch: r.epoch,
        authorId: r.author_id,
        updatedAt: r.updated_at,
      }));
      // The last page ends at the head read in this snapshot, not at its
      // last row: when the newest sequences were purged deletions, a cursor
      // left below them (and so below the purge horizon) would make every
      // later pull a full resync until someone wrote again.
      const lastSeq = changes.at(-1)?.seq ?? cursor;
      const nextCursor = hasMore ? lastSeq : Math.max(lastSeq, v.head_seq);
      return { resyncRequired: false, changes, nextCursor, hasMore };
    },
    'repeatable read',
  );
}

export async function purgeTombstones(
  pool: pg.Pool,
  vaultId: string,
  olderThanSeq: number,
): Promise<PurgeResult> {
  const vault = idBytes(vaultId, 'vaultId');
  assertCount(olderThanSeq, 'olderThanSeq');
  return transaction(pool, async (tx) => {
    // Same lock as a push: the horizon never moves under a writer.
    const [v] = await rows<{ head_seq: number; purge_horizon: number }>(
      tx,
      'UPDATE vaults SET head_seq = head_seq WHERE vault_id = $1 RETURNING head_seq, purge_horizon',
      [vault],
    );
    if (v === undefined) throw notFound('vault');
    const horizon = Math.max(v.purge_horizon, Math.min(olderThanSeq - 1, v.head_seq));
    // A retried deletion still gets its original outcome after the purge.
    await query(
      tx,
      `INSERT INTO applied_mutations (vault_id, mutation_id, record_id, revision, seq)
       SELECT vault_id, mutation_id, record_id, revision, seq FROM records
       WHERE vault_id = $1 AND envelope IS NULL AND seq <= $2 AND mutation_id IS NOT NULL`,
      [vault, horizon],
    );
    const { rowCount } = await query(
      tx,
      'DELETE FROM records WHERE vault_id = $1 AND envelope IS NULL AND seq <= $2',
      [vault, horizon],
    );
    await query(tx, 'UPDATE vaults SET purge_horizon = $1 WHERE vault_id = $2', [horizon, vault]);
    return { purged: rowCount ?? 0, purgeHorizon: horizon };
  });
}

export async function purgeTombstonesBefore(
  pool: pg.Pool,
  updatedBefore: number,
): Promise<TombstonePurgeSummary> {
  assertCount(updatedBefore, 'updatedBefore');
  const vaults = await rows<{ vault_id: Buffer; seq: number }>(
    pool,
    `SELECT vault_id, max(seq) AS seq FROM records
     WHERE envelope IS NULL AND updated_at < $1 GROUP BY vault_id`,
    [updatedBefore],
  );
  const summary = { vaults: 0, purged: 0 };
  // One short transaction per vault (each takes that vault's counter lock).
  for (const v of vaults) {
    const result = await purgeTombstones(pool, idHex(v.vault_id), v.seq + 1);
    summary.vaults += 1;
    summary.purged += result.purged;
  }
  return summary;
}
