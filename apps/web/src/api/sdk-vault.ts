/**
 * A {@link VaultHandle} over the SDK: lists records from the local replica
 * through the SDK's sealed record index (`records.summaries`: names, types
 * and sizes, no values, only changed records opened), re-listed whenever the
 * SDK's sync state moves (the SDK has no per-vault change event), follows the
 * live stream, and maps the UI's record kinds and conflict choices onto the
 * SDK's calls. A record's value is opened only when it is read.
 */
import type {
  CofferClient,
  ConflictEntry,
  RecordEntry,
  RecordSummary as SdkSummary,
} from '@coffer/client';
import type { IndexedDbStore } from '@coffer/client/indexeddb';
import { createSubject } from './observable.ts';
import { BINARY_TYPE, contentOf, kindOf, RESERVED_PREFIX, toSdkValue } from './record-kinds.ts';
import type {
  ByteProgress,
  ConflictChoice,
  ConflictInfo,
  ConflictSide,
  InlineContent,
  MemberInfo,
  ProgressListener,
  RecordContent,
  RecordListView,
  RecordSummary,
  Role,
  UserKeyInfo,
  VaultHandle,
  VaultInfo,
} from './types.ts';

const INTEGRITY = ['envelope_rejected', 'decryption_failed'];

const NOT_LATEST =
  'The server’s latest version of this record did not verify (it was altered or forged), so this is the last verified version. It may be out of date.';

/** A record refused with no verified version here: shown as an error, never as data. */
function unreadableRow(recordId: string, at: number): RecordSummary {
  return {
    recordId,
    name: `Unreadable record ${recordId.slice(0, 12)}`,
    kind: 'text',
    updatedAt: at,
    conflicted: false,
    integrityError: 'It does not open with this vault’s keys: it was altered or forged.',
  };
}

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

export class SdkVault implements VaultHandle {
  #info: VaultInfo;
  readonly records = createSubject<RecordListView>({ status: 'loading', records: [] });
  readonly conflicts = createSubject<ReadonlyArray<ConflictInfo>>([]);
  #rows = new Map<string, SdkSummary>();
  /** The current version of each conflicted record (its value is shown beside the copy). */
  #currents = new Map<string, RecordEntry>();
  #copies: ConflictEntry[] = [];
  #refreshing: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  #mark = '';
  readonly #unsubscribe: () => void;
  /** Tells this account's other tabs that the shared replica changed under their screens. */
  readonly #announce: () => void;

  private constructor(
    readonly client: CofferClient,
    readonly store: IndexedDbStore,
    info: VaultInfo,
    announce: () => void,
  ) {
    this.#info = info;
    this.#announce = announce;
    this.#unsubscribe = client.state.subscribe(() => void this.#refreshIfChanged());
  }

