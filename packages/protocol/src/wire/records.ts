/**
 * Replication of records: push (optimistic concurrency per record), pull
 * (gapless per-vault sequence) and the live event stream.
 */
import { z } from 'zod';
import { armoredEnvelope, Epoch, HexId, queryInt } from './common.ts';
import { lazySchema } from './lazy-schema.ts';
import { WIRE_LIMITS } from './limits.ts';

/** A `record` envelope (DIRECT, under the vault key of `epoch`). */
export const RecordEnvelope = lazySchema(() =>
  armoredEnvelope(WIRE_LIMITS.maxRecordEnvelopeChars, 'record'),
);

/** A revision: server-assigned, starts at 1 and grows by one per write of a record. */
export const Revision = lazySchema(() => z.int().min(1).max(Number.MAX_SAFE_INTEGER));
/** A per-vault sequence number; cursor 0 means "from the beginning". */
export const Seq = lazySchema(() => z.int().min(0).max(Number.MAX_SAFE_INTEGER));

/** Fields of every mutation (a function: built with the mutation schemas, on first use). */
const mutationBase = () => ({
  mutationId: HexId.meta({ description: 'client-chosen id; a retry returns the first outcome' }),
  recordId: HexId,
  baseRevision: Revision.nullable().meta({
    description: 'the revision this write replaces; null to create a record that must not exist',
  }),
});

/** Write a new envelope for a record. */
export const PutMutation = lazySchema(() =>
  z.strictObject({
    ...mutationBase(),
    op: z.literal('put'),
    epoch: Epoch.min(1),
    envelope: RecordEnvelope,
  }),
);
/** Delete a record (leaves a tombstone, which carries the vault's current epoch). */
export const DeleteMutation = lazySchema(() =>
  z.strictObject({ ...mutationBase(), op: z.literal('delete') }),
);
export const Mutation = lazySchema(() => z.discriminatedUnion('op', [PutMutation, DeleteMutation]));
export type Mutation = z.infer<typeof Mutation>;

/** `POST /v1/vaults/{vaultId}/push`. */
export const PushRequest = lazySchema(() =>
  z
    .strictObject({
      /** All or nothing: if any mutation conflicts, none is applied. */
      atomic: z.boolean().default(false),
      mutations: z.array(Mutation).min(1).max(WIRE_LIMITS.maxPushBatch),
    })
    .meta({ id: 'PushRequest' }),
);
export type PushRequest = z.infer<typeof PushRequest>;

/** The current state of a record, as a conflict reports it. */
export const RecordState = lazySchema(() =>
  z.strictObject({
    revision: Revision,
    seq: Seq,
    epoch: Epoch,
    envelope: RecordEnvelope.nullable().meta({ description: 'null for a tombstone' }),
    deleted: z.boolean(),
  }),
);

export const MutationResult = lazySchema(() =>
  z.discriminatedUnion('status', [
    z.strictObject({
      mutationId: HexId,
      status: z.literal('applied'),
      revision: Revision,
      seq: Seq,
    }),
    z.strictObject({
      mutationId: HexId,
      status: z.literal('conflict'),
      /** The record as it is now, or null if it does not exist (baseRevision was not null). */
      current: RecordState.nullable(),
    }),
    z.strictObject({
      mutationId: HexId,
      /** Not applied because another mutation of an atomic batch conflicted. */
      status: z.literal('aborted'),
    }),
  ]),
);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = lazySchema(() =>
  z
    .strictObject({ results: z.array(MutationResult), applied: z.boolean() })
    .meta({ id: 'PushResponse' }),
);
export type PushResponse = z.infer<typeof PushResponse>;

/** Query of `GET /v1/vaults/{vaultId}/changes`. */
export const PullQuery = lazySchema(() =>
  z.strictObject({
    cursor: queryInt(Seq).default(0),
    limit: queryInt(z.int().min(1).max(WIRE_LIMITS.maxPullLimit)).default(500),
    /**
     * `1` while a client pages a full resync from 0: the purge-horizon check is
     * skipped for its later pages (the client replaces its replica, so purged
     * tombstones do not matter to it).
     */
    resync: z.literal('1').optional(),
  }),
);
export type PullQuery = z.infer<typeof PullQuery>;

export const Change = lazySchema(() =>
  z.strictObject({
    seq: Seq,
    recordId: HexId,
    revision: Revision,
    epoch: Epoch,
    envelope: RecordEnvelope.nullable(),
    deleted: z.boolean(),
    /** The account that wrote this revision (clients check the envelope's signature against its key). */
    authorId: HexId,
  }),
);
export type Change = z.infer<typeof Change>;

export const PullResponse = lazySchema(() =>
  z
    .strictObject({ changes: z.array(Change), nextCursor: Seq, hasMore: z.boolean() })
    .meta({ id: 'PullResponse' }),
);
export type PullResponse = z.infer<typeof PullResponse>;

/** Data of an SSE `seq` event: the vault's newest sequence. */
export const SeqEvent = lazySchema(() =>
  z.strictObject({ vaultId: HexId, seq: Seq }).meta({ id: 'SeqEvent' }),
);
export type SeqEvent = z.infer<typeof SeqEvent>;
