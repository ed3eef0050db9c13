/**
 * Vaults, members, roles, key epochs and grants, with the server's checks in
 * the server's order: membership first (404 for outsiders), then the role
 * (403), then the body (400), then storage rules (409).
 */
import {
  AddMemberRequest,
  ChangeRoleRequest,
  CreateVaultRequest,
  type GrantList,
  HexId,
  type MemberList,
  NewEpochRequest,
  PutGrantsRequest,
  type Role,
  type VaultSummary,
} from '@coffer/protocol';
import { HttpResponse } from 'msw';
import type { VaultRow } from '../db/types.ts';
import { bodyValue, GRANTS_BODY_BYTES } from '../http/body.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { outranks, requireRole } from '../http/guards.ts';
import { ApiError, parseInput, vaultNotFound } from '../http/problem.ts';
import type { RouteContext, RouteDef } from '../http/route.ts';
import { iso } from '../util.ts';

const noContent = () => new Response(null, { status: 204 });

function summary(v: VaultRow, role: Role): VaultSummary {
  return {
    vaultId: v.vaultId,
    role,
    currentEpoch: v.currentEpoch,
    headSeq: v.headSeq,
    createdAt: iso(v.createdAt),
  };
}

function memberId(raw: string | undefined): string {
  const parsed = HexId.safeParse(raw);
  if (!parsed.success) throw new ApiError('not_found', 'no such member');
  return parsed.data;
}

/** The vault of the route, for a caller with at least `minimum`. */
function vaultFor(ctx: RouteContext, minimum: Role): { vault: VaultRow; role: Role } {
  const vaultId = ctx.params.vaultId ?? '';
  const role = requireRole(ctx.mock.db, vaultId, ctx.caller.accountId, minimum);
  const vault = ctx.mock.db.vaults.get(vaultId);
  if (!vault) throw vaultNotFound();
  return { vault, role };
}

