/**
 * push and pull, as the server answers them, plus the scenario's forced
 * conflicts and a malicious server's pull answers.
 */
import { PullQuery, type PullResponse, PushRequest, type PushResponse } from '@coffer/protocol';
import { HttpResponse } from 'msw';
import { pullChanges, pushMutations, type StoredMutation } from '../db/records.ts';
import { bodyValue, PUSH_BODY_BYTES } from '../http/body.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { requireRole } from '../http/guards.ts';
import { ApiError, parseInput, vaultNotFound } from '../http/problem.ts';
import type { RouteDef } from '../http/route.ts';
import { tamperBeforePull, tamperPage } from '../malicious.ts';

export const recordRoutes: RouteDef[] = [
  {
    operationId: 'push',
    bodyLimit: PUSH_BODY_BYTES,
    handle: ({ mock, caller, params, body }) => {
      const vaultId = params.vaultId ?? '';
      requireRole(mock.db, vaultId, caller.accountId, 'writer');
      const input = parseInput(PushRequest, bodyValue(body));
      const vault = mock.db.vaults.get(vaultId);
      if (!vault) throw vaultNotFound();
      const seen = new Set<string>();
      const mutations: StoredMutation[] = input.mutations.map((m, i) => {
        if (seen.has(m.mutationId))
          throw new ApiError(
            'validation_failed',
            `mutations.${i}: mutationId repeated in the batch`,
          );
        seen.add(m.mutationId);
        const base = {
          mutationId: m.mutationId,
          recordId: m.recordId,
          baseRevision: m.baseRevision,
        };
        if (m.op === 'delete') return { ...base, envelope: null, epoch: vault.currentEpoch };
        if (m.epoch > vault.currentEpoch)
          throw new ApiError(
            'validation_failed',
            `mutations.${i}: epoch ${m.epoch} does not exist yet`,
          );
        checkEnvelope(m.envelope, `mutations.${i}.envelope`, {
          contentType: 'record',
          epoch: m.epoch,
        });
        return { ...base, envelope: m.envelope, epoch: m.epoch };
      });
      if (mock.scenario.take('conflict', 'push')) {
        // Another device got there first: every record of the batch moves on.
        for (const m of mutations) {
          if (vault.applied.has(m.mutationId)) continue;
          const current = vault.records.get(m.recordId);
          mock.concurrentWrite(
            vaultId,
            m.recordId,
            current ? current.envelope : m.envelope,
            current?.epoch ?? m.epoch,
          );
        }
      }
      const head = vault.headSeq;
      const results = pushMutations(vault, caller.accountId, mutations, { atomic: input.atomic });
      if (vault.headSeq !== head) mock.db.live.notify(vaultId, vault.headSeq);
      const answer: PushResponse = {
        results,
        applied: results.every((r) => r.status === 'applied'),
      };
      return HttpResponse.json(answer);
    },
  },
  {
    operationId: 'pull',
    handle: ({ mock, caller, params, url }) => {
      const vaultId = params.vaultId ?? '';
      requireRole(mock.db, vaultId, caller.accountId, 'reader');
      const query = parseInput(PullQuery, Object.fromEntries(url.searchParams), 'query');
      const vault = mock.db.vaults.get(vaultId);
      if (!vault) throw vaultNotFound();
      const malicious = mock.scenario.scenario.malicious;
      if (malicious) tamperBeforePull(vault, malicious, mock.tampered);
      // `resync=1`: a full resync paging from 0; the purge horizon does not apply (as on the server).
      const page = pullChanges(vault, query.cursor, query.limit, { resync: query.resync === '1' });
      if (page.resyncRequired) {
        throw new ApiError(
          'resync_required',
          page.reason === 'purged'
            ? 'your cursor is older than the purge horizon: drop local state and pull from 0'
            : 'your cursor is ahead of this vault: drop local state and pull from 0',
        );
      }
      const answer: PullResponse = {
        changes: malicious
          ? tamperPage(vault, malicious, query.cursor, page.changes)
          : page.changes,
        nextCursor: page.nextCursor,
        hasMore: page.hasMore,
      };
      return HttpResponse.json(answer);
    },
  },
];
