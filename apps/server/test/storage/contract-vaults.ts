/** Contract: vaults, members, key epochs, key grants, tenant isolation. */
import { describe, expect, it } from 'vitest';
import { EpochConflictError } from '../../src/storage/contract.ts';
import type { ContractContext } from './contract.ts';
import { bytes, createAccount, createVault, expectStorageError, newId, T0 } from './fixtures.ts';

export function vaultContract(ctx: ContractContext): void {
  describe('vaults and members', () => {
    it('creates a vault at epoch 1 with its owner and the owner grant', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const vault = { vaultId, createdAt: T0, currentEpoch: 1, headSeq: 0, purgeHorizon: 0 };
      expect(await ctx.store.getVault(vaultId)).toEqual(vault);
      expect(await ctx.store.getMembership(vaultId, ownerId)).toBe('owner');
      expect(await ctx.store.listVaultsForAccount(ownerId)).toEqual([{ ...vault, role: 'owner' }]);
      expect(await ctx.store.listKeyGrants(vaultId, ownerId)).toEqual([
        {
          vaultId,
          epoch: 1,
          recipientId: ownerId,
          granterId: ownerId,
          envelope: bytes(`grant-${ownerId}`),
          createdAt: T0,
        },
      ]);
      expect(await ctx.store.getVault(newId())).toBeNull();
    });

    it('refuses a duplicate vault id and an unknown owner', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      await expectStorageError(
        ctx.store.createVault({ vaultId, ownerId, createdAt: T0, grants: [] }),
        'already_exists',
      );
      await expectStorageError(
        ctx.store.createVault({ vaultId: newId(), ownerId: newId(), createdAt: T0, grants: [] }),
        'not_found',
      );
    });

    it('keeps tenants apart: non-members have no role and see no grants', async () => {
      const a = await createVault(ctx.store);
      const b = await createVault(ctx.store);
      expect(await ctx.store.getMembership(a.vaultId, b.ownerId)).toBeNull();
      expect(await ctx.store.listKeyGrants(a.vaultId, b.ownerId)).toEqual([]);
      expect((await ctx.store.listVaultsForAccount(b.ownerId)).map((v) => v.vaultId)).toEqual([
        b.vaultId,
      ]);
      const member = await createAccount(ctx.store);
      await ctx.store.addMember(
        a.vaultId,
        member.accountId,
        'reader',
        [{ epoch: 1, recipientId: member.accountId, granterId: a.ownerId, envelope: bytes('m') }],
        T0,
      );
      // Grants are only ever listed for their recipient.
      const ownerGrants = await ctx.store.listKeyGrants(a.vaultId, a.ownerId);
      expect(ownerGrants.map((g) => g.recipientId)).toEqual([a.ownerId]);
      const memberGrants = await ctx.store.listKeyGrants(a.vaultId, member.accountId);
      expect(memberGrants.map((g) => g.envelope)).toEqual([bytes('m')]);
      expect(await ctx.store.listKeyGrants(b.vaultId, member.accountId)).toEqual([]);
    });

    it('adds members once, changes roles and removes members with their grants', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const member = await createAccount(ctx.store);
      const grant = {
        epoch: 1,
        recipientId: member.accountId,
        granterId: ownerId,
        envelope: bytes('g'),
      };
      await ctx.store.addMember(vaultId, member.accountId, 'writer', [grant], T0 + 1);
      expect(await ctx.store.getMembership(vaultId, member.accountId)).toBe('writer');
      await expectStorageError(
        ctx.store.addMember(vaultId, member.accountId, 'reader', [], T0 + 2),
        'already_member',
      );
      await expectStorageError(
        ctx.store.addMember(vaultId, newId(), 'reader', [], T0),
        'not_found',
      );
      await expectStorageError(
        ctx.store.addMember(newId(), member.accountId, 'reader', [], T0),
        'not_found',
      );
      expect(await ctx.store.listMembers(vaultId)).toEqual([
        { accountId: ownerId, username: expect.any(String), role: 'owner', addedAt: T0 },
        { accountId: member.accountId, username: member.username, role: 'writer', addedAt: T0 + 1 },
      ]);
      await ctx.store.setRole(vaultId, member.accountId, 'admin');
      expect(await ctx.store.getMembership(vaultId, member.accountId)).toBe('admin');
      await ctx.store.removeMember(vaultId, member.accountId);
      expect(await ctx.store.getMembership(vaultId, member.accountId)).toBeNull();
      expect(await ctx.store.listKeyGrants(vaultId, member.accountId)).toEqual([]);
      await expectStorageError(ctx.store.removeMember(vaultId, member.accountId), 'not_found');
      await expectStorageError(ctx.store.setRole(vaultId, member.accountId, 'reader'), 'not_found');
    });

    it('refuses grants to non-members and for epochs that do not exist', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const outsider = await createAccount(ctx.store);
      const grant = {
        vaultId,
        recipientId: outsider.accountId,
        granterId: ownerId,
        envelope: bytes('x'),
      };
      await expectStorageError(
        ctx.store.putKeyGrants([{ ...grant, epoch: 1 }], T0),
        'invalid_argument',
      );
      await expectStorageError(
        ctx.store.putKeyGrants([{ ...grant, recipientId: ownerId, epoch: 2 }], T0),
        'invalid_argument',
      );
      await expectStorageError(
        ctx.store.addMember(
          vaultId,
          outsider.accountId,
          'reader',
          [{ epoch: 1, recipientId: ownerId, granterId: ownerId, envelope: bytes('y') }],
          T0,
        ),
        'invalid_argument',
      );
      expect(await ctx.store.getMembership(vaultId, outsider.accountId)).toBeNull();
    });

    it('rotates key epochs strictly one at a time', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      const grant = { recipientId: ownerId, granterId: ownerId, envelope: bytes('e2') };
      await ctx.store.createEpoch(vaultId, 2, [grant], T0 + 1);
      expect((await ctx.store.getVault(vaultId))?.currentEpoch).toBe(2);
      const again = await ctx.store
        .createEpoch(vaultId, 2, [grant], T0 + 2)
        .catch((e: unknown) => e);
      expect(again).toBeInstanceOf(EpochConflictError);
      expect((again as EpochConflictError).code).toBe('epoch_conflict');
      expect((again as EpochConflictError).currentEpoch).toBe(2);
      await expectStorageError(ctx.store.createEpoch(vaultId, 4, [grant], T0), 'epoch_conflict');
      await expectStorageError(ctx.store.createEpoch(newId(), 1, [], T0), 'not_found');
      const grants = await ctx.store.listKeyGrants(vaultId, ownerId);
      expect(grants.map((g) => [g.epoch, g.createdAt])).toEqual([
        [1, T0],
        [2, T0 + 1],
      ]);
    });

    it('replaces a grant for the same (vault, epoch, recipient)', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      await ctx.store.putKeyGrants(
        [{ vaultId, epoch: 1, recipientId: ownerId, granterId: ownerId, envelope: bytes('new') }],
        T0 + 5,
      );
      const grants = await ctx.store.listKeyGrants(vaultId, ownerId);
      expect(grants.map((g) => [g.epoch, g.envelope, g.createdAt])).toEqual([
        [1, bytes('new'), T0 + 5],
      ]);
    });

    it('deletes a vault with everything in it', async () => {
      const { vaultId, ownerId } = await createVault(ctx.store);
      await ctx.store.pushMutations(
        vaultId,
        ownerId,
        [
          {
            mutationId: newId(),
            recordId: newId(),
            baseRevision: null,
            envelope: bytes('r'),
            epoch: 1,
          },
        ],
        { atomic: false, now: T0 },
      );
      await ctx.store.deleteVault(vaultId);
      expect(await ctx.store.getVault(vaultId)).toBeNull();
      expect(await ctx.store.getMembership(vaultId, ownerId)).toBeNull();
      expect(await ctx.store.listKeyGrants(vaultId, ownerId)).toEqual([]);
      await expectStorageError(ctx.store.pullChanges(vaultId, 0, 10), 'not_found');
    });
  });
}