export const vaultRoutes: RouteDef[] = [
  {
    operationId: 'createVault',
    handle: ({ mock, caller, body }) => {
      // No body is an empty request; a body of `null` is a wrong type like any other.
      parseInput(CreateVaultRequest, body.kind === 'none' ? {} : body.value);
      return HttpResponse.json(summary(mock.db.createVault(caller.accountId), 'owner'), {
        status: 201,
      });
    },
  },
  {
    operationId: 'listVaults',
    handle: ({ mock, caller }) => {
      const vaults = [...mock.db.vaults.values()]
        .filter((v) => v.members.has(caller.accountId))
        .sort((a, b) => a.createdAt - b.createdAt || (a.vaultId < b.vaultId ? -1 : 1))
        .map((v) => summary(v, v.members.get(caller.accountId)?.role ?? 'reader'));
      return HttpResponse.json({ vaults });
    },
  },
  {
    operationId: 'getVault',
    handle: (ctx) => {
      const { vault, role } = vaultFor(ctx, 'reader');
      return HttpResponse.json(summary(vault, role));
    },
  },
  {
    operationId: 'listMembers',
    handle: (ctx) => {
      const { vault } = vaultFor(ctx, 'reader');
      const members: MemberList['members'] = [];
      for (const [accountId, m] of vault.members) {
        const username = ctx.mock.db.accounts.get(accountId)?.username;
        if (username) members.push({ accountId, username, role: m.role, addedAt: iso(m.addedAt) });
      }
      members.sort(
        (a, b) => a.addedAt.localeCompare(b.addedAt) || a.username.localeCompare(b.username),
      );
      return HttpResponse.json({ members });
    },
  },
  {
    operationId: 'addMember',
    bodyLimit: GRANTS_BODY_BYTES,
    handle: (ctx) => {
      const { vault, role: myRole } = vaultFor(ctx, 'admin');
      const input = parseInput(AddMemberRequest, bodyValue(ctx.body));
      if (!outranks(myRole, input.role))
        throw new ApiError('forbidden', `a ${myRole} cannot add a ${input.role}`);
      const epochs = new Set(input.grants.map((g) => g.epoch));
      if (epochs.size !== input.grants.length)
        throw new ApiError('validation_failed', 'one grant per epoch');
      if (!epochs.has(vault.currentEpoch))
        throw new ApiError(
          'validation_failed',
          `a grant for the current epoch ${vault.currentEpoch} is required`,
        );
      if ([...epochs].some((e) => e > vault.currentEpoch))
        throw new ApiError('validation_failed', 'grant for an epoch that does not exist');
      if (!ctx.mock.db.accounts.has(input.accountId))
        throw new ApiError('not_found', 'no such account');
      input.grants.forEach((g, i) => {
        checkEnvelope(g.grant, `grants.${i}.grant`, { contentType: 'key-grant', epoch: g.epoch });
      });
      if (vault.members.has(input.accountId))
        throw new ApiError('conflict', 'account is already a member');
      vault.members.set(input.accountId, { role: input.role, addedAt: ctx.mock.db.now() });
      for (const g of input.grants) {
        ctx.mock.db.putGrant(vault, {
          epoch: g.epoch,
          recipientId: input.accountId,
          granterId: ctx.caller.accountId,
          envelope: g.grant,
        });
      }
      ctx.mock.db.live.notifyAccounts([input.accountId]);
      return noContent();
    },
  },
  {
    operationId: 'changeRole',
    handle: (ctx) => {
      const { vault, role: myRole } = vaultFor(ctx, 'admin');
      const target = memberId(ctx.params.accountId);
      const input = parseInput(ChangeRoleRequest, bodyValue(ctx.body));
      const theirs = vault.members.get(target);
      if (!theirs) throw new ApiError('not_found', 'no such member');
      if (!outranks(myRole, theirs.role) || !outranks(myRole, input.role))
        throw new ApiError('forbidden', `a ${myRole} cannot make a ${theirs.role} a ${input.role}`);
      theirs.role = input.role;
      ctx.mock.db.live.notifyAccounts([target]);
      return noContent();
    },
  },
  {
    operationId: 'removeMember',
    handle: (ctx) => {
      const { vault, role: myRole } = vaultFor(ctx, 'reader');
      const target = memberId(ctx.params.accountId);
      const self = target === ctx.caller.accountId;
      const theirRole = self ? myRole : vault.members.get(target)?.role;
      if (!theirRole) throw new ApiError('not_found', 'no such member');
      if (self) {
        if (myRole === 'owner')
          throw new ApiError(
            'forbidden',
            'the owner cannot leave; delete the vault or the account',
          );
      } else if (!outranks(myRole, theirRole) || myRole === 'writer' || myRole === 'reader') {
        throw new ApiError('forbidden', `a ${myRole} cannot remove a ${theirRole}`);
      }
      ctx.mock.db.removeMember(vault, target);
      return noContent();
    },
  },
  {
    operationId: 'newEpoch',
    bodyLimit: GRANTS_BODY_BYTES,
    handle: (ctx) => {
      const { vault } = vaultFor(ctx, 'admin');
      const input = parseInput(NewEpochRequest, bodyValue(ctx.body));
      const given = new Set(input.grants.map((g) => g.accountId));
      if (
        given.size !== input.grants.length ||
        given.size !== vault.members.size ||
        [...given].some((id) => !vault.members.has(id))
      ) {
        throw new ApiError(
          'validation_failed',
          'a rotation needs exactly one grant for every current member',
        );
      }
      input.grants.forEach((g, i) => {
        checkEnvelope(g.grant, `grants.${i}.grant`, {
          contentType: 'key-grant',
          epoch: input.epoch,
        });
      });
      if (input.epoch !== vault.currentEpoch + 1)
        throw new ApiError('conflict', `key epoch must be exactly ${vault.currentEpoch + 1}`);
      vault.currentEpoch = input.epoch;
      for (const g of input.grants) {
        ctx.mock.db.putGrant(vault, {
          epoch: input.epoch,
          recipientId: g.accountId,
          granterId: ctx.caller.accountId,
          envelope: g.grant,
        });
      }
      return HttpResponse.json({ epoch: input.epoch }, { status: 201 });
    },
  },
  {
    operationId: 'putGrants',
    bodyLimit: GRANTS_BODY_BYTES,
    handle: (ctx) => {
      const { vault, role: myRole } = vaultFor(ctx, 'admin');
      const input = parseInput(PutGrantsRequest, bodyValue(ctx.body));
      input.grants.forEach((g, i) => {
        const theirRole = vault.members.get(g.accountId)?.role;
        if (!theirRole)
          throw new ApiError('validation_failed', `grants.${i}: not a member of this vault`);
        // A stored grant replaces the one before: an admin writing the owner's
        // (or another admin's) would take away the key they read the vault with.
        if (g.accountId !== ctx.caller.accountId && !outranks(myRole, theirRole))
          throw new ApiError(
            'forbidden',
            `grants.${i}: a ${myRole} cannot write the key grants of a ${theirRole}`,
          );
        if (g.epoch > vault.currentEpoch)
          throw new ApiError('validation_failed', `grants.${i}: epoch ${g.epoch} does not exist`);
        checkEnvelope(g.grant, `grants.${i}.grant`, { contentType: 'key-grant', epoch: g.epoch });
      });
      for (const g of input.grants) {
        ctx.mock.db.putGrant(vault, {
          epoch: g.epoch,
          recipientId: g.accountId,
          granterId: ctx.caller.accountId,
          envelope: g.grant,
        });
      }
      return noContent();
    },
  },
  {
    operationId: 'listGrants',
    handle: (ctx) => {
      const { vault } = vaultFor(ctx, 'reader');
      const grants: GrantList['grants'] = [...vault.grants.values()]
        .filter((g) => g.recipientId === ctx.caller.accountId)
        .sort((a, b) => a.epoch - b.epoch)
        .map((g) => ({
          epoch: g.epoch,
          grant: g.envelope,
          grantedBy: g.granterId,
          createdAt: iso(g.createdAt),
        }));
      return HttpResponse.json({ grants });
    },
  },
];
