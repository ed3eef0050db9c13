/**
 * Live events: a server-sent-events stream per vault. An `seq` event says
 * "the vault has changes up to seq N: pull"; comments keep the connection
 * alive. The stream ends when the session is revoked or expires, the caller
 * leaves the vault, or the server shuts down. Across instances the store's
 * notifier carries the news (LISTEN/NOTIFY on PostgreSQL).
 */
import type { FastifyInstance } from 'fastify';
import { callerOf, requireRole, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { ApiError, vaultNotFound } from '../http/errors.ts';

type VaultParams = { Params: { vaultId: string } };

/** A slot frees when a stream closes; a client over the cap need not hammer. */
const LIVE_CAP_RETRY_SECONDS = 30;

export function liveRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<VaultParams>(
    '/v1/vaults/:vaultId/events',
    { preHandler: requireSession(ctx) },
    async (request, reply) => {
      const caller = callerOf(request);
      const { vaultId } = request.params;
      await requireRole(ctx, vaultId, caller.accountId, 'reader');
      const vault = await ctx.store.getVault(vaultId);
      if (!vault) throw vaultNotFound();
      // Checked after the last await and registered below without one in
      // between, so parallel requests cannot all pass the count.
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
      // Ask for a quick reconnect; the client pulls from its cursor anyway.
      res.write('retry: 2000\n\n');

      let lastSent = -1;
      let closed = false;
      const sendSeq = (seq: number): void => {
        if (closed || seq <= lastSent) return;
        lastSent = seq;
        res.write(`event: seq\ndata: ${JSON.stringify({ vaultId, seq })}\n\n`);
      };
      const close = (): void => {
        if (closed) return;
        closed = true;
        cleanup();
        res.end();
      };
      const unsubscribe = ctx.store.notifier.subscribe(vaultId, sendSeq);
      const unregister = ctx.liveStreams.add(vaultId, caller.accountId, caller.sessionId, close);
      ctx.metrics.liveStreams++;
      const heartbeat = setInterval(() => {
        void (async () => {
          // Re-check: revocations and removals made by another instance end the stream too.
          const session = await ctx.store.findSessionByTokenHash(caller.tokenHash, ctx.now());
          const role = session ? await ctx.store.getMembership(vaultId, caller.accountId) : null;
          if (!role) return close();
          if (!closed) res.write(': heartbeat\n\n');
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
      // The current head first, so a client that missed events while away pulls now.
      sendSeq(vault.headSeq);
    },
  );
}