  /**
   * Re-list only when this vault's replica moved (a listing is cheap, but
   * still reads the replica's revisions and the outbox): its cursor (a pull
   * applied changes), its outbox (a write or an acknowledgement), its
   * conflict copies, or a new error event.
   */
  async #currentMark(): Promise<string> {
    const vaultId = this.info.vaultId;
    const snapshot = this.client.state.getSnapshot();
    const [cursor, outbox] = await Promise.all([
      this.store.getCursor(vaultId),
      this.store.listOutbox({ vaultId }),
    ]);
    return `${cursor}:${outbox.length}:${snapshot.conflicts}:${snapshot.errors.at(-1)?.at ?? 0}`;
  }

  async #refreshIfChanged(): Promise<void> {
    const mark = await this.#currentMark();
    if (mark === this.#mark || this.#closed) return;
    this.#mark = mark;
    await this.refresh();
  }

  /** The vault as last listed: its role changes when an admin changes it, without a new open. */
  get info(): VaultInfo {
    return this.#info;
  }

  /** Take the vault list's newer view (role, name) for the next screen that shows this vault. */
  updateInfo(info: VaultInfo): void {
    this.#info = info;
  }

  static async open(
    client: CofferClient,
    store: IndexedDbStore,
    info: VaultInfo,
    announce: () => void = () => {},
  ) {
    const vault = new SdkVault(client, store, info, announce);
    // Show the local replica first (fast, works offline), then catch up.
    vault.#mark = await vault.#currentMark();
    await vault.refresh();
    client.live(info.vaultId);
    void client.sync(info.vaultId).catch(() => {});
    return vault;
  }

  /** Re-list from the replica; calls during a run coalesce into one more run. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#dirty = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#dirty = false;
        await this.#load();
      } while (this.#dirty && !this.#closed);
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<void> {
    const vaultId = this.info.vaultId;
    const started = performance.now();
    const [entries, copies, withheld] = await Promise.all([
      this.client.records.summaries(vaultId),
      this.client.conflicts.list(vaultId),
      // Kept by the SDK across reloads, unlike its error events.
      this.client.records.withheld(vaultId),
    ]);
    // User Timing (no data, just a duration): the bench and devtools see the listing's share.
    performance.measure('coffer:list-records', { start: started });
    const byId = new Map(entries.map((e) => [e.recordId, e]));
    // Conflicts are few: open just their current versions, to show them side by side.
    const currents = new Map<string, RecordEntry>();
    for (const copy of copies) {
      const name = byId.get(copy.recordId)?.name ?? copy.name;
      if (!name || currents.has(copy.recordId)) continue;
      const current = await this.client.records.get(vaultId, name).catch(() => undefined);
      if (current) currents.set(copy.recordId, current);
    }
    if (this.#closed) return;
    this.#rows = byId;
    this.#currents = currents;
    this.#copies = copies;
    const conflicted = new Set(copies.map((c) => c.recordId));
    const notLatest = new Set(withheld.records.map((r) => r.recordId));
    const rows: RecordSummary[] = [];
    for (const e of entries) {
      if (e.name.startsWith(RESERVED_PREFIX)) continue;
      rows.push({
        recordId: e.recordId,
        name: e.name,
        kind: kindOf(e),
        updatedAt: e.updatedAt,
        ...(e.blob ? { size: e.blob.size } : {}),
        conflicted: conflicted.has(e.recordId),
        ...(notLatest.has(e.recordId) ? { notLatest: NOT_LATEST } : {}),
      });
    }
    // Records the SDK refused (forged or swapped envelopes) appear as errors, never as data.
    const seen = new Set(rows.map((r) => r.recordId));
    for (const refused of withheld.records) {
      if (seen.has(refused.recordId)) continue;
      seen.add(refused.recordId);
      rows.push(unreadableRow(refused.recordId, refused.at));
    }
    for (const error of this.client.state.getSnapshot().errors) {
      if (!INTEGRITY.includes(error.code) || error.vaultId !== vaultId || !error.recordId) continue;
      if (seen.has(error.recordId)) continue;
      seen.add(error.recordId);
      rows.push(unreadableRow(error.recordId, error.at));
    }
    this.records.set({ status: 'ready', records: rows });
    this.conflicts.set(copies.map((c) => this.#conflictInfo(c)));
  }

  #conflictInfo(copy: ConflictEntry): ConflictInfo {
    const current = this.#currents.get(copy.recordId);
    // The copy's own type (a secret stays a secret, a file a file) and edit time.
    const copySide: ConflictSide = copy.deleted
      ? { deleted: true, updatedAt: 0 }
      : {
          deleted: false,
          content: contentOf({
            type: copy.type ?? 'text/plain',
            value: copy.value,
            ...(copy.blob ? { blob: copy.blob } : {}),
          }),
          updatedAt: copy.updatedAt ?? copy.detectedAt,
        };
    const currentSide: ConflictSide = current
      ? { deleted: false, content: contentOf(current), updatedAt: current.updatedAt }
      : { deleted: true, updatedAt: 0 };
    const mineLost = copy.reason === 'local_lost';
    return {
      conflictId: copy.conflictId,
      recordId: copy.recordId,
      name: copy.name ?? current?.name ?? copy.recordId,
      mine: mineLost ? copySide : currentSide,
      theirs: mineLost ? currentSide : copySide,
    };
  }

  #entry(recordId: string): SdkSummary {
    return this.#rows.get(recordId) ?? fail('record_not_found', 'no such record');
  }

  async read(recordId: string): Promise<RecordContent> {
    // The list holds no values: open this one record (verified by the SDK).
    const entry = await this.client.records.get(this.info.vaultId, this.#entry(recordId).name);
    return contentOf(entry ?? fail('record_not_found', 'no such record'));
  }

  async write(name: string, content: InlineContent): Promise<void> {
    if (name.startsWith(RESERVED_PREFIX)) fail('bad_argument', 'reserved name');
    const { value, type } = toSdkValue(content);
    await this.client.records.put(this.info.vaultId, name, value, { type });
    this.#announce();
    await this.refresh();
  }

  async remove(recordId: string): Promise<void> {
    await this.client.records.delete(this.info.vaultId, this.#entry(recordId).name);
    this.#announce();
    await this.refresh();
  }

  async uploadFile(
    name: string,
    file: Blob,
    onProgress: ByteProgress,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.client.blobs.put(this.info.vaultId, name, file.stream(), {
      size: file.size,
      type: file.type || BINARY_TYPE,
      onProgress,
      ...(signal ? { signal } : {}),
    });
    this.#announce();
    await this.refresh();
  }

  async downloadFile(
    recordId: string,
    sink: WritableStream<Uint8Array>,
    onProgress: ByteProgress,
    signal?: AbortSignal,
  ): Promise<void> {
    const found = await this.client.blobs.get(this.info.vaultId, this.#entry(recordId).name, {
      onProgress,
    });
    if (!found) fail('record_not_found', 'no such record');
    // Only authenticated bytes reach the sink; on tampering the stream errors and pipeTo aborts the sink.
    await found.stream.pipeTo(sink, signal ? { signal } : {});
  }

  async members(): Promise<MemberInfo[]> {
    return (await this.client.vaults.members(this.info.vaultId)).map((m) => ({
      accountId: m.accountId,
      username: m.username,
      role: m.role as Role,
    }));
  }

  async lookupUser(username: string): Promise<UserKeyInfo> {
    // Only look: share() pins once the user compared and accepted the fingerprint.
    const before = await this.store.getPinnedUser(username);
    const keys = await this.client.vaults.userKeys(username, {
      acceptChangedKey: true,
      pin: false,
    });
    const changed = before !== undefined && before.fingerprint !== keys.fingerprint;
    return {
      username,
      accountId: keys.accountId,
      fingerprint: keys.fingerprint,
      pin: before === undefined ? 'new' : changed ? 'changed' : 'same',
    };
  }

  async share(username: string, role: Exclude<Role, 'owner'>, shown: string, accept: boolean) {
    const keys = await this.client.vaults.userKeys(username, { acceptChangedKey: accept });
    // The keys must be the ones the user compared, not whatever the directory says now.
    if (keys.fingerprint !== shown) fail('user_key_changed', 'keys changed after lookup');
    await this.client.vaults.share(this.info.vaultId, username, role, { acceptChangedKey: accept });
  }

  changeRole(accountId: string, role: Exclude<Role, 'owner'>): Promise<void> {
    return this.client.vaults.changeRole(this.info.vaultId, accountId, role);
  }

  async removeMember(accountId: string, onProgress: ProgressListener): Promise<void> {
    onProgress({ step: 'Removing the member and rotating the vault key…' });
    await this.client.vaults.removeMember(this.info.vaultId, accountId);
    onProgress({ step: 'Re-encrypting older records under the new key…', fraction: 0 });
    await this.client.reencrypt(this.info.vaultId, {
      onProgress: (done, total) =>
        onProgress({
          step: `Re-encrypting older records under the new key (${done} of ${total})…`,
          fraction: total === 0 ? 1 : done / total,
        }),
    });
  }

  async resolveConflict(conflictId: string, choice: ConflictChoice): Promise<void> {
    const copy = this.#copies.find((c) => c.conflictId === conflictId);
    if (!copy) return;
    const copyIsMine = copy.reason === 'local_lost';
    if ('merged' in choice) {
      const name = copy.name ?? this.#entry(copy.recordId).name;
      const { value, type } = toSdkValue(choice.merged);
      await this.client.records.put(this.info.vaultId, name, value, { type });
      await this.client.conflicts.resolve(conflictId, 'discard');
    } else {
      const keepCopy = (choice.keep === 'mine') === copyIsMine;
      await this.client.conflicts.resolve(conflictId, keepCopy ? 'restore' : 'discard');
    }
    this.#announce();
    await this.refresh();
  }

  /** Leaving the screen keeps the vault warm (the session disposes it on lock/logout). */
  close(): void {}

  dispose(): void {
    this.#closed = true;
    this.#unsubscribe();
  }
}
