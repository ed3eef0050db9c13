/**
 * Records on PostgreSQL. A push first locks the vault's counter row with
 * `UPDATE ... RETURNING`; every writer of the vault waits there, so
 * sequences are assigned and committed strictly in order and a reader's
 * snapshot always holds a gapless prefix: a cursor never skips a row.
 * Only the latest change of each record is kept (see the SQLite twin).
 */
import type pg from 'pg';
import type { Change, Mutation, MutationOutcome, PullResult, PurgeResult } from '../contract.ts';
import { notFound, StorageError } from '../errors.ts';
import { assertCount, idBytes, idHex, toBuffer, toBytesOrNull } from '../ids.ts';
import {
  abortOutcomes,
  baseMatches,
  type CurrentRecord,
  checkMutations,
  conflictOutcome,
} from '../push-rules.ts';
import { type Db, query, rows, transaction } from './database.ts';

/** The channel of "vault has new sequence" notifications. */
export const CHANGES_CHANNEL = 'coffer_vault_changes';

interface RecordDbRow {
  record_id: Buffer;
  revision: number;
  seq: number;
  envelope: Buffer | null;
  epoch: number;
  author_id: Buffer;
  updated_at: number;
}

async function readRecord(db: Db, vault: Buffer, record: Buffer): Promise<CurrentRecord | null> {
  const [r] = await rows<RecordDbRow>(
    db,
    'SELECT revision, seq, envelope, epoch FROM records WHERE vault_id = $1 AND record_id = $2',
    [vault, record],
  );
  if (r === undefined) return null;
  return { revision: r.revision, seq: r.seq, envelope: toBytesOrNull(r.envelope), epoch: r.epoch };
}

class AtomicAbort extends Error {
  readonly outcomes: MutationOutcome[];
  readonly fresh: Set<number>;
  constructor(outcomes: MutationOutcome[], fresh: Set<number>) {
    super('atomic batch aborted');
    this.outcomes = outcomes;
    this.fresh = fresh;
  }
}

export async function pushMutations(
  pool: pg.Pool,
  vaultId: string,
  authorId: string,
  mutations: ReadonlyArray<Mutation>,
  options: { atomic: boolean; now: number },
): Promise<MutationOutcome[]> {
  const vault = idBytes(vaultId, 'vaultId');
  const author = idBytes(authorId, 'authorId');
  try {
    return await transaction(pool, async (tx) => {
      const [v] = await rows<{ current_epoch: number; head_seq: number }>(
        tx,
        'UPDATE vaults SET head_seq = head_seq WHERE vault_id = $1 RETURNING current_epoch, head_seq',
        [vault],
      );
      if (v === undefined) throw notFound('vault');
      checkMutations(mutations, v.current_epoch);
      let head = v.head_seq;
      const outcomes: MutationOutcome[] = [];
      const fresh = new Set<number>();
      let conflicted = false;
      for (const [i, m] of mutations.entries()) {
        const mutation = idBytes(m.mutationId);
        const record = idBytes(m.recordId);
        const [prior] = await rows<{ record_id: Buffer; revision: number; seq: number }>(
          tx,
          'SELECT record_id, revision, seq FROM applied_mutations WHERE vault_id = $1 AND mutation_id = $2',
          [vault, mutation],
        );
        if (prior !== undefined) {
          outcomes.push({
            status: 'applied',
            mutationId: m.mutationId,
            recordId: idHex(prior.record_id),
            revision: prior.revision,
            seq: prior.seq,
          });
          continue;
        }
        const current = await readRecord(tx, vault, record);
        if (!baseMatches(m, current)) {
          outcomes.push(conflictOutcome(m, current));
          conflicted = true;
          continue;
        }
        head += 1;
        const revision = (current?.revision ?? 0) + 1;
        await query(
          tx,
          `INSERT INTO records (vault_id, record_id, revision, seq, envelope, epoch, author_id, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (vault_id, record_id) DO UPDATE SET revision = excluded.revision,
             seq = excluded.seq, envelope = excluded.envelope, epoch = excluded.epoch,
             author_id = excluded.author_id, updated_at = excluded.updated_at`,
          [
            vault,
            record,
            revision,
            head,
            m.envelope === null ? null : toBuffer(m.envelope),
            m.epoch,
            author,
            options.now,
          ],
        );
        await query(
          tx,
          `INSERT INTO applied_mutations (vault_id, mutation_id, record_id, revision, seq)
           VALUES ($1, $2, $3, $4, $5)`,
          [vault, mutation, record, revision, head],
        );
        outcomes.push({
          status: 'applied',
          mutationId: m.mutationId,
          recordId: m.recordId,
          revision,
          seq: head,
        });
        fresh.add(i);
      }
      if (options.atomic && conflicted) throw new AtomicAbort(outcomes, fresh);
      if (head !== v.head_seq) {
        await query(tx, 'UPDATE vaults SET head_seq = $1 WHERE vault_id = $2', [head, vault]);
        // Delivered by PostgreSQL at commit, to every listening instance.
        await query(tx, 'SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, `${vaultId}:${head}`]);
      }
      return outcomes;
    });
  } catch (error) {
    if (!(error instanceof AtomicAbort)) throw error;
    // Conflicts were judged against the batch's own (rolled back) writes:
    // report the committed state instead.
    const outcomes = await Promise.all(
      error.outcomes.map(async (o, i) => {
        const m = mutations[i];
        if (o.status !== 'conflict' || m === undefined) return o;
        return conflictOutcome(m, await readRecord(pool, vault, idBytes(m.recordId)));
      }),
    );
    return abortOutcomes(outcomes, error.fresh);
  }
}

export async function pullChanges(
  pool: pg.Pool,
  vaultId: string,
  cursor: number,
  limit: number,
  options: { resync?: boolean } = {},
): Promise<PullResult> {
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
      const result = await rows<RecordDbRow>(
        tx,
        `SELECT record_id, revision, seq, envelope, epoch, author_id, updated_at FROM records
         WHERE vault_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [vault, cursor, limit + 1],
      );
      const hasMore = result.length > limit;
      const changes: Change[] = result.slice(0, limit).map((r) => ({
        seq: r.seq,
        recordId: idHex(r.record_id),
        revision: r.revision,
        envelope: toBytesOrNull(r.envelope),
        epoch: r.epoch,
        authorId: idHex(r.author_id),
        updatedAt: r.updated_at,
      }));
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
