/** `coffer conflicts [VAULT]`: unresolved conflict copies. */
import { listNamedVaults, resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import type { CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = ctx.args.VAULT;
  const rows = await withAccountClient(ctx, async (opened) => {
    const vaults = await listNamedVaults(opened, { sync: false });
    const only =
      vault === undefined ? undefined : await resolveVault(opened, vault, { sync: false });
    const names = new Map(vaults.map((v) => [v.vaultId, v.name]));
    const rows = [];
    for (const c of await opened.client.conflicts.list(only)) {
      // What "kept" stands for now: the key may have been deleted since (or
      // the winning edit was a deletion); resolving can still bring back the copy.
      const kept =
        c.name === undefined ? undefined : await opened.client.records.get(c.vaultId, c.name);
      rows.push({
        vault: names.get(c.vaultId) ?? c.vaultId,
        key: c.name ?? null,
        lost: c.reason === 'local_lost' ? 'mine' : 'theirs',
        // The losing version's own type and edit time (null for a deletion).
        type: c.type ?? null,
        deleted: c.deleted,
        updatedAt: c.updatedAt ?? null,
        detectedAt: c.detectedAt,
        // The kept version is a deletion (null: the key itself does not open).
        keptDeleted: c.name === undefined ? null : kept === undefined,
      });
    }
    return rows;
  });
  ctx.out.result(
    { conflicts: rows },
    rows.length === 0
      ? 'no conflicts'
      : rows
          .map(
            (r) =>
              `${r.vault}\t${r.key ?? '(unreadable)'}\tkept: ${r.lost === 'mine' ? 'theirs' : 'mine'}${r.keptDeleted ? ', a deletion' : ''} (resolve with --keep mine|theirs)`,
          )
          .join('\n'),
  );
}
