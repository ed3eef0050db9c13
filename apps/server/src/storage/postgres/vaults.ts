/** Vaults, members, key epochs and key grants on PostgreSQL. */
import type pg from 'pg';
import type {
  KeyGrant,
  KeyGrantInput,
  MemberRow,
  NewVault,
  Role,
  VaultRow,
  VaultSummary,
} from '../contract.ts';
import { EpochConflictError, notFound, StorageError } from '../errors.ts';
import { idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import { toVault, type VaultDbRow } from '../rows.ts';
import { type Db, query, rows, transaction } from './database.ts';

/** Inside a transaction that already locked (or created) the vault row. */
async function insertGrants(
  tx: pg.PoolClient,
  vault: Buffer,
  currentEpoch: number,
  grants: ReadonlyArray<KeyGrantInput>,
  now: number,
): Promise<void> {
  for (const g of grants) {
    if (!Number.isSafeInteger(g.epoch) || g.epoch < 1 || g.epoch > currentEpoch) {
      throw new StorageError('invalid_argument', 'grant epoch is not a key epoch of the vault');
    }
    const recipient = idBytes(g.recipientId, 'recipientId');
    // Defence in depth: a vault key is only ever addressed to a member.
    const member = await rows(tx, 'SELECT 1 FROM members WHERE vault_id = $1 AND account_id = $2', [
      vault,
      recipient,
    ]);
    if (member.length === 0) {
      throw new StorageError('invalid_argument', 'grant recipient is not a member of the vault');
    }
    await query(
      tx,
      `INSERT INTO key_grants (vault_id, recipient_id, epoch, granter_id, envelope, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (vault_id, recipient_id, epoch) DO UPDATE SET
         granter_id = excluded.granter_id, envelope = excluded.envelope,
         created_at = excluded.created_at`,
      [vault, recipient, g.epoch, idBytes(g.granterId, 'granterId'), toBuffer(g.envelope), now],
    );
  }
}

/** Lock the vault row for the rest of the transaction; returns its epoch. */
async function lockVault(tx: pg.PoolClient, vault: Buffer): Promise<number> {
  const [r] = await rows<{ current_epoch: number }>(
    tx,
    'SELECT current_epoch FROM vaults WHERE vault_id = $1 FOR NO KEY UPDATE',
    [vault],
  );
  if (r === undefined) throw notFound('vault');
  return r.current_epoch;
}

export async function createVault(pool: pg.Pool, v: NewVault): Promise<void> {
  const vault = idBytes(v.vaultId, 'vaultId');
  const owner = idBytes(v.ownerId, 'ownerId');
  if (v.grants.some((g) => g.epoch !== 1)) {
    throw new StorageError('invalid_argument', 'initial grants must be for epoch 1');
  }
  await transaction(pool, async (tx) => {
    await query(tx, 'INSERT INTO vaults (vault_id, created_at, current_epoch) VALUES ($1, $2, 1)', [
      vault,
      v.createdAt,
    ]);
    await query(
      tx,
      `INSERT INTO members (vault_id, account_id, role, added_at) VALUES ($1, $2, 'owner', $3)`,
      [vault, owner, v.createdAt],
    );
    await insertGrants(tx, vault, 1, v.grants, v.createdAt);
  });
}

export async function getVault(db: Db, vaultId: string): Promise<VaultRow | null> {
  const [r] = await rows<VaultDbRow>(db, 'SELECT * FROM vaults WHERE vault_id = $1', [
    idBytes(vaultId, 'vaultId'),
  ]);
  return r === undefined ? null : toVault(r);
}

export async function deleteVault(db: Db, vaultId: string): Promise<void> {
  await query(db, 'DELETE FROM vaults WHERE vault_id = $1', [idBytes(vaultId, 'vaultId')]);
}

export async function listVaultsForAccount(db: Db, accountId: string): Promise<VaultSummary[]> {
  const result = await rows<VaultDbRow & { role: Role }>(
    db,
    `SELECT v.*, m.role FROM members m JOIN vaults v ON v.vault_id = m.vault_id
     WHERE m.account_id = $1 ORDER BY v.created_at, v.vault_id`,
    [idBytes(accountId, 'accountId')],
  );
  return result.map((r) => ({ ...toVault(r), role: r.role }));
}

export async function getMembership(
  db: Db,
  vaultId: string,
  accountId: string,
): Promise<Role | null> {
  const [r] = await rows<{ role: Role }>(
    db,
    'SELECT role FROM members WHERE vault_id = $1 AND account_id = $2',
    [idBytes(vaultId, 'vaultId'), idBytes(accountId, 'accountId')],
  );
  return r?.role ?? null;
}

export async function listMembers(db: Db, vaultId: string): Promise<MemberRow[]> {
  const result = await rows<{ account_id: Buffer; username: string; role: Role; added_at: number }>(
    db,
    `SELECT m.account_id, a.username, m.role, m.added_at FROM members m
     JOIN accounts a ON a.account_id = m.account_id
     WHERE m.vault_id = $1 ORDER BY m.added_at, a.username`,
    [idBytes(vaultId, 'vaultId')],
  );
  return result.map((r) => ({
    accountId: idHex(r.account_id),
    username: r.username,
    role: r.role,
    addedAt: r.added_at,
  }));
}

export async function addMember(
  pool: pg.Pool,
  vaultId: string,
  accountId: string,
  role: Role,
  grants: ReadonlyArray<KeyGrantInput>,
  now: number,
): Promise<void> {
  const vault = idBytes(vaultId, 'vaultId');
  const account = idBytes(accountId, 'accountId');
  if (grants.some((g) => g.recipientId !== accountId)) {
    throw new StorageError('invalid_argument', 'grants must be addressed to the new member');
  }
  await transaction(pool, async (tx) => {
    const currentEpoch = await lockVault(tx, vault);
    const { rowCount } = await query(
      tx,
      `INSERT INTO members (vault_id, account_id, role, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [vault, account, role, now],
    );
    if (rowCount === 0) throw new StorageError('already_member', 'account is already a member');
    await insertGrants(tx, vault, currentEpoch, grants, now);
  });
}

export async function setRole(
  db: Db,
  vaultId: string,
  accountId: string,
  role: Role,
): Promise<void> {
  const { rowCount } = await query(
    db,
    'UPDATE members SET role = $1 WHERE vault_id = $2 AND account_id = $3',
    [role, idBytes(vaultId, 'vaultId'), idBytes(accountId, 'accountId')],
  );
  if (rowCount === 0) throw notFound('membership');
}

export async function removeMember(
  pool: pg.Pool,
  vaultId: string,
  accountId: string,
): Promise<void> {
  const vault = idBytes(vaultId, 'vaultId');
  const account = idBytes(accountId, 'accountId');
  await transaction(pool, async (tx) => {
    const { rowCount } = await query(
      tx,
      'DELETE FROM members WHERE vault_id = $1 AND account_id = $2',
      [vault, account],
    );
    if (rowCount === 0) throw notFound('membership');
    await query(tx, 'DELETE FROM key_grants WHERE vault_id = $1 AND recipient_id = $2', [
      vault,
      account,
    ]);
  });
}

export async function createEpoch(
  pool: pg.Pool,
  vaultId: string,
  epoch: number,
  grants: ReadonlyArray<Omit<KeyGrantInput, 'epoch'>>,
  now: number,
): Promise<void> {
  const vault = idBytes(vaultId, 'vaultId');
  await transaction(pool, async (tx) => {
    // The row lock makes two concurrent rotations to the same epoch
    // serialise: the second sees the new epoch and gets a conflict.
    const current = await lockVault(tx, vault);
    if (epoch !== current + 1) throw new EpochConflictError(current);
    await query(tx, 'UPDATE vaults SET current_epoch = $1 WHERE vault_id = $2', [epoch, vault]);
    await insertGrants(
      tx,
      vault,
      epoch,
      grants.map((g) => ({ ...g, epoch })),
      now,
    );
  });
}

export async function putKeyGrants(
  pool: pg.Pool,
  grants: ReadonlyArray<Omit<KeyGrant, 'createdAt'>>,
  now: number,
): Promise<void> {
  await transaction(pool, async (tx) => {
    for (const g of grants) {
      const vault = idBytes(g.vaultId, 'vaultId');
      await insertGrants(tx, vault, await lockVault(tx, vault), [g], now);
    }
  });
}

export async function listKeyGrants(
  db: Db,
  vaultId: string,
  recipientId: string,
): Promise<KeyGrant[]> {
  const result = await rows<{
    vault_id: Buffer;
    recipient_id: Buffer;
    epoch: number;
    granter_id: Buffer;
    envelope: Buffer;
    created_at: number;
  }>(db, 'SELECT * FROM key_grants WHERE vault_id = $1 AND recipient_id = $2 ORDER BY epoch', [
    idBytes(vaultId, 'vaultId'),
    idBytes(recipientId, 'recipientId'),
  ]);
  return result.map((r) => ({
    vaultId: idHex(r.vault_id),
    recipientId: idHex(r.recipient_id),
    epoch: r.epoch,
    granterId: idHex(r.granter_id),
    envelope: toBytes(r.envelope),
    createdAt: r.created_at,
  }));
}
