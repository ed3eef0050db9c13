/**
 * Database rows and their mapping to the storage contract's values, shared by
 * the SQLite and PostgreSQL stores (both schemas use the same column names and
 * both drivers return Buffers for binary columns).
 */
import type { AccountRow, SessionRow, VaultRow } from './contract.ts';
import { idHex, toBytes } from './ids.ts';

export interface AccountDbRow {
  account_id: Buffer;
  username: string;
  login_public_key: Buffer;
  kdf_salt: Buffer;
  kdf_memory_kib: number;
  kdf_iterations: number;
  kdf_parallelism: number;
  key_bundle: Buffer;
  x25519_public_key: Buffer;
  ed25519_public_key: Buffer;
  created_at: number;
  updated_at: number;
}

export function toAccount(r: AccountDbRow): AccountRow {
  return {
    accountId: idHex(r.account_id),
    username: r.username,
    loginPublicKey: toBytes(r.login_public_key),
    kdfSalt: toBytes(r.kdf_salt),
    kdfParams: {
      memoryKiB: r.kdf_memory_kib,
      iterations: r.kdf_iterations,
      parallelism: r.kdf_parallelism,
    },
    keyBundle: toBytes(r.key_bundle),
    x25519PublicKey: toBytes(r.x25519_public_key),
    ed25519PublicKey: toBytes(r.ed25519_public_key),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface ChallengeDbRow {
  challenge_id: Buffer;
  account_id: Buffer | null;
  challenge: Buffer;
  expires_at: number;
}

export interface VaultDbRow {
  vault_id: Buffer;
  created_at: number;
  current_epoch: number;
  head_seq: number;
  purge_horizon: number;
}

export function toVault(r: VaultDbRow): VaultRow {
  return {
    vaultId: idHex(r.vault_id),
    createdAt: r.created_at,
    currentEpoch: r.current_epoch,
    headSeq: r.head_seq,
    purgeHorizon: r.purge_horizon,
  };
}

export interface SessionDbRow {
  session_id: Buffer;
  account_id: Buffer;
  token_hash: Buffer;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  client_label: string;
}

export function toSession(r: SessionDbRow): SessionRow {
  return {
    sessionId: idHex(r.session_id),
    accountId: idHex(r.account_id),
    tokenHash: toBytes(r.token_hash),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    clientLabel: r.client_label,
  };
}
