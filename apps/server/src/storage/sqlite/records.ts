/**
 * Records on SQLite: push (optimistic concurrency, idempotency, atomic
 * batches, the per-vault sequence) and pull. Only the latest change of each
 * record is kept: an update replaces the row and takes a new sequence, so a
 * pull returns each record at most once, at its newest state.
 */
import type { Database } from 'better-sqlite3';
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
  abortOutcomes,
  baseMatches,
  type CurrentRecord,
  checkMutations,
  conflictOutcome,
  nextRevision,
} from '../push-rules.ts';
import { ID_KEY_SQL_FUNCTION, idKey } from './id-key.ts';
import { sql } from './statements.ts';

interface RecordDbRow {
  record_id: Buffer;
  revision: number;
  seq: number;
  envelope: Buffer | null;
  epoch: number;
  author_id: Buffer;
  updated_at: number;
}

/** A record's state without its envelope (a push needs the envelope only to report a conflict). */
interface RecordHead {
  rowid: number;
  revision: number;
  seq: number;
  epoch: number;
  deleted: 0 | 1;
  /** The mutation that wrote this state (NULL on rows written before schema version 5). */
  mutation_id: Buffer | null;
}

function readHead(db: Database, vault: Buffer, record: Buffer): RecordHead | undefined {
  return sql(
    db,
    `SELECT rowid, revision, seq, epoch, envelope IS NULL AS deleted, mutation_id
     FROM records INDEXED BY records_key WHERE record_key = ? AND vault_id = ? AND record_id = ?`,
  ).get(idKey(record), vault, record) as RecordHead | undefined;
}

/**
 * Keep the outcome of the mutation that wrote `row` (about to be replaced or
 * purged) where a retry of it will find it: its revision and seq are that
 * mutation's outcome.
 */
