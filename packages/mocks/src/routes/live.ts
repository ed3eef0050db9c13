/**
 * Live events: a server-sent-events stream per vault. The current head first
 * (so a client that was away pulls now), then `seq` whenever a write lands.
 * Logout, revocation, removal, `reset` and going offline in the scenario end
 * the stream (msw cannot fail a mocked body mid-stream, so a dropped
 * connection shows as an end; the client's reconnect then meets the outage).
 * (No heartbeats: they
 * carry nothing a client acts on, and timers would fight fake clocks.)
 */
import { requireRole } from '../http/guards.ts';
import { ApiError, vaultNotFound } from '../http/problem.ts';
import type { RouteDef } from '../http/route.ts';

const encoder = new TextEncoder();

/** As coffer-server's MAX_LIVE_STREAMS_PER_ACCOUNT: open streams per account, all sessions. */
export const MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT = 64;
const LIVE_CAP_RETRY_SECONDS = 30;

export const liveRoutes: RouteDef[] = [
  {
    operationId: 'liveEvents',
    handle: ({ mock, caller, params, request }) => {
      const vaultId = params.vaultId ?? '';
      requireRole(mock.db, vaultId, caller.accountId, 'reader');
      const vault = mock.db.vaults.get(vaultId);
      if (!vault) throw vaultNotFound();
      if (mock.db.live.countAccount(caller.accountId) >= MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT) {
        throw new ApiError(
          'rate_limited',
          `at most ${MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT} live streams per account; close one first`,
          { retryAfterSeconds: LIVE_CAP_RETRY_SECONDS },
          { 'retry-after': String(LIVE_CAP_RETRY_SECONDS) },
        );
      }
      const malformed = mock.scenario.take('malformed', 'liveEvents');
      let closed = false;
      let cleanup = (): void => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const write = (text: string) => controller.enqueue(encoder.encode(text));
          let lastSent = -1;
          const sendSeq = (seq: number): void => {
            if (closed || seq <= lastSent) return;
            lastSent = seq;
            const data = malformed ? '{"vaultId":42}' : JSON.stringify({ vaultId, seq });
            write(`event: seq\ndata: ${data}\n\n`);
          };
          const end = (drop: boolean): void => {
            if (closed) return;
            closed = true;
            cleanup();
            if (drop) controller.error(new TypeError('network connection lost'));
            else controller.close();
          };
          const unsubscribe = mock.db.live.subscribe(vaultId, sendSeq);
          const unregister = mock.db.live.add({
            vaultId,
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
          sendSeq(vault.headSeq);
        },
        cancel() {
          closed = true;
          cleanup();
        },
      });
      return new Response(stream, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
        },
      });
    },
  },
];
