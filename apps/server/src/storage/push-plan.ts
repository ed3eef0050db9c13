/**
 * A push decided in memory from a set-based read (engines that pay a round
 * trip per statement, i.e. PostgreSQL): given the vault head, the recorded
 * outcomes of already-applied mutation ids and the current state of every
 * record the batch touches, work out each mutation's outcome exactly as the
 * statement-by-statement loop would (in order, each write visible to the
 * mutations after it), and the rows to write.
 */
import type { Mutation, MutationOutcome } from './contract.ts';
import { conflictOutcome, nextRevision } from './push-rules.ts';

/** A record's state as the plan sees it; `envelope` is undefined when live but not loaded. */
export interface PlannedRecord {
  revision: number;
  seq: number;
  epoch: number;
  deleted: boolean;
  envelope?: Uint8Array | null;
}

/**
 * Key of an applied mutation in the `prior` map: a retry is the same
 * mutation id for the same record (a mutation id reused for another record
 * is a different mutation, on every engine).
 */
export function appliedKey(mutationId: string, recordId: string): string {
  return `${mutationId}/${recordId}`;
}

/** What an applied mutation id recorded. */
export interface PriorOutcome {
  recordId: string;
  revision: number;
  seq: number;
}

/** One row of `records` after the push (the last write of each record). */
export interface RecordWrite {
  recordId: string;
  revision: number;
  seq: number;
  envelope: Uint8Array | null;
  epoch: number;
}

/** One row of `applied_mutations`. */
export interface AppliedWrite {
  mutationId: string;
  recordId: string;
  revision: number;
  seq: number;
}

export interface PushPlan {
  /** Outcomes in mutation order; conflicts may still lack `currentEnvelope` (see `needsEnvelope`). */
  outcomes: MutationOutcome[];
  /** Indexes of mutations applied by this push (not replays). */
  fresh: Set<number>;
  conflicted: boolean;
  head: number;
  records: RecordWrite[];
  applied: AppliedWrite[];
  /** Record ids whose conflicts must report a stored envelope the read did not load. */
  needsEnvelope: Set<string>;
}

/**
 * Fill in the stored envelopes a plan's conflicts report (fetched after
 * planning, only for live records that conflicted).
 */
export function withStoredEnvelopes(
  outcomes: ReadonlyArray<MutationOutcome>,
  stored: ReadonlyMap<string, PlannedRecord>,
  envelopes: ReadonlyMap<string, Uint8Array>,
): MutationOutcome[] {
  return outcomes.map((o) => {
    if (o.status !== 'conflict') return o;
    const state = stored.get(o.recordId);
    const envelope = envelopes.get(o.recordId);
    // Only conflicts against the stored row (not against a write earlier in
    // this batch, whose seq is newer) take the stored envelope.
    if (state === undefined || envelope === undefined || o.currentSeq !== state.seq) return o;
    return { ...o, currentEnvelope: envelope };
  });
}

function matches(m: Mutation, current: PlannedRecord | undefined): boolean {
  // Same rule as push-rules.baseMatches: null base = no live record.
  if (m.baseRevision === null) return current === undefined || current.deleted;
  return current !== undefined && current.revision === m.baseRevision;
}

function conflict(m: Mutation, current: PlannedRecord | undefined, needs: Set<string>) {
  if (current === undefined) return conflictOutcome(m, null);
  if (!current.deleted && current.envelope === undefined) needs.add(m.recordId);
  return conflictOutcome(m, {
    revision: current.revision,
    seq: current.seq,
    epoch: current.epoch,
    envelope: current.deleted ? null : (current.envelope ?? null),
  });
}

/**
 * Plan a push. `stored` holds the committed state of the touched records
 * (absent = no row), `prior` the outcomes of mutations applied before, by
 * `appliedKey`.
 *
 * @example
 * const plan = planPush(mutations, { headSeq, purgeHorizon }, prior, stored, { atomic: false });
 * if (plan.records.length > 0) await writeRows(plan);
 */
export function planPush(
  mutations: ReadonlyArray<Mutation>,
  vault: { headSeq: number; purgeHorizon: number },
  prior: ReadonlyMap<string, PriorOutcome>,
  stored: ReadonlyMap<string, PlannedRecord>,
  options: { atomic: boolean },
): PushPlan {
  const headSeq = vault.headSeq;
  const state = new Map(stored);
  const recorded = new Map(prior);
  const outcomes: MutationOutcome[] = [];
  const fresh = new Set<number>();
  const needsEnvelope = new Set<string>();
  const records = new Map<string, RecordWrite>();
  const applied: AppliedWrite[] = [];
  let head = headSeq;
  let conflicted = false;
  for (const [i, m] of mutations.entries()) {
    const replay = recorded.get(appliedKey(m.mutationId, m.recordId));
    if (replay !== undefined) {
      outcomes.push({ status: 'applied', mutationId: m.mutationId, ...replay });
      continue;
    }
    const current = state.get(m.recordId);
    if (!matches(m, current)) {
      outcomes.push(conflict(m, current, needsEnvelope));
      conflicted = true;
      continue;
    }
    head += 1;
    const revision = nextRevision(current, vault.purgeHorizon);
    const write = {
      recordId: m.recordId,
      revision,
      seq: head,
      envelope: m.envelope,
      epoch: m.epoch,
    };
    state.set(m.recordId, { ...write, deleted: m.envelope === null });
    // One row per record: a later write in the batch replaces an earlier one,
    // as the row-by-row upsert would have.
    records.delete(m.recordId);
    records.set(m.recordId, write);
    recorded.set(appliedKey(m.mutationId, m.recordId), {
      recordId: m.recordId,
      revision,
      seq: head,
    });
    applied.push({ mutationId: m.mutationId, recordId: m.recordId, revision, seq: head });
    outcomes.push({
      status: 'applied',
      mutationId: m.mutationId,
      recordId: m.recordId,
      revision,
      seq: head,
    });
    fresh.add(i);
  }
  if (options.atomic && conflicted) {
    // Nothing is written: conflicts report the committed state, the rest abort.
    needsEnvelope.clear();
    const reported = outcomes.map((o, i) => {
      const m = mutations[i];
      if (m === undefined) return o;
      if (fresh.has(i))
        return { status: 'aborted' as const, mutationId: o.mutationId, recordId: o.recordId };
      return o.status === 'conflict' ? conflict(m, stored.get(m.recordId), needsEnvelope) : o;
    });
    return {
      outcomes: reported,
      fresh,
      conflicted,
      head: headSeq,
      records: [],
      applied: [],
      needsEnvelope,
    };
  }
  return {
    outcomes,
    fresh,
    conflicted,
    head,
    records: [...records.values()],
    applied,
    needsEnvelope,
  };
}
