/**
 * The live half of `coffer sync --watch`: follows the server's live events
 * and reports what changed, key by key (the SDK's state store only says that
 * something synced, so each sync is diffed against the last listing of the
 * vault). Changes are the output (stdout): with --json one JSON object per
 * line (NDJSON, state changes too), otherwise one line per change; the
 * connection state is a log line on stderr for people.
 */

import type { OpenedClient } from '../account/open-client.ts';
import { refusalWarning } from '../account/refusals.ts';
import { isReservedName } from '../account/vault-names.ts';
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

type Listing = Map<string, number>;

async function listing(opened: OpenedClient, vaultId: string): Promise<Listing> {
  const entries = await opened.client.records.list(vaultId);
  return new Map(entries.filter((e) => !isReservedName(e.name)).map((e) => [e.name, e.updatedAt]));
}

function emit(ctx: CommandContext, event: Record<string, unknown>, text: string): void {
  if (ctx.out.json) ctx.out.streams.stdout.write(`${JSON.stringify(event)}\n`);
  else if (event.event === 'change')
    ctx.out.streams.stdout.write(`${new Date().toISOString()} ${text}\n`);
  else ctx.out.info(`${new Date().toISOString()} ${text}`);
}

/**
 * Watch `vaults` until SIGINT or SIGTERM, until stdout can no longer be
 * written, or until the session ends (revoked, expired, logged out from
 * another terminal): then the SDK stops its live streams and reports it, and
 * the watch exits with the auth code instead of watching nothing.
 */
export async function watchVaults(
  ctx: CommandContext,
  opened: OpenedClient,
  vaults: ReadonlyArray<{ vaultId: string; name: string }>,
): Promise<void> {
  const known = new Map<string, Listing>();
  for (const v of vaults) known.set(v.vaultId, await listing(opened, v.vaultId));
  for (const v of vaults) opened.client.live(v.vaultId);
  // Always on stderr (also with --json): scripts wait for it to know the watch is live.
  ctx.out.streams.stderr.write(`watching ${vaults.length} vault(s) for changes; Ctrl-C to stop\n`);

  // Diffs run one after another (listing is async; state events are not).
  let diffs = Promise.resolve();
  const diff = async () => {
    for (const v of vaults) {
      const before = known.get(v.vaultId) ?? new Map();
      const after = await listing(opened, v.vaultId);
      known.set(v.vaultId, after);
      for (const [key, at] of after) {
        if (before.get(key) === at) continue;
        const change = before.has(key) ? 'updated' : 'added';
        emit(
          ctx,
          { event: 'change', vault: v.name, key, change, updatedAt: at },
          `${v.name}: ${key} ${change}`,
        );
      }
      for (const key of before.keys()) {
        if (!after.has(key))
          emit(
            ctx,
            { event: 'change', vault: v.name, key, change: 'deleted' },
            `${v.name}: ${key} deleted`,
          );
      }
    }
  };

  const first = opened.client.state.getSnapshot();
  // Errors reported before the watch began are not about it.
  const earlier = new Set(first.errors);
  let sessionEnded: (() => void) | undefined;
  let last = JSON.stringify({
    p: first.pending,
    c: first.conflicts,
    s: first.lastSyncAt,
    n: first.connection,
  });
  const unsubscribe = opened.client.state.subscribe(() => {
    const s = opened.client.state.getSnapshot();
    if (s.errors.some((e) => e.code === 'unauthorized' && !earlier.has(e))) sessionEnded?.();
    const now = JSON.stringify({ p: s.pending, c: s.conflicts, s: s.lastSyncAt, n: s.connection });
    if (now === last) return;
    const pulled = JSON.parse(last).s !== s.lastSyncAt;
    last = now;
    if (pulled)
      diffs = diffs
        .then(diff)
        .catch((e: unknown) => ctx.out.warn(`cannot list changes: ${String(e)}`));
    const event = {
      event: 'sync',
      connection: s.connection,
      pending: s.pending,
      conflicts: s.conflicts,
      lastSyncAt: s.lastSyncAt,
    };
    diffs = diffs.then(() =>
      emit(ctx, event, `${s.connection}, ${s.pending} pending, ${s.conflicts} conflict(s)`),
    );
  });
  // Events only follow changes: a watch that starts with the server down would say
  // nothing at all about it (until the server comes back), so say where it starts.
  if (first.connection === 'offline')
    emit(
      ctx,
      {
        event: 'sync',
        connection: first.connection,
        pending: first.pending,
        conflicts: first.conflicts,
        lastSyncAt: first.lastSyncAt,
      },
      `${first.connection}, ${first.pending} pending, ${first.conflicts} conflict(s)`,
    );
  const ended = await new Promise<'stopped' | 'session-ended'>((resolve) => {
    process.once('SIGINT', () => resolve('stopped'));
    process.once('SIGTERM', () => resolve('stopped'));
    // The reader of stdout went away (`… --watch | head -n 1`) or stdout failed: nobody
    // reads the changes any more, so stop (main says why when it was not a closed pipe).
    ctx.out.streams.stdout.once('error', () => resolve('stopped'));
    sessionEnded = () => resolve('session-ended');
  });
  unsubscribe();
  await diffs;
  if (ended === 'session-ended') {
    // The error below says it once; other problems the watch met are still worth a line.
    for (const r of opened.takeRefusals())
      if (r.code !== 'unauthorized') ctx.out.warn(refusalWarning(r));
    throw new CliError(
      'auth',
      'session_ended',
      'the session ended (revoked, expired or logged out elsewhere); stopped watching',
      'run `coffer login` again, then `coffer sync --watch`',
    );
  }
}
