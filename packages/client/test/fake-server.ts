// An in-memory server behind the SDK's Transport interface, with the push/pull
// semantics of the storage contract, and switches for offline and malicious
// behaviour. Unit tests of the engine use it; the real server is tested in
// test/integration. By default it plays the current server; `oldServer`
// plays one from before 53d9d1d, which production clients still meet.
import {
  encodeArmor,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '@coffer/protocol';
import { NetworkError, ServerProblemError } from '../src/transport/errors.ts';
import type { LiveEvent, Transport } from '../src/transport/transport.ts';

interface Row {
  revision: number;
  seq: number;
  envelope: string | null;
  epoch: number;
}

interface Vault {
  seq: number;
  rows: Map<string, Row>;
  applied: Map<string, { revision: number; seq: number }>;
  purgeHorizon: number;
  listeners: Set<(seq: number) => void>;
}

export interface FakeServerOptions {
  /**
   * Play a server from before 53d9d1d: a record created again after its
   * tombstone was purged starts over at revision 1 (reusing the revisions of
   * its earlier life), and the last pull page's `nextCursor` is its last row,
   * not the head (below the horizon when the newest changes were purged
   * deletions). The current server starts such a record above the purge
   * horizon and ends the last page at the head.
   */
  oldServer?: boolean;
}

export class FakeServer {
  readonly vaults = new Map<string, Vault>();
  pushes = 0;
  readonly oldServer: boolean;
  /**
   * Old server only: writes applied on a base revision that an earlier,
   * purged life of the record also had. The server cannot tell which life
   * the writer meant, so one based on the earlier life lands silently on the
   * new one (the known old-server gap, client README).
   */
  reusedBaseApplies = 0;
  /** Old server only: the highest revision of each record's purged lives. */
  readonly #purgedRevision = new Map<string, number>();
  constructor(options: FakeServerOptions = {}) {
    this.oldServer = options.oldServer ?? false;
  }

  vault(id: string): Vault {
    let v = this.vaults.get(id);
    if (!v) {
      v = { seq: 0, rows: new Map(), applied: new Map(), purgeHorizon: 0, listeners: new Set() };
      this.vaults.set(id, v);
    }
    return v;
  }

  push(vaultId: string, body: PushRequest): PushResponse {
    this.pushes++;
    const v = this.vault(vaultId);
    const results: PushResponse['results'] = [];
    for (const m of body.mutations) {
      const done = v.applied.get(m.mutationId);
      if (done) {
        results.push({ mutationId: m.mutationId, status: 'applied', ...done });
        continue;
      }
      const current = v.rows.get(m.recordId);
      const matches = m.baseRevision === null ? !current : current?.revision === m.baseRevision;
      if (!matches) {
        results.push({
          mutationId: m.mutationId,
          status: 'conflict',
          current: current
            ? {
                revision: current.revision,
                seq: current.seq,
                epoch: current.epoch,
                envelope: current.envelope,
                deleted: current.envelope === null,
              }
            : null,
        });
        continue;
      }
      const purged = this.#purgedRevision.get(`${vaultId}/${m.recordId}`) ?? 0;
      if (m.baseRevision !== null && m.baseRevision <= purged) this.reusedBaseApplies++;
      // A record with no row (new, or its tombstone purged) starts above the
      // horizon, as the server's push-rules nextRevision does; an old server
      // started it at 1.
      const row: Row = {
        revision: current ? current.revision + 1 : this.oldServer ? 1 : v.purgeHorizon + 1,
        seq: ++v.seq,
        envelope: m.op === 'put' ? m.envelope : null,
        epoch: m.op === 'put' ? m.epoch : 1,
      };
      v.rows.set(m.recordId, row);
      v.applied.set(m.mutationId, { revision: row.revision, seq: row.seq });
      results.push({
        mutationId: m.mutationId,
        status: 'applied',
        revision: row.revision,
        seq: row.seq,
      });
    }
    for (const l of v.listeners) l(v.seq);
    return { results, applied: true };
  }

  pull(vaultId: string, cursor: number, limit: number, resync = false): PullResponse {
    const v = this.vault(vaultId);
    // Same rule as the real server: a cursor below the horizon, unless paging a resync.
    if (cursor > 0 && cursor < v.purgeHorizon && !resync) {
      throw new ServerProblemError('resync_required', 410, 'cursor older than purge horizon');
    }
    const changes = [...v.rows.entries()]
      .filter(([, r]) => r.seq > cursor)
      .sort((a, b) => a[1].seq - b[1].seq)
      .slice(0, limit)
      .map(([recordId, r]) => ({
        seq: r.seq,
        recordId,
        revision: r.revision,
        epoch: r.epoch,
        envelope: r.envelope,
        deleted: r.envelope === null,
        authorId: '0'.repeat(32),
      }));
    const last = changes[changes.length - 1];
    const lastSeq = last ? last.seq : Math.max(cursor, 0);
    const hasMore = [...v.rows.values()].some((r) => r.seq > lastSeq);
    // The current server ends the last page at its head (purged deletions may
    // sit above the last row); an old one at the last row.
    const nextCursor = hasMore || this.oldServer ? lastSeq : Math.max(lastSeq, v.seq);
    return { changes, nextCursor, hasMore };
  }

  /** Drop tombstones and raise the purge horizon to the head. */
  purgeTombstones(vaultId: string): void {
    const v = this.vault(vaultId);
    for (const [id, r] of v.rows) {
      if (r.envelope !== null) continue;
      v.rows.delete(id);
      if (!this.oldServer) continue;
      const key = `${vaultId}/${id}`;
      this.#purgedRevision.set(key, Math.max(this.#purgedRevision.get(key) ?? 0, r.revision));
    }
    v.purgeHorizon = v.seq;
  }

  /** Overwrite a stored envelope (a malicious server). */
  tamper(vaultId: string, recordId: string, change: Partial<Row>): void {
    const v = this.vault(vaultId);
    const r = v.rows.get(recordId);
    if (!r) throw new Error('no such row');
    v.rows.set(recordId, { ...r, ...change, seq: change.seq ?? ++v.seq });
  }

  /** A transport for one client; `online` can be flipped to simulate disconnects. */
  connect(): FakeTransport {
    return new FakeTransport(this);
  }
}

export class FakeTransport implements Partial<Transport> {
  readonly origin = 'https://fake.test';
  online = true;
  /**
   * Push answers to lose after the server applied them (a connection that
   * drops while the response is on its way): the client must retry with the
   * same mutation ids and get the original outcomes.
   */
  loseResponses = 0;
  readonly #server: FakeServer;
  constructor(server: FakeServer) {
    this.#server = server;
  }

  #check(): void {
    if (!this.online) throw new NetworkError('offline (fake)', { unsent: true });
  }

  setToken(): void {}

  async push(vaultId: string, body: PushRequest): Promise<PushResponse> {
    await Promise.resolve();
    this.#check();
    const answer = this.#server.push(vaultId, body);
    if (this.loseResponses > 0) {
      this.loseResponses--;
      throw new NetworkError('push response lost (fake)');
    }
    // Round-trip through JSON like the wire does.
    return JSON.parse(JSON.stringify(answer));
  }

  async pull(
    vaultId: string,
    cursor: number,
    limit: number,
    options: { resync?: boolean } = {},
  ): Promise<PullResponse> {
    await Promise.resolve();
    this.#check();
    const page = this.#server.pull(vaultId, cursor, limit, options.resync);
    return JSON.parse(JSON.stringify(page));
  }

  async *events(vaultId: string, signal: AbortSignal): AsyncIterable<LiveEvent> {
    this.#check();
    const queue: number[] = [];
    let wake: (() => void) | undefined;
    const listener = (seq: number) => {
      queue.push(seq);
      wake?.();
    };
    const v = this.#server.vault(vaultId);
    v.listeners.add(listener);
    try {
      yield { vaultId, seq: -1 };
      while (!signal.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          yield { vaultId, seq: next };
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        wake = undefined;
      }
    } finally {
      v.listeners.delete(listener);
    }
  }
}

export const armor = encodeArmor;
