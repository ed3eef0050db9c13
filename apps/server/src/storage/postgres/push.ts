/**
 * Pushes on PostgreSQL, set-based and grouped per vault. Every push of a
 * vault must hold the vault's counter row lock (that keeps sequences
 * gapless and in commit order), so concurrent pushes to one vault would
 * queue on that lock one transaction each. Instead, pushes of the same vault
 * that arrive while one is running wait here and then run TOGETHER in one
 * transaction: lock once, read every touched record and mutation id with
 * `= ANY`, plan each push in arrival order in memory (push-plan.ts; each sees
 * the writes of the pushes before it, an atomic one that conflicts writes
 * nothing), write every row, the head and the notification in one
 * statement, commit once. Five round trips per group, whatever its size.
 */
import type pg from 'pg';
import type { Mutation, MutationOutcome } from '../contract.ts';
import { notFound } from '../errors.ts';
import { idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import {
  type AppliedWrite,
  appliedKey,
  type PlannedRecord,
  type PriorOutcome,
  planPush,
  type RecordWrite,
  withStoredEnvelopes,
} from '../push-plan.ts';
import { checkMutations } from '../push-rules.ts';
import { query, rows, transaction } from './database.ts';
import { CHANGES_CHANNEL } from './records.ts';

export interface PushJob {
  authorId: string;
  mutations: ReadonlyArray<Mutation>;
  options: { atomic: boolean; now: number };
  resolve: (outcomes: MutationOutcome[]) => void;
  reject: (error: unknown) => void;
}

/** Mutations and envelope bytes per group transaction (bound the statement; the rest wait for the next). */
const GROUP_MUTATIONS = 2_000;
const GROUP_BYTES = 16 * 1024 * 1024;

const WRITE_ROWS = `
WITH upserted AS (
  INSERT INTO records (vault_id, record_id, revision, seq, envelope, epoch, author_id, updated_at,
    mutation_id)
  SELECT $1, r.record_id, r.revision, r.seq,
    CASE WHEN r.size IS NULL THEN NULL ELSE substring($5::bytea FROM r.start FOR r.size) END,
    r.epoch, r.author_id, r.updated_at, r.mutation_id
  FROM unnest($2::bytea[], $3::int8[], $4::int8[], $16::int4[], $17::int4[], $6::int4[],
    $7::bytea[], $8::int8[], $18::bytea[])
    AS r (record_id, revision, seq, start, size, epoch, author_id, updated_at, mutation_id)
  ON CONFLICT (vault_id, record_id) DO UPDATE SET revision = excluded.revision,
    seq = excluded.seq, envelope = excluded.envelope, epoch = excluded.epoch,
    author_id = excluded.author_id, updated_at = excluded.updated_at,
    mutation_id = excluded.mutation_id
), applied AS (
  INSERT INTO applied_mutations (vault_id, mutation_id, record_id, revision, seq)
  SELECT $1, a.mutation_id, a.record_id, a.revision, a.seq
  FROM unnest($9::bytea[], $10::bytea[], $11::int8[], $12::int8[])
    AS a (mutation_id, record_id, revision, seq)
)
UPDATE vaults SET head_seq = $13 WHERE vault_id = $1
RETURNING pg_notify($14, $15)`;

interface ReadRow {
  prior: boolean;
  id: Buffer;
  record_id: Buffer;
  revision: number;
  seq: number;
  epoch: number;
  deleted: boolean;
  /** Records: the mutation that wrote the row (NULL before schema version 5). */
  mutation_id: Buffer | null;
}

type Written = RecordWrite & { authorId: string; updatedAt: number };

/** Run a group of pushes to one vault in one transaction; settles every job. */
async function runGroup(pool: pg.Pool, vaultId: string, jobs: PushJob[]): Promise<void> {
  const vault = idBytes(vaultId, 'vaultId');
  const settled = await transaction(pool, async (tx) => {
    const [v] = await rows<{ current_epoch: number; head_seq: number; purge_horizon: number }>(
      tx,
      'UPDATE vaults SET head_seq = head_seq WHERE vault_id = $1 RETURNING current_epoch, head_seq, purge_horizon',
      [vault],
    );
    if (v === undefined) throw notFound('vault');
    // A malformed push fails alone.
    const valid: PushJob[] = [];
    const invalid = new Map<PushJob, unknown>();
    for (const job of jobs) {
      try {
        idBytes(job.authorId, 'authorId');
        checkMutations(job.mutations, v.current_epoch);
        valid.push(job);
      } catch (error) {
        invalid.set(job, error);
      }
    }
    const all = valid.flatMap((job) => job.mutations);
    const read =
      all.length === 0
        ? []
        : await rows<ReadRow>(
            tx,
            `SELECT true AS prior, mutation_id AS id, record_id, revision, seq, 0 AS epoch,
               false AS deleted, NULL::bytea AS mutation_id
               FROM applied_mutations WHERE vault_id = $1 AND mutation_id = ANY($2::bytea[])
             UNION ALL
             SELECT false, record_id, record_id, revision, seq, epoch, envelope IS NULL, mutation_id
               FROM records WHERE vault_id = $1 AND record_id = ANY($3::bytea[])`,
            [
              vault,
              [...new Set(all.map((m) => m.mutationId))].map((id) => idBytes(id)),
              [...new Set(all.map((m) => m.recordId))].map((id) => idBytes(id)),
            ],
          );
    const prior = new Map<string, PriorOutcome>();
    const stored = new Map<string, PlannedRecord>();
    /** The mutation that wrote each stored row, retired to applied_mutations if the row is replaced. */
    const rowMutations = new Map<string, AppliedWrite>();
    for (const r of read) {
      const id = idHex(r.id);
      const recordId = idHex(r.record_id);
      if (r.prior) {
        prior.set(appliedKey(id, recordId), { recordId, revision: r.revision, seq: r.seq });
        continue;
      }
      stored.set(id, { revision: r.revision, seq: r.seq, epoch: r.epoch, deleted: r.deleted });
      if (r.mutation_id !== null) {
        // The row's state is its mutation's outcome: a retry of it replays from here.
        const mutationId = idHex(r.mutation_id);
        prior.set(appliedKey(mutationId, recordId), { recordId, revision: r.revision, seq: r.seq });
        rowMutations.set(recordId, { mutationId, recordId, revision: r.revision, seq: r.seq });
      }
    }
    // Plan in arrival order; each plan sees the writes of the plans before it.
    const state = new Map(stored);
    const written = new Map<string, Written>();
    const applied: AppliedWrite[] = [];
    let head = v.head_seq;
    const planned = new Map<PushJob, MutationOutcome[]>();
    const needsEnvelope = new Set<string>();
    for (const job of valid) {
      const plan = planPush(
        job.mutations,
        { headSeq: head, purgeHorizon: v.purge_horizon },
        prior,
        state,
        job.options,
      );
      planned.set(job, plan.outcomes);
      for (const id of plan.needsEnvelope) needsEnvelope.add(id);
      head = plan.head;
      for (const r of plan.records) {
        state.set(r.recordId, { ...r, deleted: r.envelope === null });
        written.delete(r.recordId);
        written.set(r.recordId, { ...r, authorId: job.authorId, updatedAt: job.options.now });
      }
      for (const a of plan.applied) {
        prior.set(appliedKey(a.mutationId, a.recordId), {
          recordId: a.recordId,
          revision: a.revision,
          seq: a.seq,
        });
        applied.push(a);
      }
    }
    if (needsEnvelope.size > 0) {
      const found = await rows<{ record_id: Buffer; envelope: Buffer }>(
        tx,
        'SELECT record_id, envelope FROM records WHERE vault_id = $1 AND record_id = ANY($2::bytea[])',
        [vault, [...needsEnvelope].map((id) => idBytes(id))],
      );
      const envelopes = new Map(found.map((r) => [idHex(r.record_id), toBytes(r.envelope)]));
      for (const [job, outcomes] of planned) {
        planned.set(job, withStoredEnvelopes(outcomes, stored, envelopes));
      }
    }
    if (written.size > 0) {
      const rs = [...written.values()];
      // As on SQLite (schema 5): each written row keeps the last mutation
      // applied to it; applied_mutations gets only the ones it displaces (the
      // earlier ones of this group, and the stored row's own).
      const lastOf = new Map(applied.map((a) => [a.recordId, a]));
      const retired = [
        ...rs.flatMap((r) => {
          const row = rowMutations.get(r.recordId);
          return row === undefined ? [] : [row];
        }),
        ...applied.filter((a) => lastOf.get(a.recordId) !== a),
      ];
      let offset = 1; // SQL substring counts from 1
      const starts = rs.map((r) => {
        if (r.envelope === null) return null;
        const start = offset;
        offset += r.envelope.length;
        return start;
      });
      await query(tx, WRITE_ROWS, [
        vault,
        rs.map((r) => idBytes(r.recordId)),
        rs.map((r) => r.revision),
        rs.map((r) => r.seq),
        // Every envelope in ONE bytea parameter, which node-postgres sends as
        // raw binary; rows cut it by offset and size. (A bytea[] would be
        // spelled out in hex text: twice the bytes and megabytes of garbage.)
        Buffer.concat(rs.flatMap((r) => (r.envelope === null ? [] : [toBuffer(r.envelope)]))),
        rs.map((r) => r.epoch),
        rs.map((r) => idBytes(r.authorId)),
        rs.map((r) => r.updatedAt),
        retired.map((a) => idBytes(a.mutationId)),
        retired.map((a) => idBytes(a.recordId)),
        retired.map((a) => a.revision),
        retired.map((a) => a.seq),
        head,
        // Delivered by PostgreSQL at commit, to every listening instance.
        CHANGES_CHANNEL,
        `${vaultId}:${head}`,
        starts,
        rs.map((r) => (r.envelope === null ? null : r.envelope.length)),
        rs.map((r) => {
          const last = lastOf.get(r.recordId);
          return last === undefined ? null : idBytes(last.mutationId);
        }),
      ]);
    }
    return { planned, invalid };
  });
  // Only now, after COMMIT, is any push acknowledged.
  for (const job of jobs) {
    const outcomes = settled.planned.get(job);
    if (outcomes !== undefined) job.resolve(outcomes);
    else job.reject(settled.invalid.get(job));
  }
}

/** Per-vault queues of pushes waiting for their group. */
export class PushGroups {
  readonly #pool: pg.Pool;
  readonly #queues = new Map<string, PushJob[]>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * Queue a push; it joins the next group of its vault.
   *
   * @example
   * const outcomes = await groups.push(vaultId, authorId, mutations, { atomic: false, now });
   */
  push(
    vaultId: string,
    authorId: string,
    mutations: ReadonlyArray<Mutation>,
    options: { atomic: boolean; now: number },
  ): Promise<MutationOutcome[]> {
    return new Promise((resolve, reject) => {
      const job = { authorId, mutations, options, resolve, reject };
      const queue = this.#queues.get(vaultId);
      if (queue !== undefined) {
        queue.push(job);
        return;
      }
      this.#queues.set(vaultId, [job]);
      // After this turn of the event loop, so pushes arriving together group.
      setImmediate(() => void this.#drain(vaultId));
    });
  }

  async #drain(vaultId: string): Promise<void> {
    const queue = this.#queues.get(vaultId) ?? [];
    while (queue.length > 0) {
      let count = 0;
      let bytes = 0;
      let take = 0;
      while (
        take < queue.length &&
        (take === 0 || (count < GROUP_MUTATIONS && bytes < GROUP_BYTES))
      ) {
        for (const m of queue[take]?.mutations ?? []) bytes += m.envelope?.length ?? 0;
        count += queue[take]?.mutations.length ?? 0;
        take += 1;
      }
      const jobs = queue.splice(0, take);
      try {
        await runGroup(this.#pool, vaultId, jobs);
      } catch (error) {
        for (const job of jobs) job.reject(error);
      }
    }
    this.#queues.delete(vaultId);
  }
}
