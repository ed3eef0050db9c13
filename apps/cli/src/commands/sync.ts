/** `coffer sync [VAULT] [--watch]`: push the outbox, pull changes; --watch follows live events until Ctrl-C. */

import { openAccountClient } from '../account/open-client.ts';
import { listNamedVaults, resolveVault } from '../account/vault-names.ts';
import { booleanOption, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const opened = await openAccountClient(ctx);
  try {
    const only = ctx.args.VAULT;
    const vaults =
      only === undefined
        ? await listNamedVaults(opened, { sync: false })
        : [{ vaultId: await resolveVault(opened, only, { sync: false }), name: only }];
    const progress = createProgress(ctx.out, 'syncing', vaults.length, 'items');
    let done = 0;
    for (const v of vaults) {
      await opened.client.sync(v.vaultId);
      progress.update(++done);
    }
    progress.finish();
    const snap = opened.client.state.getSnapshot();
    if (snap.connection === 'offline' && !booleanOption(ctx, 'watch')) {
      throw new CliError(
        'network',
        'network',
        `cannot reach the server; ${snap.pending} change(s) stay queued`,
        'run `coffer sync` again later',
      );
    }
    if (!booleanOption(ctx, 'watch')) {
      ctx.out.result(
        { vaults: vaults.map((v) => v.name), pending: snap.pending, conflicts: snap.conflicts },
        `synced ${vaults.length} vault(s); ${snap.pending} pending, ${snap.conflicts} conflict(s)`,
      );
      return;
    }
    for (const v of vaults) opened.client.live(v.vaultId);
    // Always on stderr (also with --json): scripts wait for it to know the watch is live.
    ctx.out.streams.stderr.write(
      `watching ${vaults.length} vault(s) for changes; Ctrl-C to stop\n`,
    );
    let last = JSON.stringify({ p: snap.pending, c: snap.conflicts, s: snap.lastSyncAt });
    const unsubscribe = opened.client.state.subscribe(() => {
      const s = opened.client.state.getSnapshot();
      const now = JSON.stringify({ p: s.pending, c: s.conflicts, s: s.lastSyncAt });
      if (now === last) return;
      last = now;
      // One JSON line per change with --json (a stream of events), a short line otherwise.
      const event = {
        event: 'sync',
        connection: s.connection,
        pending: s.pending,
        conflicts: s.conflicts,
        lastSyncAt: s.lastSyncAt,
      };
      if (ctx.out.json) ctx.out.streams.stdout.write(`${JSON.stringify(event)}\n`);
      else
        ctx.out.info(
          `${new Date().toISOString()} ${s.connection}, ${s.pending} pending, ${s.conflicts} conflict(s)`,
        );
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    unsubscribe();
  } finally {
    await opened.close();
  }
}
