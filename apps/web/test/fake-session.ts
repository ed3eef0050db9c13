/** In-memory gateway and session for component tests (see fake-vault.ts). */
import { createSubject } from '../src/api/observable.ts';
import type {
  CofferGateway,
  CofferSession,
  ProgressListener,
  SessionView,
  SyncView,
  VaultInfo,
} from '../src/api/types.ts';
import { FakeVault } from './fake-vault.ts';

export const IDLE_SYNC: SyncView = {
  connection: 'online',
  syncing: false,
  pending: 0,
  lastSyncAt: null,
  conflicts: 0,
  errors: [],
  transfers: [],
};

export class FakeSession implements CofferSession {
  readonly fingerprint = '12345 67890 12345 67890 12345 67890';
  readonly sync = createSubject<SyncView>(IDLE_SYNC);
  readonly vaults = createSubject<ReadonlyArray<VaultInfo> | null>([]);
  readonly replicaReplaced = createSubject(false);
  readonly opened = new Map<string, FakeVault>();
  locked = false;
  loggedOut = false;
  passphraseChanges: Array<[string, string]> = [];

  refreshes = 0;
  /** What the next refresh finds on the "server" (unset: nothing new). */
  serverVaults: VaultInfo[] | undefined;

  constructor(readonly username = 'alice') {}

  async refreshVaults() {
    this.refreshes++;
    if (this.serverVaults) this.vaults.set(this.serverVaults);
  }

  async createVault(name: string) {
    const info: VaultInfo = { vaultId: `v-${name}`, name, role: 'owner' };
    this.vaults.set([...(this.vaults.getSnapshot() ?? []), info]);
    return info;
  }

  async openVault(vaultId: string) {
    const info = this.vaults.getSnapshot()?.find((v) => v.vaultId === vaultId);
    const vault = this.opened.get(vaultId) ?? new FakeVault(info);
    this.opened.set(vaultId, vault);
    return vault;
  }

  async changePassphrase(current: string, next: string, onProgress: ProgressListener) {
    onProgress({ step: 'Deriving the new key' });
    if (current !== 'correct horse battery') {
      throw Object.assign(new Error('bad'), { code: 'invalid_credentials' });
    }
    this.passphraseChanges.push([current, next]);
    // As the server does: every other session of the account ends with the change.
    this.sessionList = this.sessionList.filter((s) => s.current);
  }

  sessionList: SessionView[] = [
    {
      sessionId: 's-here',
      label: 'Web browser (Linux)',
      createdAt: 0,
      lastSeenAt: Date.now(),
      current: true,
    },
    {
      sessionId: 's-phone',
      label: 'coffer-cli',
      createdAt: 0,
      lastSeenAt: Date.now() - 3 * 60_000,
      current: false,
    },
  ];

  async sessions() {
    return this.sessionList.map((s) => ({ ...s }));
  }

  async revokeSession(sessionId: string) {
    this.sessionList = this.sessionList.filter((s) => s.sessionId !== sessionId);
  }

  async lock() {
    this.locked = true;
  }

  /** Make logout fail with this code (after dropping the keys, as the SDK does). */
  logoutFails: string | undefined;

  async logout() {
    this.loggedOut = true;
    if (this.logoutFails) throw Object.assign(new Error('x'), { code: this.logoutFails });
  }
}

/** A gateway whose login waits for the test (to observe the progress state). */
export class FakeGateway implements CofferGateway {
  session = new FakeSession();
  attempts: Array<{ mode: string; username: string }> = [];
  release: (() => void) | undefined;
  hold = false;
  failWith: string | undefined;

  async #run(mode: string, username: string, onProgress: ProgressListener) {
    this.attempts.push({ mode, username });
    onProgress({ step: 'Deriving your key (this takes a moment)', fraction: 0.3 });
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    if (this.failWith) throw Object.assign(new Error('x'), { code: this.failWith });
    const previous = this.session;
    this.session = new FakeSession(username);
    // The same account logging in again sees the vaults the server has for it.
    if (previous.username === username) this.session.vaults.set(previous.vaults.getSnapshot());
    return this.session;
  }

  signup(username: string, _passphrase: string, onProgress: ProgressListener) {
    return this.#run('signup', username, onProgress);
  }

  login(username: string, _passphrase: string, onProgress: ProgressListener) {
    return this.#run('login', username, onProgress);
  }
}
