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
  type Mutation,
  type MutationOutcome,
  PULL_PAGE_MAX_BYTES,
  type PullOptions,
  type PullResult,
  type PurgeResult,
  type TombstonePurgeSummary,
} from '../contract.ts';
import { notFound, StorageError } from '../errors.ts';
import { assertCount, idBytes, idHex, toBuffer, toBytes, toBytesOrNull } from '../ids.ts';
import {
  type PlannedRecord,
  type PriorOutcome,
  planPush,
  withStoredEnvelopes,
} from '../push-plan.ts';
import { checkMutations } from '../push-rules.ts';
import { type Db, query, rows, transaction } from './database.ts';

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

const WRITE_ROWS = `
WITH upserted AS (
  INSERT INTO records (vault_id, record_id, revision, seq, envelope, epoch, author_id, updated_at)
  SELECT $1, r.record_id, r.revision, r.seq, r.envelope, r.epoch, $2, $3
  FROM unnest($4::bytea[], $5::int8[], $6::int8[], $7::bytea[], $8::int4[])
    AS r (record_id, revision, seq, envelope, epoch)
  ON CONFLICT (vault_id, record_id) DO UPDATE SET revision = excluded.revision,
    seq = excluded.seq, envelope = excluded.envelope, epoch = excluded.epoch,
    author_id = excluded.author_id, updated_at = excluded.updated_at
), applied AS (
  INSERT INTO applied_mutations (vault_id, mutation_id, record_id, revision, seq)
  SELECT $1, a.mutation_id, a.record_id, a.revision, a.seq
  FROM unnest($9::bytea[], $10::bytea[], $11::int8[], $12::int8[])
    AS a (mutation_id, record_id, revision, seq)
)
UPDATE vaults SET head_seq = $13 WHERE vault_id = $1
RETURNING pg_notify($14, $15)`;

/**
 * A push in four round trips whatever the batch size: lock the vault's
 * counter row, read the touched records and the already-applied mutation
 * ids in one statement, plan in memory (push-plan.ts), then write every row,
 * the new head and the notification in one statement. The counter row lock
 * is held throughout, so sequences stay gapless and in commit order.
 */
export async function pushMutations(
  pool: pg.Pool,
  vaultId: string,
  authorId: string,
  mutations: ReadonlyArray<Mutation>,
  options: { atomic: boolean; now: number },
): Promise<MutationOutcome[]> {
  const vault = idBytes(vaultId, 'vaultId');
  const author = idBytes(authorId, 'authorId');
  return transaction(pool, async (tx) => {
    const [v] = await rows<{ current_epoch: number; head_seq: number }>(
      tx,
      'UPDATE vaults SET head_seq = head_seq WHERE vault_id = $1 RETURNING current_epoch, head_seq',
      [vault],
    );
    if (v === undefined) throw notFound('vault');
    checkMutations(mutations, v.current_epoch);
    const read = await rows<{
      prior: boolean;
      id: Buffer;
      record_id: Buffer;
      revision: number;
      seq: number;
      epoch: number;
      deleted: boolean;
    }>(
      tx,
      `SELECT true AS prior, mutation_id AS id, record_id, revision, seq, 0 AS epoch, false AS deleted
         FROM applied_mutations WHERE vault_id = $1 AND mutation_id = ANY($2::bytea[])
       UNION ALL
       SELECT false, record_id, record_id, revision, seq, epoch, envelope IS NULL
         FROM records WHERE vault_id = $1 AND record_id = ANY($3::bytea[])`,
      [
        vault,
        mutations.map((m) => idBytes(m.mutationId)),
        [...new Set(mutations.map((m) => m.recordId))].map((id) => idBytes(id)),
      ],
    );
    const prior = new Map<string, PriorOutcome>();
    const stored = new Map<string, PlannedRecord>();
    for (const r of read) {
      if (r.prior) {
        prior.set(idHex(r.id), { recordId: idHex(r.record_id), revision: r.revision, seq: r.seq });
      } else {
        stored.set(idHex(r.id), {
          revision: r.revision,
          seq: r.seq,
          epoch: r.epoch,
          deleted: r.deleted,
        });
      }
    }
    const plan = planPush(mutations, v.head_seq, prior, stored, options);
    let outcomes = plan.outcomes;
    if (plan.needsEnvelope.size > 0) {
      const found = await rows<{ record_id: Buffer; envelope: Buffer }>(
        tx,
        'SELECT record_id, envelope FROM records WHERE vault_id = $1 AND record_id = ANY($2::bytea[])',
        [vault, [...plan.needsEnvelope].map((id) => idBytes(id))],
      );
      const envelopes = new Map(found.map((r) => [idHex(r.record_id), toBytes(r.envelope)]));
      outcomes = withStoredEnvelopes(outcomes, stored, envelopes);
    }
    if (plan.records.length > 0) {
      const { records: rs, applied } = plan;
      await query(tx, WRITE_ROWS, [
        vault,
        author,
        options.now,
        rs.map((r) => idBytes(r.recordId)),
        rs.map((r) => r.revision),
        rs.map((r) => r.seq),
        rs.map((r) => (r.envelope === null ? null : toBuffer(r.envelope))),
        rs.map((r) => r.epoch),
        applied.map((a) => idBytes(a.mutationId)),
        applied.map((a) => idBytes(a.recordId)),
        applied.map((a) => a.revision),
        applied.map((a) => a.seq),
        plan.head,
        // Delivered by PostgreSQL at commit, to every listening instance.
        CHANGES_CHANNEL,
        `${vaultId}:${plan.head}`,
      ]);
    }
    return outcomes;
  });
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
      // The running sum ends the page near maxBytes inside the database, so
      // a page of large envelopes is not transferred only to be cut here;
      // the first row past the limit comes along to tell hasMore.
      const result = await rows<PullRow>(
        tx,
        `SELECT seq, record_id, revision, envelope, epoch, author_id, updated_at FROM (
           SELECT seq, encode(record_id, 'hex') AS record_id, revision, envelope, epoch,
             encode(author_id, 'hex') AS author_id, updated_at,
             coalesce(octet_length(envelope), 0) AS size,
             sum(coalesce(octet_length(envelope), 0)) OVER (ORDER BY seq) AS running,
             row_number() OVER (ORDER BY seq) AS n
           FROM records WHERE vault_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
         ) page WHERE running - size <= $4 OR n <= 2 ORDER BY seq`,
        [vault, cursor, limit + 1, maxBytes],
      );
      const changes: Change[] = [];
      let bytes = 0;
      let hasMore = false;
      for (const r of result) {
        const size = r.envelope?.length ?? 0;
        if (changes.length === limit || (changes.length > 0 && bytes + size > maxBytes)) {
          hasMore = true;
          break;
        }
        bytes += size;
        changes.push({
          seq: r.seq,
          recordId: r.record_id,
          revision: r.revision,
          envelope: toBytesOrNull(r.envelope),
          epoch: r.epoch,
          authorId: r.author_id,
          updatedAt: r.updated_at,
        });
      }
      return { resyncRequired: false, changes, nextCursor: changes.at(-1)?.seq ?? cursor, hasMore };
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
