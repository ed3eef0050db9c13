/**
 * push and pull. Push applies each mutation only if its baseRevision matches
 * (optimistic concurrency), atomically per batch if asked; pull returns the
 * changes after a cursor in the vault's gapless sequence.
 */
import type { FastifyInstance } from 'fastify';
import { armor } from '../http/armor.ts';
import { callerOf, requireRole, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { ApiError, parseInput, vaultNotFound } from '../http/errors.ts';
import { encodePullPage } from '../http/pull-body.ts';
import { wantsBinaryPullPage } from '../http/pull-negotiation.ts';
import { encodeAllApplied } from '../http/push-body.ts';
import { PushRequestOnTheEdge } from '../http/push-request.ts';
import {
  encodeBinaryPullPage,
  type MutationResult,
  PULL_PAGE_BINARY_TYPE,
  PullQuery,
  type PushResponse,
} from '../protocol.ts';
import type { Mutation, MutationOutcome } from '../storage/contract.ts';

type VaultParams = { Params: { vaultId: string } };

/** A push of many envelopes may be larger than other bodies. */
export const PUSH_BODY_BYTES = 8 * 1024 * 1024;

function toResult(outcome: MutationOutcome): MutationResult {
  switch (outcome.status) {
    case 'applied':
      return {
        mutationId: outcome.mutationId,
        status: 'applied',
        revision: outcome.revision,
        seq: outcome.seq,
      };
    case 'aborted':
      return { mutationId: outcome.mutationId, status: 'aborted' };
    case 'conflict':
      return {
        mutationId: outcome.mutationId,
        status: 'conflict',
        current:
          outcome.currentRevision === null
            ? null
            : {
                revision: outcome.currentRevision,
                seq: outcome.currentSeq ?? 0,
                epoch: outcome.currentEpoch ?? 0,
                envelope: outcome.currentEnvelope ? armor(outcome.currentEnvelope) : null,
                deleted: outcome.currentEnvelope === null,
              },
      };
  }
}

export function recordRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = { preHandler: requireSession(ctx) };

  app.post<VaultParams>(
    '/v1/vaults/:vaultId/push',
    { ...auth, bodyLimit: PUSH_BODY_BYTES },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      await requireRole(ctx, vaultId, caller.accountId, 'writer');
      const body = parseInput(PushRequestOnTheEdge, request.body);
      const vault = await ctx.store.getVault(vaultId);
      if (!vault) throw vaultNotFound();
      const seen = new Set<string>();
      const mutations: Mutation[] = body.mutations.map((m, i) => {
        if (seen.has(m.mutationId))
          throw new ApiError(
            'validation_failed',
            `mutations.${i}: mutationId repeated in the batch`,
          );
        seen.add(m.mutationId);
        if (m.op === 'delete') {
          return {
            mutationId: m.mutationId,
            recordId: m.recordId,
            baseRevision: m.baseRevision,
            envelope: null,
            epoch: vault.currentEpoch,
          };
        }
        if (m.epoch > vault.currentEpoch) {
          throw new ApiError(
            'validation_failed',
            `mutations.${i}: epoch ${m.epoch} does not exist yet`,
          );
        }
        return {
          mutationId: m.mutationId,
          recordId: m.recordId,
          baseRevision: m.baseRevision,
          envelope: checkEnvelope(m.envelope, `mutations.${i}.envelope`, {
            contentType: 'record',
            epoch: m.epoch,
          }),
          epoch: m.epoch,
        };
      });
      const outcomes = await ctx.store.pushMutations(vaultId, caller.accountId, mutations, {
        atomic: body.atomic,
        now: ctx.now(),
      });
      // Every mutation applied: the answer as text (push-body.ts), same bytes.
      const allApplied = encodeAllApplied(outcomes);
      if (allApplied !== undefined) {
        ctx.metrics.add('coffer_records_pushed_total', outcomes.length);
        ctx.metrics.add('coffer_push_conflicts_total', 0);
        return reply.type('application/json; charset=utf-8').send(allApplied);
      }
      const results = outcomes.map(toResult);
      const applied = results.filter((r) => r.status === 'applied').length;
      ctx.metrics.add('coffer_records_pushed_total', applied);
      ctx.metrics.add(
        'coffer_push_conflicts_total',
        results.filter((r) => r.status === 'conflict').length,
      );
      const answer: PushResponse = { results, applied: applied === results.length };
      return answer;
    },
  );

  app.get<VaultParams>('/v1/vaults/:vaultId/changes', auth, async (request, reply) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'reader');
    const query = parseInput(PullQuery, request.query, 'query');
    const result = await ctx.store.pullChanges(vaultId, query.cursor, query.limit, {
      resync: query.resync === '1',
    });
    if (result.resyncRequired) {
      throw new ApiError(
        'resync_required',
        result.reason === 'purged'
          ? 'your cursor is older than the purge horizon: drop local state and pull from 0'
          : 'your cursor is ahead of this vault: drop local state and pull from 0',
      );
    }
    ctx.metrics.add('coffer_records_pulled_total', result.changes.length);
    // The answer depends on Accept: caches must not hand one client's to another.
    reply.header('vary', 'accept');
    if (wantsBinaryPullPage(request.headers.accept)) {
      const changes = result.changes.map((c) => ({ ...c, deleted: c.envelope === null }));
      const page = encodeBinaryPullPage(changes, result.nextCursor, result.hasMore);
      return reply
        .type(PULL_PAGE_BINARY_TYPE)
        .send(Buffer.from(page.buffer, page.byteOffset, page.byteLength));
    }
    // A PullResponse (pull-body.ts), written as bytes without JSON.stringify.
    return reply
      .type('application/json; charset=utf-8')
      .send(encodePullPage(result.changes, result.nextCursor, result.hasMore));
  });
}
