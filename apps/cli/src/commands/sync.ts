/** `coffer sync [VAULT] [--watch]`: push the outbox, pull changes; --watch follows live events until Ctrl-C. */

import { openAccountClient } from '../account/open-client.ts';
import { isRefusal, refusalWarning } from '../account/refusals.ts';
import { listNamedVaults, renameAfterSync, resolveVault } from '../account/vault-names.ts';
import { listWithheld, withheldWarning } from '../account/withheld.ts';
import { booleanOption, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';
import { watchVaults } from './sync-watch.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const opened = await openAccountClient(ctx);
  try {
    const only = ctx.args.VAULT;
    // The vault list failed to load: nothing was synced, even with no vault to sync here.
    let listOffline = false;
    let vaults =
      only === undefined
        ? await listNamedVaults(opened, {
            sync: false,
            onOffline: () => {
              listOffline = true;
            },
            // Said once, when it happens: otherwise the vault just vanishes from the list.
            onLeft: (vaults) =>
              ctx.out.warn(
                `this account lost access to ${vaults.length} vault(s) it had here (removed by an owner or admin, or deleted): ${vaults.join(', ')}`,
              ),
          })
        : [
            {
              vaultId: await resolveVault(opened, only, { sync: false }),
              name: only,
              role: undefined,
            },
          ];
    const progress = createProgress(ctx.out, 'syncing', vaults.length, 'items');
    let done = 0;
    try {
      for (const v of vaults) {
        await opened.client.sync(v.vaultId);
        progress.update(++done);
      }
    } finally {
      progress.finish();
    }
    // A new device learns the names only now (listed by id before the first pull).
    vaults = await renameAfterSync(opened, vaults);
    const nameOf = (vaultId: string | undefined) =>
      vaults.find((v) => v.vaultId === vaultId)?.name ?? vaultId ?? 'account';
    // Since the client opened (resolving a vault's name may have synced it).
    const refused = opened.takeRefusals().map((r) => ({ ...r, vault: nameOf(r.vaultId) }));
    // Stored nothing of these: say so (stderr, also with --json), and list them in the document.
    for (const r of refused) ctx.out.warn(refusalWarning(r, r.vault));
    // Every sync, not only the one that met the bad version: the replica still lacks it.
    const withheld = await listWithheld(opened.client, vaults);
    for (const w of withheld) ctx.out.warn(withheldWarning(w));
    const withheldCount = withheld.reduce((n, w) => n + w.records.length + w.more, 0);
    const snap = opened.client.state.getSnapshot();
    if ((snap.connection === 'offline' || listOffline) && !booleanOption(ctx, 'watch')) {
      throw new CliError(
        'network',
        'network',
        `cannot reach the server; ${snap.pending} change(s) stay queued`,
        'run `coffer sync` again later',
      );
    }
    if (!booleanOption(ctx, 'watch')) {
      ctx.out.result(
        {
          vaults: vaults.map((v) => v.name),
          pending: snap.pending,
          conflicts: snap.conflicts,
          refused: refused
            .filter((r) => isRefusal(r.code))
            .map(({ vault, code, message, count }) => ({
              vault,
              code,
              message,
              count,
            })),
          withheld: withheld.flatMap((w) =>
            w.records.map((r) => ({
              vault: w.vault,
              recordId: r.recordId,
              key: r.name ?? null,
              code: r.code,
              revision: r.revision,
              refusedAt: new Date(r.at).toISOString(),
            })),
          ),
        },
        `synced ${plural(vaults.length, 'vault')}; ${snap.pending} pending, ${plural(snap.conflicts, 'conflict')}${withheldCount > 0 ? `, ${withheldCount} withheld (see the warnings)` : ''}`,
      );
      return;
    }
    // Held for a watch's lifetime, the profile's lock would stall every other command.
    opened.releaseProfile();
    await watchVaults(ctx, opened, vaults);
  } finally {
    await opened.close();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
