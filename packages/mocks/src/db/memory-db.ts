/**
 * The mock's whole server state, in memory: accounts, sessions, challenges,
 * vaults (members, grants, records), uploads. Small and synchronous; the
 * routes apply the same rules as the server's storage engines.
 */
import type { Role } from '@coffer/protocol';
import { newId, newToken } from '../util.ts';
import { LiveHub } from './live-hub.ts';
import type {
  AccountRow,
  ChallengeRow,
  GrantRow,
  SessionRow,
  UploadRow,
  VaultRow,
} from './types.ts';

/** Session lifetime (the server's default: 30 days). */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** Challenge lifetime (the server's default). */
export const CHALLENGE_TTL_MS = 60_000;

export class MemoryDb {
  readonly accounts = new Map<string, AccountRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly challenges = new Map<string, ChallengeRow>();
  readonly vaults = new Map<string, VaultRow>();
  readonly uploads = new Map<string, UploadRow>();
  readonly live = new LiveHub();
  /** Keys the fake salts of unknown usernames (fixed per mock instance). */
  readonly serverSecret = crypto.getRandomValues(new Uint8Array(32));
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  now(): number {
    return this.#now();
  }

  clear(): void {
    this.live.closeAll();
    this.accounts.clear();
    this.sessions.clear();
    this.challenges.clear();
    this.vaults.clear();
    this.uploads.clear();
  }

  accountByUsername(username: string): AccountRow | undefined {
    for (const a of this.accounts.values()) if (a.username === username) return a;
    return undefined;
  }

  /** A new session for an account; returns the row with its bearer token. */
  createSession(accountId: string, label: string): SessionRow {
    const now = this.now();
    const row: SessionRow = {
      sessionId: newId(),
      accountId,
      token: newToken(),
      label,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_TTL_MS,
    };
    this.sessions.set(row.sessionId, row);
    return row;
  }

  /** The live session of a token, or undefined (unknown, revoked or expired). */
  sessionByToken(token: string): SessionRow | undefined {
    const now = this.now();
    for (const s of this.sessions.values()) {
      if (s.token === token && s.expiresAt > now) return s;
    }
    return undefined;
  }

  /** Revoke one of the account's sessions; false if it is not theirs or not live. */
  revokeSession(accountId: string, sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s || s.accountId !== accountId || s.expiresAt <= this.now()) return false;
    this.sessions.delete(sessionId);
    this.live.closeSession(sessionId);
    return true;
  }

  revokeAccountSessions(accountId: string, exceptSessionId?: string): void {
    for (const s of [...this.sessions.values()]) {
      if (s.accountId === accountId && s.sessionId !== exceptSessionId)
        this.sessions.delete(s.sessionId);
    }
    this.live.closeAccount(accountId, exceptSessionId);
  }

  deleteAccount(accountId: string): void {
    this.revokeAccountSessions(accountId);
    this.accounts.delete(accountId);
    const coMembers: string[] = [];
    for (const vault of this.vaults.values()) {
      if (vault.members.has(accountId)) coMembers.push(...vault.members.keys());
      vault.members.delete(accountId);
      for (const [key, g] of vault.grants)
        if (g.recipientId === accountId) vault.grants.delete(key);
    }
    this.live.notifyAccounts(coMembers.filter((id) => id !== accountId));
  }

  createVault(ownerId: string): VaultRow {
    const now = this.now();
    const vault: VaultRow = {
      vaultId: newId(),
      createdAt: now,
      currentEpoch: 1,
      headSeq: 0,
      purgeHorizon: 0,
      members: new Map([[ownerId, { role: 'owner', addedAt: now }]]),
      grants: new Map(),
      records: new Map(),
      history: new Map(),
      applied: new Map(),
    };
    this.vaults.set(vault.vaultId, vault);
    this.live.notifyAccounts([ownerId]);
    return vault;
  }

  role(vaultId: string, accountId: string): Role | undefined {
    return this.vaults.get(vaultId)?.members.get(accountId)?.role;
  }

  putGrant(vault: VaultRow, grant: Omit<GrantRow, 'createdAt'>): void {
    vault.grants.set(`${grant.recipientId}:${grant.epoch}`, { ...grant, createdAt: this.now() });
  }

  removeMember(vault: VaultRow, accountId: string): void {
    vault.members.delete(accountId);
    for (const [key, g] of vault.grants) if (g.recipientId === accountId) vault.grants.delete(key);
    this.live.closeMember(vault.vaultId, accountId);
    this.live.notifyAccounts([accountId]);
  }

  /** Blob bytes an account holds or has announced (open uploads count at their size). */
  usedBytes(accountId: string): number {
    let used = 0;
    for (const u of this.uploads.values()) if (u.accountId === accountId) used += u.size;
    return used;
  }
}
