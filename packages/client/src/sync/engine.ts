/**
 * The sync engine: local writes go to the outbox first; per vault, push and
 * pull run one at a time (a promise chain), failed pushes are retried at their
 * backoff time, and a live event stream triggers pulls, reconnecting with
 * backoff when it drops. The account stream (vault memberships changed) is
 * followed the same way.
 */
import type { StoredRecord } from '../store/types.ts';
import { NetworkError, ServerProblemError } from '../transport/errors.ts';
import type { AccountLiveEvent } from '../transport/transport.ts';
import { randomHexId } from '../util/env.ts';
import { sleep } from '../util/sleep.ts';
import { backoffDelay } from './backoff.ts';
import type { SyncContext } from './context.ts';
import { coalesceTarget } from './outbox.ts';
import { withOutboxLock } from './outbox-lock.ts';
import { pullVault } from './pull.ts';
import { pushVault } from './push.ts';

/** What this device currently believes about a record (pending write first). */
export interface LocalView {
  envelope: Uint8Array | null;
  /** Server revision the view is based on (null: never on the server). */
  revision: number | null;
  pending: boolean;
}

export class SyncEngine {
  readonly #ctx: SyncContext;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #live = new Map<string, AbortController>();
  #accountLive: AbortController | undefined;
  /** Failed runs in a row per vault: the retry of a run that failed backs off on it. */
  readonly #failures = new Map<string, number>();
  #closed = false;

  constructor(ctx: SyncContext) {
    this.#ctx = ctx;
  }

  /** Queue a sealed write (or a deletion, `envelope = null`) and schedule a push. */
  async write(
    vaultId: string,
    recordId: string,
    envelope: Uint8Array | null,
    epoch: number,
  ): Promise<void> {
    const { store } = this.#ctx;
    await withOutboxLock(store, vaultId, () => this.#queue(vaultId, recordId, envelope, epoch));
    await this.#ctx.refreshCounts();
    void this.sync(vaultId).catch(() => {});
  }

  async #queue(vaultId: string, recordId: string, envelope: Uint8Array | null, epoch: number) {
    const { store, clock } = this.#ctx;
    const queued = await store.listOutbox({ vaultId });
    const target = coalesceTarget(queued, vaultId, recordId);
    const sameRecord = queued.filter((e) => e.recordId === recordId);
    if (target) {
      const neverOnServer =
        envelope === null &&
        target.baseRevision === null &&
        sameRecord.length === 1 &&
        !(await store.getRecord(vaultId, recordId));
      if (neverOnServer) await store.removeOutbox([target.mutationId]);
      else await store.updateOutbox({ ...target, envelope, epoch });
    } else {
      const stored = await store.getRecord(vaultId, recordId);
      await store.enqueue({
        mutationId: randomHexId(),
        vaultId,
        recordId,
        baseRevision: stored?.revision ?? null,
        envelope,
        epoch,
        createdAt: clock.now(),
        attempts: 0,
        nextAttemptAt: 0,
      });
    }
  }

  /** The newest local version of a record: the last queued write, else the replica's row. */
  async localView(vaultId: string, recordId: string): Promise<LocalView | undefined> {
    const queued = (await this.#ctx.store.listOutbox({ vaultId })).filter(
      (e) => e.recordId === recordId,
    );
    const last = queued[queued.length - 1];
    const stored = await this.#ctx.store.getRecord(vaultId, recordId);
    if (last) return { envelope: last.envelope, revision: stored?.revision ?? null, pending: true };
    if (stored) return { envelope: stored.envelope, revision: stored.revision, pending: false };
    return undefined;
  }

  /** Every record id of a vault with its local view (replica ∪ outbox). */
  async localViews(vaultId: string): Promise<Map<string, LocalView>> {
    const views = new Map<string, LocalView>();
    const rows: StoredRecord[] = await this.#ctx.store.listRecords(vaultId);
    for (const r of rows) {
      views.set(r.recordId, { envelope: r.envelope, revision: r.revision, pending: false });
    }
    for (const e of await this.#ctx.store.listOutbox({ vaultId })) {
      const revision = views.get(e.recordId)?.revision ?? null;
      views.set(e.recordId, { envelope: e.envelope, revision, pending: true });
    }
    return views;
  }

  /**
   * Push then pull one vault, after any sync of it already running. Network
   * failures only mark the state offline; other problems become error events.
   * `retryNow` (an application's explicit sync) pushes the writes that wait
   * for their backoff too: the user asked for it, typically once back online.
   */
  sync(vaultId: string, options: { retryNow?: boolean } = {}): Promise<void> {
    const previous = this.#chains.get(vaultId) ?? Promise.resolve();
    const run = previous.then(() => this.#runOnce(vaultId, options.retryNow === true));
    this.#chains.set(vaultId, run);
    return run;
  }

  /** Make every write of the vault that waits for its backoff due now (attempts are kept). */
  async #dueNow(vaultId: string): Promise<void> {
    const { store, clock } = this.#ctx;
    await withOutboxLock(store, vaultId, async () => {
      const now = clock.now();
      for (const entry of await store.listOutbox({ vaultId })) {
        if (entry.nextAttemptAt > now) await store.updateOutbox({ ...entry, nextAttemptAt: now });
      }
    });
  }

