/**
 * The control API of one mock server: its data, its scenario (switchable at
 * any time), a log of requests, and shortcuts that seed accounts and vaults
 * or tamper with stored data without going through HTTP.
 */
import {
  ed25519PublicKey,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type Role,
  randomBytes,
} from '@coffer/protocol';
import { MemoryDb } from './db/memory-db.ts';
import { nextRevision, purgeTombstones, writeRecord } from './db/records.ts';
import type { VaultRow } from './db/types.ts';
import { testKeyGrant, testSignupBody } from './fixtures.ts';
import { replayOldEnvelope, rollbackRecord, swapRecords } from './malicious.ts';
import { type Scenario, ScenarioState } from './scenario.ts';
import { base64url, newId } from './util.ts';

/** Options of {@link MockCoffer}. */
export interface MockCofferOptions {
  scenario?: Scenario;
  /** Clock of sessions and challenges (default `Date.now`). */
  now?: () => number;
}

/** One request the mock saw. */
export interface LoggedRequest {
  operationId: string;
  method: string;
  path: string;
  /** The answer's status, or `network-error` when the scenario cut the connection. */
  status: number | 'network-error';
  /** Mutation ids of a push (to check that retries reuse them). */
  mutationIds?: string[];
}

/** A seeded account with a live session. */
export interface SeededAccount {
  accountId: string;
  username: string;
  loginSeed: Uint8Array;
  token: string;
  sessionId: string;
}

/** Author id of writes the mock makes up (forced conflicts): no account has it. */
export const PHANTOM_AUTHOR = 'f'.repeat(32);

export class MockCoffer {
  readonly db: MemoryDb;
  readonly requests: LoggedRequest[] = [];
  /** The origin named in login challenges (the `baseUrl`'s origin). */
  origin = 'https://coffer.test';
  #scenario: ScenarioState;
  /** Records already attacked by a stateful malicious mode (once each per scenario). */
  readonly tampered = new Set<string>();

  constructor(options: MockCofferOptions = {}) {
    this.db = new MemoryDb(options.now ?? Date.now);
    this.#scenario = new ScenarioState(options.scenario);
  }

  /** The active scenario (with its remaining fault counts). */
  get scenario(): ScenarioState {
    return this.#scenario;
  }

  /**
   * Switch the scenario (replaces the previous one). Going offline drops open live streams.
   *
   * @example
   * mock.setScenario({ serverError: { times: 2 } }); // fail twice, then succeed
   */
  setScenario(scenario: Scenario): void {
    this.#scenario = new ScenarioState(scenario);
    this.tampered.clear();
    if (this.#scenario.offlineForAll) this.db.live.dropAll();
  }

  /** Behave like the real server again. */
  clearScenario(): void {
    this.setScenario({});
  }

  /** Forget all data, the scenario and the request log. */
  reset(): void {
    this.db.clear();
    this.requests.length = 0;
    this.clearScenario();
  }

  /** The protocol range the mock accepts now. */
  get protocolRange(): { min: number; max: number } {
    return (
      this.#scenario.scenario.versionRange ?? { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION }
    );
  }

  /** Requests of one operation (e.g. `push`), oldest first. */
  requestsOf(operationId: string): LoggedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Create an account with a session, as signup + login would (real login key, sealed bundle). */
  async createAccount(username = `user-${newId().slice(0, 8)}`): Promise<SeededAccount> {
    const loginSeed = randomBytes(32);
    const body = await testSignupBody(username, loginSeed);
    const accountId = newId();
    this.db.accounts.set(accountId, {
      accountId,
      username,
      loginPublicKey: await ed25519PublicKey(loginSeed),
      kdf: body.kdf,
      keyBundle: body.keyBundle,
      encryptionPublicKey: body.encryptionPublicKey,
      signingPublicKey: body.signingPublicKey,
      createdAt: this.db.now(),
    });
    const session = this.db.createSession(accountId, 'seeded');
    return { accountId, username, loginSeed, token: session.token, sessionId: session.sessionId };
  }

  /**
   * Publish other public keys for an account in the key directory: keys a
   * test holds the private halves of, or a server swapping a user's keys.
   */
  setPublicKeys(accountId: string, keys: { x25519: Uint8Array; ed25519: Uint8Array }): void {
    const account = this.db.accounts.get(accountId);
    if (!account) throw new Error(`mock: no account ${accountId}`);
    account.encryptionPublicKey = base64url(keys.x25519);
    account.signingPublicKey = base64url(keys.ed25519);
  }

  /** Create a vault owned by `ownerId`, with the owner's epoch-1 grant stored. */
  async createVault(ownerId: string): Promise<string> {
    const vault = this.db.createVault(ownerId);
    this.db.putGrant(vault, {
      epoch: 1,
      recipientId: ownerId,
      granterId: ownerId,
      envelope: await testKeyGrant(vault.vaultId, 1),
    });
    return vault.vaultId;
  }

  /** Make `accountId` a member with `role` and a grant for the current epoch. */
  async addMember(vaultId: string, accountId: string, role: Role): Promise<void> {
    const vault = this.vault(vaultId);
    vault.members.set(accountId, { role, addedAt: this.db.now() });
    const envelope = await testKeyGrant(vaultId, vault.currentEpoch);
    this.db.putGrant(vault, {
      epoch: vault.currentEpoch,
      recipientId: accountId,
      granterId: accountId,
      envelope,
    });
    this.db.live.notifyAccounts([accountId]);
  }

  /** A vault's stored state (throws for an unknown id). */
  vault(vaultId: string): VaultRow {
    const vault = this.db.vaults.get(vaultId);
    if (!vault) throw new Error(`mock: no vault ${vaultId}`);
    return vault;
  }

  /** Purge tombstones below `olderThanSeq` (default: all): older cursors get `resync_required`. */
  purgeTombstones(vaultId: string, olderThanSeq?: number): number {
    return purgeTombstones(this.vault(vaultId), olderThanSeq);
  }

  /** Another device writes `envelope` (or deletes) a record now, as a concurrent edit. */
  concurrentWrite(vaultId: string, recordId: string, envelope: string | null, epoch = 1): void {
    const vault = this.vault(vaultId);
    const current = vault.records.get(recordId);
    writeRecord(vault, {
      recordId,
      revision: nextRevision(vault, current),
      envelope,
      epoch,
      authorId: PHANTOM_AUTHOR,
    });
    this.db.live.notify(vaultId, vault.headSeq);
  }

  /** Stored-data attacks, one record at a time (each returns false if it had nothing to use). */
  readonly tamper = {
    rollback: (vaultId: string, recordId: string) => rollbackRecord(this.vault(vaultId), recordId),
    replayOldEnvelope: (vaultId: string, recordId: string) =>
      replayOldEnvelope(this.vault(vaultId), recordId),
    swap: (vaultId: string, a: string, b: string) => swapRecords(this.vault(vaultId), a, b),
  };
}
