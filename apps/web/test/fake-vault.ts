/**
 * An in-memory VaultHandle for component tests: records, conflicts and
 * members as plain data, with every call recorded so tests can assert what
 * the UI asked the SDK to do. No sync and no crypto: the real ones are in
 * @coffer/client and are exercised end to end in tests/e2e.
 */
import { createSubject } from '../src/api/observable.ts';
import type {
  ConflictChoice,
  ConflictInfo,
  InlineContent,
  MemberInfo,
  RecordContent,
  RecordListView,
  RecordSummary,
  Role,
  UserKeyInfo,
  VaultHandle,
  VaultInfo,
} from '../src/api/types.ts';

export interface FakeVaultCall {
  method: string;
  args: unknown[];
}

export class FakeVault implements VaultHandle {
  readonly info: VaultInfo;
  readonly records = createSubject<RecordListView>({ status: 'ready', records: [] });
  readonly conflicts = createSubject<ReadonlyArray<ConflictInfo>>([]);
  readonly contents = new Map<string, RecordContent>();
  readonly calls: FakeVaultCall[] = [];
  membersList: MemberInfo[] = [];
  users = new Map<string, UserKeyInfo>();
  /** Throw this from the next call of the named method. */
  failNext = new Map<string, Error>();
  /** Resolve `removeMember` only when the test calls this. */
  finishRotation: (() => void) | undefined;
  closed = false;

  constructor(info: Partial<VaultInfo> = {}) {
    this.info = { vaultId: 'v1', name: 'Team', role: 'owner', ...info };
  }

  #call(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
    const failure = this.failNext.get(method);
    if (failure) {
      this.failNext.delete(method);
      throw failure;
    }
  }

  /** Put a record straight into the list (as a pull would). */
  seed(summary: Partial<RecordSummary> & { name: string }, content?: RecordContent) {
    const record: RecordSummary = {
      recordId: `id-${summary.name}`,
      kind: content?.kind ?? 'text',
      updatedAt: 1_700_000_000_000,
      conflicted: false,
      ...summary,
    };
    const others = this.records.getSnapshot().records.filter((r) => r.recordId !== record.recordId);
    this.records.set({
      status: 'ready',
      records: [...others, record].sort((a, b) => a.name.localeCompare(b.name)),
    });
    if (content) this.contents.set(record.recordId, content);
    return record;
  }

  async read(recordId: string): Promise<RecordContent> {
    this.#call('read', recordId);
    const content = this.contents.get(recordId);
    if (!content) throw Object.assign(new Error('missing'), { code: 'record_not_found' });
    return content;
  }

  async write(name: string, content: InlineContent): Promise<void> {
    this.#call('write', name, content);
    this.seed({ name, kind: content.kind }, content);
  }

  async remove(recordId: string): Promise<void> {
    this.#call('remove', recordId);
    const records = this.records.getSnapshot().records.filter((r) => r.recordId !== recordId);
    this.records.set({ status: 'ready', records });
  }

  /** Set to make the next transfer wait until its signal aborts (cancel tests). */
  holdTransfers = false;
  /** Lets a held transfer finish (set while one is held). */
  releaseTransfer: (() => void) | undefined;
  /** Set to make the next transfer fail with this code. */
  failTransfers: string | null = null;

  async #transfer(signal: AbortSignal | undefined) {
    if (this.failTransfers) throw Object.assign(new Error('failed'), { code: this.failTransfers });
    if (!this.holdTransfers) return;
    await new Promise<void>((resolve, reject) => {
      this.releaseTransfer = resolve;
      const stop = () => reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
      if (signal?.aborted) stop();
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  async uploadFile(
    name: string,
    file: Blob,
    onProgress: (d: number, t: number) => void,
    signal?: AbortSignal,
  ) {
    this.#call('uploadFile', name, file.size);
    onProgress(Math.floor(file.size / 2), file.size);
    await this.#transfer(signal);
    onProgress(file.size, file.size);
    this.seed({ name, kind: 'file', size: file.size }, { kind: 'file', size: file.size });
  }

  async downloadFile(
    recordId: string,
    sink: WritableStream<Uint8Array>,
    onProgress: (d: number, t: number) => void,
    signal?: AbortSignal,
  ) {
    this.#call('downloadFile', recordId);
    onProgress(1, 2);
    try {
      await this.#transfer(signal);
    } catch (error) {
      await sink.abort(error);
      throw error;
    }
    const writer = sink.getWriter();
    await writer.write(new TextEncoder().encode('file-bytes'));
    await writer.close();
  }

  async members() {
    this.#call('members');
    return this.membersList;
  }

  async lookupUser(username: string) {
    this.#call('lookupUser', username);
    const user = this.users.get(username);
    // What the real server answers for an unknown username.
    if (!user) throw Object.assign(new Error('no user'), { code: 'not_found' });
    return user;
  }

  async share(
    username: string,
    role: Exclude<Role, 'owner'>,
    fingerprint: string,
    accept: boolean,
  ) {
    this.#call('share', username, role, fingerprint, accept);
    const user = this.users.get(username);
    this.membersList = [
      ...this.membersList,
      { accountId: user?.accountId ?? username, username, role },
    ];
  }

  async changeRole(accountId: string, role: Exclude<Role, 'owner'>) {
    this.#call('changeRole', accountId, role);
    this.membersList = this.membersList.map((m) =>
      m.accountId === accountId ? { ...m, role } : m,
    );
  }

  removeMember(accountId: string, onProgress: (p: { step: string; fraction?: number }) => void) {
    this.#call('removeMember', accountId);
    onProgress({ step: 'Rotating the vault key', fraction: 0.5 });
    return new Promise<void>((resolve) => {
      this.finishRotation = () => {
        this.membersList = this.membersList.filter((m) => m.accountId !== accountId);
        resolve();
      };
    });
  }

  async resolveConflict(conflictId: string, choice: ConflictChoice) {
    this.#call('resolveConflict', conflictId, choice);
    this.conflicts.set(this.conflicts.getSnapshot().filter((c) => c.conflictId !== conflictId));
  }

  close() {
    this.closed = true;
  }
}