function retireMutation(db: Database, vault: Buffer, record: Buffer, row: RecordHead): void {
  if (row.mutation_id === null) return;
  sql(
    db,
    `INSERT INTO applied_mutations (vault_id, mutation_key, mutation_id, record_id, revision, seq)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(vault, idKey(row.mutation_id), row.mutation_id, record, row.revision, row.seq);
}

function readRecord(db: Database, vault: Buffer, record: Buffer): CurrentRecord | null {
  const r = sql(
    db,
    `SELECT revision, seq, envelope, epoch FROM records
     INDEXED BY records_key WHERE record_key = ? AND vault_id = ? AND record_id = ?`,
  ).get(idKey(record), vault, record) as
    | Omit<RecordDbRow, 'record_id' | 'author_id' | 'updated_at'>
    | undefined;
  if (r === undefined) return null;
  return { revision: r.revision, seq: r.seq, envelope: toBytesOrNull(r.envelope), epoch: r.epoch };
}

/** Stands for a live envelope not read from the row (only its presence matters). */
const LIVE = new Uint8Array(0);

/** Thrown inside the transaction to roll an atomic batch back. */
class AtomicAbort extends Error {
  readonly outcomes: MutationOutcome[];
  readonly fresh: Set<number>;
  constructor(outcomes: MutationOutcome[], fresh: Set<number>) {
    super('atomic batch aborted');
    this.outcomes = outcomes;
    this.fresh = fresh;
  }
}

export interface PushResult {
  outcomes: MutationOutcome[];
  /** The new head sequence when this push advanced it, else null. */
  advancedTo: number | null;
}

export function pushMutations(
  db: Database,
  vaultId: string,
  authorId: string,
  mutations: ReadonlyArray<Mutation>,
  options: { atomic: boolean; now: number },
): PushResult {
  const vault = idBytes(vaultId, 'vaultId');
  const author = idBytes(authorId, 'authorId');
  const apply = db.transaction((): PushResult => {
    const v = sql(
      db,
      'SELECT current_epoch, head_seq, purge_horizon FROM vaults WHERE vault_id = ?',
    ).get(vault) as { current_epoch: number; head_seq: number; purge_horizon: number } | undefined;
    if (v === undefined) throw notFound('vault');
    checkMutations(mutations, v.current_epoch);
    let head = v.head_seq;
    const outcomes: MutationOutcome[] = [];
    const fresh = new Set<number>();
    let conflicted = false;
    for (const [i, m] of mutations.entries()) {
      const mutation = idBytes(m.mutationId);
      const record = idBytes(m.recordId);
      const head0 = readHead(db, vault, record);
      // A retry: the record still holds this mutation's write, or an older
      // state's mutation was retired to applied_mutations (see retireMutation).
      const prior =
        head0?.mutation_id?.equals(mutation) === true
          ? head0
          : (sql(
              db,
              `SELECT revision, seq FROM applied_mutations INDEXED BY applied_mutations_key
               WHERE mutation_key = ? AND vault_id = ? AND mutation_id = ? AND record_id = ?`,
            ).get(idKey(mutation), vault, mutation, record) as
              | { revision: number; seq: number }
              | undefined);
      if (prior !== undefined) {
        outcomes.push({
          status: 'applied',
          mutationId: m.mutationId,
          recordId: m.recordId,
          revision: prior.revision,
          seq: prior.seq,
        });
        continue;
      }
      // baseMatches only needs to know whether the stored row is a tombstone.
      const current: CurrentRecord | null =
        head0 === undefined
          ? null
          : {
              revision: head0.revision,
              seq: head0.seq,
              epoch: head0.epoch,
              envelope: head0.deleted === 1 ? null : LIVE,
            };
      if (!baseMatches(m, current)) {
        outcomes.push(
          conflictOutcome(m, head0 === undefined ? null : readRecord(db, vault, record)),
        );
        conflicted = true;
        continue;
      }
      head += 1;
      const revision = nextRevision(current, v.purge_horizon);
      const envelope = m.envelope === null ? null : toBuffer(m.envelope);
      // The row keeps the id of the mutation that wrote it: a new record costs
      // no applied_mutations row (one random index page less per record at
      // commit); only a replaced state's mutation is retired there.
      if (head0 === undefined) {
        sql(
          db,
          `INSERT INTO records (vault_id, record_key, record_id, revision, seq, envelope, epoch,
             author_id, updated_at, mutation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          vault,
          idKey(record),
          record,
          revision,
          head,
          envelope,
          m.epoch,
          author,
          options.now,
          mutation,
        );
      } else {
        retireMutation(db, vault, record, head0);
        // By rowid: the (vault_id, record_id) key was just looked up.
        sql(
          db,
          `UPDATE records SET revision = ?, seq = ?, envelope = ?, epoch = ?, author_id = ?,
             updated_at = ?, mutation_id = ? WHERE rowid = ?`,
        ).run(revision, head, envelope, m.epoch, author, options.now, mutation, head0.rowid);
      }
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
    if (head === v.head_seq) return { outcomes, advancedTo: null };
    sql(db, 'UPDATE vaults SET head_seq = ? WHERE vault_id = ?').run(head, vault);
    return { outcomes, advancedTo: head };
  });
  try {
    return apply.immediate();
  } catch (error) {
    if (!(error instanceof AtomicAbort)) throw error;
    // Conflicts were judged against the batch's own (rolled back) writes:
    // report the committed state instead.
    const outcomes = error.outcomes.map((o, i) => {
      const m = mutations[i];
      if (o.status !== 'conflict' || m === undefined) return o;
      return conflictOutcome(m, readRecord(db, vault, idBytes(m.recordId)));
    });
    return { outcomes: abortOutcomes(outcomes, error.fresh), advancedTo: null };
  }
}

/** A pull row as an array (`.raw()`): no object with named keys per row. */
type PullRow = [
  seq: number,
  recordId: string,
  revision: number,
  envelope: Buffer | null,
  epoch: number,
  authorId: string,
  updatedAt: number,
];

/**
 * Rows per `.all()` of a pull page. Whole chunks instead of `.iterate()`
 * save a native round trip and an iterator result per row (about a fifth of
 * the store's CPU per pulled record); the chunk bounds how far past
 * `maxBytes` a page of large envelopes can read (64 x the ~256 KiB
 * envelope limit, ~16 MiB, read then dropped).
 */
const PULL_CHUNK_ROWS = 64;

// Ids come out as hex from SQLite itself: no Buffer per id on this hot path.
const PULL_SQL = `SELECT seq, lower(hex(record_id)), revision, envelope, epoch,
   lower(hex(author_id)), updated_at
 FROM records WHERE vault_id = ? AND seq > ? ORDER BY seq LIMIT ?`;