  async #runOnce(vaultId: string, retryNow: boolean): Promise<void> {
    if (this.#closed) return;
    const end = this.#ctx.state.beginActivity();
    try {
      if (retryNow) await this.#dueNow(vaultId);
      await pushVault(this.#ctx, vaultId);
      await pullVault(this.#ctx, vaultId);
      const { retryAt } = await pushVault(this.#ctx, vaultId);
      this.#failures.delete(vaultId);
      this.#scheduleRetry(vaultId, retryAt);
    } catch (error) {
      if (error instanceof NetworkError) this.#ctx.state.update({ connection: 'offline' });
      else {
        const code = (error as { code?: string }).code ?? 'sync_failed';
        this.#ctx.report(code, error instanceof Error ? error.message : 'sync failed', { vaultId });
      }
      const queued = await this.#ctx.store.listOutbox({ vaultId });
      const now = this.#ctx.clock.now();
      const due = queued.map((e) => e.nextAttemptAt).filter((t) => t > now);
      // With nothing queued the run is retried on its own backoff: a failure
      // that does not heal by waiting (a revoked session, a deleted vault, a
      // removed member) was asked again every half second, for ever.
      const failures = (this.#failures.get(vaultId) ?? 0) + 1;
      this.#failures.set(vaultId, failures);
      const { backoff, random } = this.#ctx;
      const fallback = now + Math.max(backoff.baseMs, backoffDelay(failures, backoff, random));
      this.#scheduleRetry(vaultId, due.length ? Math.min(...due) : fallback);
    } finally {
      await this.#ctx.refreshCounts();
      end();
    }
  }

  #scheduleRetry(vaultId: string, at: number | undefined): void {
    clearTimeout(this.#timers.get(vaultId));
    this.#timers.delete(vaultId);
    if (at === undefined || this.#closed) return;
    const timer = setTimeout(
      () => void this.sync(vaultId).catch(() => {}),
      Math.max(0, at - this.#ctx.clock.now()),
    );
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(vaultId, timer);
  }

  /** Follow the vault's live event stream, pulling on every new sequence. */
  startLive(vaultId: string): void {
    if (this.#live.has(vaultId) || this.#closed) return;
    const controller = new AbortController();
    this.#live.set(vaultId, controller);
    void this.#liveLoop(vaultId, controller.signal);
  }

  stopLive(vaultId: string): void {
    this.#live.get(vaultId)?.abort();
    this.#live.delete(vaultId);
  }

  async #liveLoop(vaultId: string, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let failure: unknown;
      try {
        for await (const event of this.#ctx.transport.events(vaultId, signal)) {
          attempt = 0;
          this.#ctx.state.update({ connection: 'online' });
          if (event.seq < 0 || event.seq > (await this.#ctx.store.getCursor(vaultId))) {
            void this.sync(vaultId).catch(() => {});
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        failure = error;
        if (error instanceof NetworkError) this.#ctx.state.update({ connection: 'offline' });
        else if (this.#sessionEnded(error, vaultId)) {
          if (this.#live.get(vaultId)?.signal === signal) this.#live.delete(vaultId);
          return;
        }
      }
      attempt++;
      await sleep(this.#retryDelay(attempt, failure), signal);
    }
  }

  /**
   * A live stream answered 401: the session was revoked, expired or logged
   * out elsewhere, and asking again cannot heal that. Report it (once per
   * stream) so the app can ask the user to log in; the stream stops, and
   * starts again when the app asks for it after a new login.
   */
  #sessionEnded(error: unknown, vaultId?: string): boolean {
    if (!(error instanceof ServerProblemError) || error.status !== 401) return false;
    this.#ctx.report(
      error.code,
      'the session ended (revoked, expired or logged out elsewhere): log in again',
      vaultId === undefined ? {} : { vaultId },
    );
    return true;
  }

  /** Backoff before reconnecting a stream; at least what the server asked for (429/503 Retry-After). */
  #retryDelay(attempt: number, error: unknown): number {
    const ours = backoffDelay(attempt, this.#ctx.backoff, this.#ctx.random);
    const asked = error instanceof ServerProblemError ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(ours, asked);
  }

  /**
   * Follow the account's live stream, calling `onEvent` for each event (a
   * `connected` one on every reconnect), reconnecting with backoff. Ends on
   * {@link stopBackground}, or for good when the server answers the route is
   * not there (a server rolled back to a version without it).
   */
  startAccountLive(onEvent: (event: AccountLiveEvent) => void): void {
    if (this.#accountLive || this.#closed) return;
    const controller = new AbortController();
    this.#accountLive = controller;
    void this.#accountLoop(onEvent, controller.signal);
  }

  stopAccountLive(): void {
    this.#accountLive?.abort();
    this.#accountLive = undefined;
  }

  async #accountLoop(
    onEvent: (event: AccountLiveEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let failure: unknown;
      try {
        for await (const event of this.#ctx.transport.accountEvents(signal)) {
          attempt = 0;
          this.#ctx.state.update({ connection: 'online' });
          onEvent(event);
        }
      } catch (error) {
        if (signal.aborted) return;
        failure = error;
        if (error instanceof NetworkError) this.#ctx.state.update({ connection: 'offline' });
        else if (
          (error instanceof ServerProblemError && error.status === 404) ||
          this.#sessionEnded(error)
        ) {
          if (this.#accountLive?.signal === signal) this.#accountLive = undefined;
          return;
        }
      }
      attempt++;
      await sleep(this.#retryDelay(attempt, failure), signal);
    }
  }

  /** Wait until every sync queued so far has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const chains = [...this.#chains.values()];
      await Promise.allSettled(chains);
      const now = [...this.#chains.values()];
      if (now.length === chains.length && chains.every((c, i) => c === now[i])) return;
    }
  }

  /**
   * Stop live streams and retry timers, and stay usable: after a logout
   * nothing should keep calling the server on the old session's behalf.
   * Queued writes stay in the outbox for the next sync.
   */
  stopBackground(): void {
    this.stopAccountLive();
    for (const c of this.#live.values()) c.abort();
    this.#live.clear();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** Stop live streams and retry timers, for good. */
  close(): void {
    this.#closed = true;
    this.stopBackground();
    this.#ctx.opener.close?.();
  }
}
