/**
 * Vaults, members, roles and key epochs. Every route checks membership first:
 * a vault the caller is not in does not exist for them (404), a role too low
 * for the action is 403.
 */
import type { FastifyInstance } from 'fastify';
import { newId } from '../auth/tokens.ts';
import { armor } from '../http/armor.ts';
import { callerOf, outranks, requireRole, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { ApiError, parseInput, vaultNotFound } from '../http/errors.ts';
import {
  AddMemberRequest,
  ChangeRoleRequest,
  CreateVaultRequest,
  type GrantList,
  HexId,
  type MemberList,
  NewEpochRequest,
  PutGrantsRequest,
  type VaultList,
  type VaultSummary,
} from '../protocol.ts';
import type { Role, VaultSummary as StoredVault } from '../storage/contract.ts';

type VaultParams = { Params: { vaultId: string } };
type MemberParams = { Params: { vaultId: string; accountId: string } };

/** Bodies with many grants may be larger than the default limit. */
const GRANTS_BODY_BYTES = 4 * 1024 * 1024;
const iso = (ms: number): string => new Date(ms).toISOString();

function summary(v: StoredVault): VaultSummary {
  return {
    vaultId: v.vaultId,
    role: v.role,
    currentEpoch: v.currentEpoch,
    headSeq: v.headSeq,
    createdAt: iso(v.createdAt),
  };
}

function memberId(raw: string): string {
  const parsed = HexId.safeParse(raw);
  if (!parsed.success) throw new ApiError('not_found', 'no such member');
  return parsed.data;
}

export function vaultRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = { preHandler: requireSession(ctx) };

  async function currentVault(vaultId: string) {
    const vault = await ctx.store.getVault(vaultId);
    if (!vault) throw vaultNotFound();
    return vault;
  }

  app.post('/v1/vaults', auth, async (request, reply) => {
    const caller = callerOf(request);
    // No body is an empty request; a body of `null` is a wrong type like any other.
    parseInput(CreateVaultRequest, request.body === undefined ? {} : request.body);
    const vaultId = newId();
    await ctx.store.createVault({
      vaultId,
      ownerId: caller.accountId,
      createdAt: ctx.now(),
      grants: [],
    });
    const vault = await currentVault(vaultId);
    return reply.code(201).send(summary({ ...vault, role: 'owner' }));
  });

  app.get('/v1/vaults', auth, async (request) => {
    const vaults = await ctx.store.listVaultsForAccount(callerOf(request).accountId);
    const answer: VaultList = { vaults: vaults.map(summary) };
    return answer;
  });

  app.get<VaultParams>('/v1/vaults/:vaultId', auth, async (request) => {
    const { vaultId } = request.params;
    const role = await requireRole(ctx, vaultId, callerOf(request).accountId, 'reader');
    return summary({ ...(await currentVault(vaultId)), role });
  });

  app.get<VaultParams>('/v1/vaults/:vaultId/members', auth, async (request) => {
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, callerOf(request).accountId, 'reader');
    const members = await ctx.store.listMembers(vaultId);
    const answer: MemberList = {
      members: members.map((m) => ({
        accountId: m.accountId,
        username: m.username,
        role: m.role,
        addedAt: iso(m.addedAt),
      })),
    };
    return answer;
  });

  app.post<VaultParams>(
    '/v1/vaults/:vaultId/members',
    { ...auth, bodyLimit: GRANTS_BODY_BYTES },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      const myRole = await requireRole(ctx, vaultId, caller.accountId, 'admin');
      const body = parseInput(AddMemberRequest, request.body);
      if (!outranks(myRole, body.role))
        throw new ApiError('forbidden', `a ${myRole} cannot add a ${body.role}`);
      const vault = await currentVault(vaultId);
      const epochs = new Set(body.grants.map((g) => g.epoch));
      if (epochs.size !== body.grants.length)
        throw new ApiError('validation_failed', 'one grant per epoch');
      if (!epochs.has(vault.currentEpoch)) {
        throw new ApiError(
          'validation_failed',
          `a grant for the current epoch ${vault.currentEpoch} is required`,
        );
      }
      if ([...epochs].some((e) => e > vault.currentEpoch))
        throw new ApiError('validation_failed', 'grant for an epoch that does not exist');
      if (!(await ctx.store.getAccountById(body.accountId)))
        throw new ApiError('not_found', 'no such account');
      const grants = body.grants.map((g, i) => ({
        epoch: g.epoch,
        recipientId: body.accountId,
        granterId: caller.accountId,
        envelope: checkEnvelope(g.grant, `grants.${i}.grant`, {
          contentType: 'key-grant',
          epoch: g.epoch,
        }),
      }));
      await ctx.store.addMember(vaultId, body.accountId, body.role, grants, ctx.now());
      return reply.code(204).send();
    },
  );

  app.patch<MemberParams>(
    '/v1/vaults/:vaultId/members/:accountId',
    auth,
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      const myRole = await requireRole(ctx, vaultId, caller.accountId, 'admin');
      const target = memberId(request.params.accountId);
      const body = parseInput(ChangeRoleRequest, request.body);
      const theirRole = await ctx.store.getMembership(vaultId, target);
      if (!theirRole) throw new ApiError('not_found', 'no such member');
      if (!outranks(myRole, theirRole) || !outranks(myRole, body.role)) {
        throw new ApiError('forbidden', `a ${myRole} cannot make a ${theirRole} a ${body.role}`);
      }
      await ctx.store.setRole(vaultId, target, body.role);
      return reply.code(204).send();
    },
  );

  app.delete<MemberParams>(
    '/v1/vaults/:vaultId/members/:accountId',
    auth,
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      const myRole = await requireRole(ctx, vaultId, caller.accountId, 'reader');
      const target = memberId(request.params.accountId);
      const theirRole: Role | null =
        target === caller.accountId ? myRole : await ctx.store.getMembership(vaultId, target);
      if (!theirRole) throw new ApiError('not_found', 'no such member');
      if (target === caller.accountId) {
        if (myRole === 'owner')
          throw new ApiError(
            'forbidden',
            'the owner cannot leave; delete the vault or the account',
          );
      } else if (!outranks(myRole, theirRole) || myRole === 'writer' || myRole === 'reader') {
        throw new ApiError('forbidden', `a ${myRole} cannot remove a ${theirRole}`);
      }
      await ctx.store.removeMember(vaultId, target);
      ctx.liveStreams.closeMember(vaultId, target);
      return reply.code(204).send();
    },
  );

  app.post<VaultParams>(
    '/v1/vaults/:vaultId/epochs',
    { ...auth, bodyLimit: GRANTS_BODY_BYTES },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      await requireRole(ctx, vaultId, caller.accountId, 'admin');
      const body = parseInput(NewEpochRequest, request.body);
      const members = await ctx.store.listMembers(vaultId);
      const wanted = new Set(members.map((m) => m.accountId));
      const given = new Set(body.grants.map((g) => g.accountId));
      if (
        given.size !== body.grants.length ||
        given.size !== wanted.size ||
        [...given].some((id) => !wanted.has(id))
      ) {
        throw new ApiError(
          'validation_failed',
          'a rotation needs exactly one grant for every current member',
        );
      }
      const grants = body.grants.map((g, i) => ({
        recipientId: g.accountId,
        granterId: caller.accountId,
        envelope: checkEnvelope(g.grant, `grants.${i}.grant`, {
          contentType: 'key-grant',
          epoch: body.epoch,
        }),
      }));
      await ctx.store.createEpoch(vaultId, body.epoch, grants, ctx.now());
      return reply.code(201).send({ epoch: body.epoch });
    },
  );

  app.put<VaultParams>(
    '/v1/vaults/:vaultId/grants',
    { ...auth, bodyLimit: GRANTS_BODY_BYTES },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      const myRole = await requireRole(ctx, vaultId, caller.accountId, 'admin');
      const body = parseInput(PutGrantsRequest, request.body);
      const vault = await currentVault(vaultId);
      const members = new Map(
        (await ctx.store.listMembers(vaultId)).map((m) => [m.accountId, m.role] as const),
      );
      const grants = body.grants.map((g, i) => {
        const theirRole = members.get(g.accountId);
        if (!theirRole)
          throw new ApiError('validation_failed', `grants.${i}: not a member of this vault`);
        // A stored grant replaces the one before: an admin writing the owner's
        // (or another admin's) would take away the key they read the vault with.
        if (g.accountId !== caller.accountId && !outranks(myRole, theirRole)) {
          throw new ApiError(
            'forbidden',
            `grants.${i}: a ${myRole} cannot write the key grants of a ${theirRole}`,
          );
        }
        if (g.epoch > vault.currentEpoch)
          throw new ApiError('validation_failed', `grants.${i}: epoch ${g.epoch} does not exist`);
        return {
          vaultId,
          epoch: g.epoch,
          recipientId: g.accountId,
          granterId: caller.accountId,
          envelope: checkEnvelope(g.grant, `grants.${i}.grant`, {
            contentType: 'key-grant',
            epoch: g.epoch,
          }),
        };
      });
      await ctx.store.putKeyGrants(grants, ctx.now());
      return reply.code(204).send();
    },
  );

  app.get<VaultParams>('/v1/vaults/:vaultId/grants', auth, async (request) => {
    const caller = callerOf(request);
    const { vaultId } = request.params;
    await requireRole(ctx, vaultId, caller.accountId, 'reader');
    const grants = await ctx.store.listKeyGrants(vaultId, caller.accountId);
    const answer: GrantList = {
      grants: grants.map((g) => ({
        epoch: g.epoch,
        grant: armor(g.envelope),
        grantedBy: g.granterId,
        createdAt: iso(g.createdAt),
      })),
    };
    return answer;
  });
}
