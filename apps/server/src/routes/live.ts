/**
 * Live events over server-sent events.
 *
 * - `GET /v1/vaults/:vaultId/events`, one per vault: a `seq` event says "the
 *   vault has changes up to seq N: pull".
 * - `GET /v1/account/events`, one per device: a `vaults` event says "your
 *   vault memberships changed (shared, removed, new role): list them again".
 *   It carries nothing else.
 *
 * Comments keep the connection alive. A stream ends when the session is
 * revoked or expires, the caller leaves the vault (vault stream), or the
 * server shuts down. Both kinds count against the per-account cap. Across
 * instances the store's notifier carries the news (LISTEN/NOTIFY on
 * PostgreSQL).
 */

import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Caller, callerOf, requireRole, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { ApiError, vaultNotFound } from '../http/errors.ts';
import {
  ACCOUNT_EVENTS_PATH,
  formatVaultsChangedEvent,
  type VaultsChangedEvent,
} from '../protocol.ts';

type VaultParams = { Params: { vaultId: string } };

/** A slot frees when a stream closes; a client over the cap need not hammer. */
const LIVE_CAP_RETRY_SECONDS = 30;

/** An open event stream: write to it until `closed`; `close` ends it. */
interface Stream {
  write(text: string): void;
  readonly closed: boolean;
}

/**
 * Check the cap, answer 200 text/event-stream and keep the stream until the
 * client goes, the registry closes it, or the periodic re-check `stillAllowed`
 * (run against the store: revocations and removals made by another instance)
 * says no. `subscribe` is called once with the stream; it returns its cleanup.
 */
function openStream(
  ctx: AppContext,
  reply: FastifyReply,
  caller: Caller,
  vaultId: string | null,
  stillAllowed: () => Promise<boolean>,
  subscribe: (stream: Stream) => () => void,
): Stream {
  // Checked after the caller's last await and registered below without one
  // in between, so parallel requests cannot all pass the count.
  if (ctx.liveStreams.countAccount(caller.accountId) >= ctx.maxLiveStreamsPerAccount) {
    throw new ApiError(
      'rate_limited',
      `at most ${ctx.maxLiveStreamsPerAccount} live streams per account; close one first`,
      { retryAfterSeconds: LIVE_CAP_RETRY_SECONDS },
      { 'retry-after': String(LIVE_CAP_RETRY_SECONDS) },
    );
  }
  reply.hijack();
  const res = reply.raw;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (typeof value === 'string') headers[name] = value;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  // Ask for a quick reconnect; the client catches up on connect anyway.
  res.write('retry: 2000\n\n');

  let closed = false;
  const stream: Stream = {
    write: (text) => {
      if (!closed) res.write(text);
    },
    get closed() {
      return closed;
    },
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    cleanup();
    res.end();
  };
  const unsubscribe = subscribe(stream);
  const unregister = ctx.liveStreams.add(vaultId, caller.accountId, caller.sessionId, close);
  ctx.metrics.liveStreams++;
  const heartbeat = setInterval(() => {
    void (async () => {
      if (!(await stillAllowed())) return close();
      stream.write(': heartbeat\n\n');
    })().catch(() => close());
  }, ctx.heartbeatMs);
  heartbeat.unref();
  let cleaned = false;
  function cleanup(): void {
    if (cleaned) return;
    cleaned = true;
    clearInterval(heartbeat);
    unsubscribe();
    unregister();
    ctx.metrics.liveStreams--;
  }
  res.on('close', () => {
    closed = true;
    cleanup();
  });
  return stream;
}

export function liveRoutes(app: FastifyInstance, ctx: AppContext): void {
  const sessionAlive = async (caller: Caller): Promise<boolean> =>
    (await ctx.store.findSessionByTokenHash(caller.tokenHash, ctx.now())) !== null;

  app.get<VaultParams>(
    '/v1/vaults/:vaultId/events',
    { preHandler: requireSession(ctx) },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      await requireRole(ctx, vaultId, caller.accountId, 'reader');
      const vault = await ctx.store.getVault(vaultId);
      if (!vault) throw vaultNotFound();
      let lastSent = -1;
      const stillMember = async (): Promise<boolean> =>
        (await sessionAlive(caller)) &&
        (await ctx.store.getMembership(vaultId, caller.accountId)) !== null;
      openStream(ctx, reply, caller, vaultId, stillMember, (stream) => {
        const sendSeq = (seq: number): void => {
          if (stream.closed || seq <= lastSent) return;
          lastSent = seq;
          stream.write(`event: seq\ndata: ${JSON.stringify({ vaultId, seq })}\n\n`);
        };
        const unsubscribe = ctx.store.notifier.subscribe(vaultId, sendSeq);
        // The current head first, so a client that missed events while away pulls now.
        sendSeq(vault.headSeq);
        return unsubscribe;
      });
    },
  );

  app.get(ACCOUNT_EVENTS_PATH, { preHandler: requireSession(ctx) }, async (request, reply) => {
    const caller = callerOf(request);
    openStream(
      ctx,
      reply,
      caller,
      null,
      () => sessionAlive(caller),
      (stream) => {
        const send = (reason: VaultsChangedEvent['reason']): void =>
          stream.write(formatVaultsChangedEvent(reason));
        // Only this account's own news: the channel is keyed by its id.
        const unsubscribe = ctx.store.notifier.subscribeAccount(caller.accountId, () =>
          send('changed'),
        );
        // First, so a device that missed news while away lists its vaults now.
        send('connected');
        return unsubscribe;
      },
    );
  });
}
