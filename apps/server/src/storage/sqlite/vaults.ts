/** Vaults, members, key epochs and key grants on SQLite. */
import type { Database } from 'better-sqlite3';
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
import { sql } from './statements.ts';

function insertGrants(
  db: Database,
  vault: Buffer,
  grants: ReadonlyArray<KeyGrantInput>,
  now: number,
): void {
  const insert = sql(
    db,
    `INSERT INTO key_grants (vault_id, recipient_id, epoch, granter_id, envelope, created_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (vault_id, recipient_id, epoch) DO UPDATE SET
       granter_id = excluded.granter_id, envelope = excluded.envelope,
       created_at = excluded.created_at`,
  );
  const vaultRow = sql(db, 'SELECT current_epoch FROM vaults WHERE vault_id = ?').get(vault) as
    | { current_epoch: number }
    | undefined;
  if (vaultRow === undefined) throw notFound('vault');
  for (const g of grants) {
    if (!Number.isSafeInteger(g.epoch) || g.epoch < 1 || g.epoch > vaultRow.current_epoch) {
      throw new StorageError('invalid_argument', 'grant epoch is not a key epoch of the vault');
    }
    const recipient = idBytes(g.recipientId, 'recipientId');
    // Defence in depth: a vault key is only ever addressed to a member.
    if (
      sql(db, 'SELECT 1 FROM members WHERE vault_id = ? AND account_id = ?').get(
        vault,
        recipient,
      ) === undefined
    ) {
      throw new StorageError('invalid_argument', 'grant recipient is not a member of the vault');
    }
    insert.run(
      vault,
      recipient,
      g.epoch,
      idBytes(g.granterId, 'granterId'),
      toBuffer(g.envelope),
      now,
    );
  }
}

export function createVault(db: Database, v: NewVault): void {
  const vault = idBytes(v.vaultId, 'vaultId');
  const owner = idBytes(v.ownerId, 'ownerId');
  if (v.grants.some((g) => g.epoch !== 1)) {
    throw new StorageError('invalid_argument', 'initial grants must be for epoch 1');
  }
  db.transaction(() => {
    sql(db, 'INSERT INTO vaults (vault_id, created_at, current_epoch) VALUES (?, ?, 1)').run(
      vault,
      v.createdAt,
    );
    sql(
      db,
      `INSERT INTO members (vault_id, account_id, role, added_at) VALUES (?, ?, 'owner', ?)`,
    ).run(vault, owner, v.createdAt);
    insertGrants(db, vault, v.grants, v.createdAt);
  }).immediate();
}

export function getVault(db: Database, vaultId: string): VaultRow | null {
  const r = sql(db, 'SELECT * FROM vaults WHERE vault_id = ?').get(idBytes(vaultId, 'vaultId')) as
    | VaultDbRow
    | undefined;
  return r === undefined ? null : toVault(r);
}

export function deleteVault(db: Database, vaultId: string): void {
  sql(db, 'DELETE FROM vaults WHERE vault_id = ?').run(idBytes(vaultId, 'vaultId'));
}

export function listVaultsForAccount(db: Database, accountId: string): VaultSummary[] {
  const rows = sql(
    db,
    `SELECT v.*, m.role FROM members m JOIN vaults v ON v.vault_id = m.vault_id
     WHERE m.account_id = ? ORDER BY v.created_at, v.vault_id`,
  ).all(idBytes(accountId, 'accountId')) as Array<VaultDbRow & { role: Role }>;
  return rows.map((r) => ({ ...toVault(r), role: r.role }));
}

export function getMembership(db: Database, vaultId: string, accountId: string): Role | null {
  const r = sql(db, 'SELECT role FROM members WHERE vault_id = ? AND account_id = ?').get(
    idBytes(vaultId, 'vaultId'),
    idBytes(accountId, 'accountId'),
  ) as { role: Role } | undefined;
  return r?.role ?? null;
}

export function listMembers(db: Database, vaultId: string): MemberRow[] {
  const rows = sql(
    db,
    `SELECT m.account_id, a.username, m.role, m.added_at FROM members m
     JOIN accounts a ON a.account_id = m.account_id
     WHERE m.vault_id = ? ORDER BY m.added_at, a.username`,
  ).all(idBytes(vaultId, 'vaultId')) as Array<{
    account_id: Buffer;
    username: string;
    role: Role;
    added_at: number;
  }>;
  return rows.map((r) => ({
    accountId: idHex(r.account_id),
    username: r.username,
    role: r.role,
    addedAt: r.added_at,
  }));
}

