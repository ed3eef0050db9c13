/**
 * Vaults, members and key epochs. Vault keys never reach the server in the
 * clear: members receive them as `key-grant` envelopes (WRAPPED to their X25519
 * key, SIGNED by the granter), which the server stores and hands back.
 */
import { z } from 'zod';
import { armoredEnvelope, Epoch, HexId, Role, Timestamp, Username } from './common.ts';
import { lazySchema } from './lazy-schema.ts';
import { WIRE_LIMITS } from './limits.ts';

/** A `key-grant` envelope: one epoch's vault key for one member. */
export const KeyGrantEnvelope = lazySchema(() =>
  armoredEnvelope(WIRE_LIMITS.maxKeyEnvelopeChars, 'key-grant'),
);

export const VaultSummary = lazySchema(() =>
  z
    .strictObject({
      vaultId: HexId,
      role: Role,
      currentEpoch: Epoch,
      /** The newest sequence in the vault (0 when empty). */
      headSeq: z.int().min(0),
      createdAt: Timestamp,
    })
    .meta({ id: 'Vault' }),
);
export type VaultSummary = z.infer<typeof VaultSummary>;

/**
 * `POST /v1/vaults` (an empty object): the server assigns the id; the creator
 * is the owner and epoch 1 is current. A key grant binds the vault id, so the
 * owner uploads its own epoch-1 grant next, with `PUT .../grants`.
 */
export const CreateVaultRequest = lazySchema(() =>
  z.strictObject({}).meta({ id: 'CreateVaultRequest' }),
);
export const VaultList = lazySchema(() =>
  z.strictObject({ vaults: z.array(VaultSummary) }).meta({ id: 'VaultList' }),
);
export type VaultList = z.infer<typeof VaultList>;

export const Member = lazySchema(() =>
  z.strictObject({
    accountId: HexId,
    username: Username,
    role: Role,
    addedAt: Timestamp,
  }),
);
export const MemberList = lazySchema(() =>
  z.strictObject({ members: z.array(Member) }).meta({ id: 'MemberList' }),
);
export type MemberList = z.infer<typeof MemberList>;

/** A grant of one epoch's key, inside a member addition. */
export const EpochGrant = lazySchema(() =>
  z.strictObject({ epoch: Epoch.min(1), grant: KeyGrantEnvelope }),
);

/**
 * `POST /v1/vaults/{vaultId}/members`: add a member with grants for the
 * current epoch (required) and any older epochs whose records they may read.
 */
export const AddMemberRequest = lazySchema(() =>
  z
    .strictObject({
      accountId: HexId,
      role: z.enum(['admin', 'writer', 'reader']),
      grants: z.array(EpochGrant).min(1).max(WIRE_LIMITS.maxGrants),
    })
    .meta({ id: 'AddMemberRequest' }),
);
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

/** `PATCH /v1/vaults/{vaultId}/members/{accountId}`. */
export const ChangeRoleRequest = lazySchema(() =>
  z.strictObject({ role: z.enum(['admin', 'writer', 'reader']) }).meta({ id: 'ChangeRoleRequest' }),
);
export type ChangeRoleRequest = z.infer<typeof ChangeRoleRequest>;

/** A grant of the new epoch's key to one member. */
export const MemberGrant = lazySchema(() =>
  z.strictObject({ accountId: HexId, grant: KeyGrantEnvelope }),
);

/**
 * `POST /v1/vaults/{vaultId}/epochs`: rotate to `epoch` = current + 1, with
 * exactly one grant for every current member (the caller included).
 */
export const NewEpochRequest = lazySchema(() =>
  z
    .strictObject({
      epoch: Epoch.min(1),
      grants: z.array(MemberGrant).min(1).max(WIRE_LIMITS.maxGrants),
    })
    .meta({ id: 'NewEpochRequest' }),
);
export type NewEpochRequest = z.infer<typeof NewEpochRequest>;

export const NewEpochResponse = lazySchema(() =>
  z.strictObject({ epoch: Epoch }).meta({ id: 'NewEpochResponse' }),
);

/**
 * `PUT /v1/vaults/{vaultId}/grants` (owner, admin): store grants of existing
 * epochs for current members (the owner's first grant, or older epochs for a
 * new member). A grant for the same (epoch, member) is replaced.
 */
export const PutGrantsRequest = lazySchema(() =>
  z
    .strictObject({
      grants: z
        .array(z.strictObject({ accountId: HexId, epoch: Epoch.min(1), grant: KeyGrantEnvelope }))
        .min(1)
        .max(WIRE_LIMITS.maxGrants),
    })
    .meta({ id: 'PutGrantsRequest' }),
);
export type PutGrantsRequest = z.infer<typeof PutGrantsRequest>;

/** `GET /v1/vaults/{vaultId}/grants`: my key grants, oldest epoch first. */
export const GrantList = lazySchema(() =>
  z
    .strictObject({
      grants: z.array(
        z.strictObject({
          epoch: Epoch,
          grant: KeyGrantEnvelope,
          grantedBy: HexId,
          createdAt: Timestamp,
        }),
      ),
    })
    .meta({ id: 'GrantList' }),
);
export type GrantList = z.infer<typeof GrantList>;
