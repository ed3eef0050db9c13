/**
 * Live events: a server-sent-events stream per vault. The current head first
 * (so a client that was away pulls now), then `seq` whenever a write lands.
 * And the account stream: `vaults` (`connected` first, then `changed` when
 * the account is shared into, removed from or re-roled in a vault).
 * Logout, revocation, removal, `reset` and going offline in the scenario end
 * the stream (msw cannot fail a mocked body mid-stream, so a dropped
 * connection shows as an end; the client's reconnect then meets the outage).
 * (No heartbeats: they
 * carry nothing a client acts on, and timers would fight fake clocks.)
 */
import { formatVaultsChangedEvent } from '@coffer/protocol';
import type { Caller } from '../http/guards.ts';
import { requireRole } from '../http/guards.ts';
import { ApiError, vaultNotFound } from '../http/problem.ts';
import type { RouteDef } from '../http/route.ts';
import type { MockCoffer } from '../mock-coffer.ts';

const encoder = new TextEncoder();

/** As coffer-server's MAX_LIVE_STREAMS_PER_ACCOUNT: open streams per account, all sessions. */
export const MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT = 64;
const LIVE_CAP_RETRY_SECONDS = 30;

/** The server's answer over the cap. */
function checkCap(mock: MockCoffer, caller: Caller): void {
  if (mock.db.live.countAccount(caller.accountId) >= MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT) {
    throw new ApiError(
      'rate_limited',
      `at most ${MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT} live streams per account; close one first`,
      { retryAfterSeconds: LIVE_CAP_RETRY_SECONDS },
      { 'retry-after': String(LIVE_CAP_RETRY_SECONDS) },
    );
  }
}

/** What one stream says: its subscription to news, and what it sends first. */
interface StreamPlan {
  /** Stream-registry key: the vault, or null for the account stream. */
  vaultId: string | null;
  /** Subscribe to news, sending each with `write`; returns the unsubscribe. */
  subscribe(write: (text: string) => void): () => void;
  /** Sent right after the `retry` line. */
  opening(write: (text: string) => void): void;
}

/**
 * A server-sent-events answer that is registered as a live stream of the
 * caller's session (so logout, revocation, removal, `reset` and going offline
 * end it) and stops its subscription when it ends or the client leaves.
 */
function liveStream(
  mock: MockCoffer,
  caller: Caller,
  request: Request,
  plan: StreamPlan,
): Response {
  let closed = false;
  let cleanup = (): void => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const end = (drop: boolean): void => {
        if (closed) return;
        closed = true;
        cleanup();
        if (drop) controller.error(new TypeError('network connection lost'));
        else controller.close();
      };
      const unsubscribe = plan.subscribe(write);
      const unregister = mock.db.live.add({
        vaultId: plan.vaultId,
        accountId: caller.accountId,
        sessionId: caller.sessionId,
        close: end,
      });
      cleanup = () => {
        unsubscribe();
        unregister();
      };
      request.signal.addEventListener('abort', () => end(false), { once: true });
      // Ask for a quick reconnect; the client pulls from its cursor anyway.
      write('retry: 2000\n\n');
      plan.opening(write);
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export const liveRoutes: RouteDef[] = [
  {
    operationId: 'liveEvents',
    handle: ({ mock, caller, params, request }) => {
      const vaultId = params.vaultId ?? '';
      requireRole(mock.db, vaultId, caller.accountId, 'reader');
      const vault = mock.db.vaults.get(vaultId);
      if (!vault) throw vaultNotFound();
      checkCap(mock, caller);
      const malformed = mock.scenario.take('malformed', 'liveEvents');
      let lastSent = -1;
      const sendSeq = (write: (text: string) => void, seq: number): void => {
        if (seq <= lastSent) return;
        lastSent = seq;
        const data = malformed ? '{"vaultId":42}' : JSON.stringify({ vaultId, seq });
        write(`event: seq\ndata: ${data}\n\n`);
      };
      return liveStream(mock, caller, request, {
        vaultId,
        subscribe: (write) => mock.db.live.subscribe(vaultId, (seq) => sendSeq(write, seq)),
        opening: (write) => sendSeq(write, vault.headSeq),
      });
    },
  },
  {
    operationId: 'accountEvents',
    handle: ({ mock, caller, request }) => {
      // An old server has no such route: its not-found answer, as the catch-all gives.
      if (mock.scenario.scenario.noAccountEvents) throw new ApiError('not_found', 'no such route');
      checkCap(mock, caller);
      return liveStream(mock, caller, request, {
        vaultId: null,
        subscribe: (write) =>
          mock.db.live.subscribeAccount(caller.accountId, () =>
            write(formatVaultsChangedEvent('changed')),
          ),
        opening: (write) => write(formatVaultsChangedEvent('connected')),
      });
    },
  },
];