export function addMember(
  db: Database,
  vaultId: string,
  accountId: string,
  role: Role,
  grants: ReadonlyArray<KeyGrantInput>,
  now: number,
): void {
  const vault = idBytes(vaultId, 'vaultId');
  const account = idBytes(accountId, 'accountId');
  if (grants.some((g) => g.recipientId !== accountId)) {
    throw new StorageError('invalid_argument', 'grants must be addressed to the new member');
  }
  db.transaction(() => {
    if (sql(db, 'SELECT 1 FROM vaults WHERE vault_id = ?').get(vault) === undefined) {
      throw notFound('vault');
    }
    if (getMembership(db, vaultId, accountId) !== null) {
      throw new StorageError('already_member', 'account is already a member');
    }
    sql(db, 'INSERT INTO members (vault_id, account_id, role, added_at) VALUES (?, ?, ?, ?)').run(
      vault,
      account,
      role,
      now,
    );
    insertGrants(db, vault, grants, now);
  }).immediate();
}

export function setRole(db: Database, vaultId: string, accountId: string, role: Role): void {
  const changed = sql(db, 'UPDATE members SET role = ? WHERE vault_id = ? AND account_id = ?').run(
    role,
    idBytes(vaultId, 'vaultId'),
    idBytes(accountId, 'accountId'),
  ).changes;
  if (changed === 0) throw notFound('membership');
}

export function removeMember(db: Database, vaultId: string, accountId: string): void {
  const vault = idBytes(vaultId, 'vaultId');
  const account = idBytes(accountId, 'accountId');
  db.transaction(() => {
    const changed = sql(db, 'DELETE FROM members WHERE vault_id = ? AND account_id = ?').run(
      vault,
      account,
    ).changes;
    if (changed === 0) throw notFound('membership');
    sql(db, 'DELETE FROM key_grants WHERE vault_id = ? AND recipient_id = ?').run(vault, account);
  }).immediate();
}

export function createEpoch(
  db: Database,
  vaultId: string,
  epoch: number,
  grants: ReadonlyArray<Omit<KeyGrantInput, 'epoch'>>,
  now: number,
): void {
  const vault = idBytes(vaultId, 'vaultId');
  db.transaction(() => {
    const r = sql(db, 'SELECT current_epoch FROM vaults WHERE vault_id = ?').get(vault) as
      | { current_epoch: number }
      | undefined;
    if (r === undefined) throw notFound('vault');
    if (epoch !== r.current_epoch + 1) throw new EpochConflictError(r.current_epoch);
    sql(db, 'UPDATE vaults SET current_epoch = ? WHERE vault_id = ?').run(epoch, vault);
    insertGrants(
      db,
      vault,
      grants.map((g) => ({ ...g, epoch })),
      now,
    );
  }).immediate();
}

export function putKeyGrants(
  db: Database,
  grants: ReadonlyArray<Omit<KeyGrant, 'createdAt'>>,
  now: number,
): void {
  db.transaction(() => {
    for (const g of grants) insertGrants(db, idBytes(g.vaultId, 'vaultId'), [g], now);
  }).immediate();
}

export function listKeyGrants(db: Database, vaultId: string, recipientId: string): KeyGrant[] {
  const rows = sql(
    db,
    'SELECT * FROM key_grants WHERE vault_id = ? AND recipient_id = ? ORDER BY epoch',
  ).all(idBytes(vaultId, 'vaultId'), idBytes(recipientId, 'recipientId')) as Array<{
    vault_id: Buffer;
    recipient_id: Buffer;
    epoch: number;
    granter_id: Buffer;
    envelope: Buffer;
    created_at: number;
  }>;
  return rows.map((r) => ({
    vaultId: idHex(r.vault_id),
    recipientId: idHex(r.recipient_id),
    epoch: r.epoch,
    granterId: idHex(r.granter_id),
    envelope: toBytes(r.envelope),
    createdAt: r.created_at,
  }));
}