export function pullChanges(
  db: Database,
  vaultId: string,
  cursor: number,
  limit: number,
  options: PullOptions = {},
): PullResult {
  const vault = idBytes(vaultId, 'vaultId');
  assertCount(cursor, 'cursor');
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new StorageError('invalid_argument', 'limit must be a positive integer');
  }
  const maxBytes = options.maxBytes ?? PULL_PAGE_MAX_BYTES;
  // One read transaction: the horizon check and the page see the same snapshot.
  return db
    .transaction((): PullResult => {
      const v = sql(db, 'SELECT head_seq, purge_horizon FROM vaults WHERE vault_id = ?').get(
        vault,
      ) as { head_seq: number; purge_horizon: number } | undefined;
      if (v === undefined) throw notFound('vault');
      const horizon = { purgeHorizon: v.purge_horizon, headSeq: v.head_seq };
      if (cursor > v.head_seq) return { resyncRequired: true, reason: 'ahead', ...horizon };
      if (cursor > 0 && cursor < v.purge_horizon && !options.resync) {
        return { resyncRequired: true, reason: 'purged', ...horizon };
      }
      const page = sql(db, PULL_SQL).raw(true);
      const changes: Change[] = [];
      let bytes = 0;
      let hasMore = false;
      let after = cursor;
      chunks: for (;;) {
        const want = Math.min(PULL_CHUNK_ROWS, limit + 1 - changes.length);
        const rows = page.all(vault, after, want) as PullRow[];
        for (const r of rows) {
          const envelope = r[3];
          const size = envelope === null ? 0 : envelope.length;
          if (changes.length === limit || (changes.length > 0 && bytes + size > maxBytes)) {
            hasMore = true;
            break chunks;
          }
          bytes += size;
          changes.push({
            seq: r[0],
            recordId: r[1],
            revision: r[2],
            envelope: envelope === null ? null : toBytes(envelope),
            epoch: r[4],
            authorId: r[5],
            updatedAt: r[6],
          });
          after = r[0];
        }
        if (rows.length < want) break;
      }
      // The last page ends at the head read in this snapshot, not at its
      // last row: when the newest sequences were purged deletions, a cursor
      // left below them (and so below the purge horizon) would make every
      // later pull a full resync until someone wrote again.
      const lastSeq = changes.at(-1)?.seq ?? cursor;
      const nextCursor = hasMore ? lastSeq : Math.max(lastSeq, v.head_seq);
      return { resyncRequired: false, changes, nextCursor, hasMore };
    })
    .deferred();
}

export function purgeTombstones(db: Database, vaultId: string, olderThanSeq: number): PurgeResult {
  const vault = idBytes(vaultId, 'vaultId');
  assertCount(olderThanSeq, 'olderThanSeq');
  return db
    .transaction((): PurgeResult => {
      const v = sql(db, 'SELECT head_seq, purge_horizon FROM vaults WHERE vault_id = ?').get(
        vault,
      ) as { head_seq: number; purge_horizon: number } | undefined;
      if (v === undefined) throw notFound('vault');
      const horizon = Math.max(v.purge_horizon, Math.min(olderThanSeq - 1, v.head_seq));
      // A retried deletion still gets its original outcome after the purge.
      sql(
        db,
        `INSERT INTO applied_mutations (vault_id, mutation_key, mutation_id, record_id, revision, seq)
         SELECT vault_id, ${ID_KEY_SQL_FUNCTION}(mutation_id), mutation_id, record_id, revision, seq
         FROM records WHERE vault_id = ? AND envelope IS NULL AND seq <= ? AND mutation_id IS NOT NULL`,
      ).run(vault, horizon);
      const purged = sql(
        db,
        'DELETE FROM records WHERE vault_id = ? AND envelope IS NULL AND seq <= ?',
      ).run(vault, horizon).changes;
      sql(db, 'UPDATE vaults SET purge_horizon = ? WHERE vault_id = ?').run(horizon, vault);
      return { purged, purgeHorizon: horizon };
    })
    .immediate();
}

export function purgeTombstonesBefore(db: Database, updatedBefore: number): TombstonePurgeSummary {
  assertCount(updatedBefore, 'updatedBefore');
  const vaults = sql(
    db,
    `SELECT vault_id, max(seq) AS seq FROM records INDEXED BY records_tombstones
     WHERE envelope IS NULL AND updated_at < ? GROUP BY vault_id`,
  ).all(updatedBefore) as Array<{ vault_id: Buffer; seq: number }>;
  const summary = { vaults: 0, purged: 0 };
  // One short transaction per vault: writers of other vaults are not held up.
  for (const v of vaults) {
    const result = purgeTombstones(db, idHex(v.vault_id), v.seq + 1);
    summary.vaults += 1;
    summary.purged += result.purged;
  }
  return summary;
}
