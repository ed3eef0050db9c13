/** `coffer history VAULT KEY`: the current version and the conflict copies this device keeps. */
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const versions = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, vault, { sync: false });
    const current = await opened.client.records.get(vaultId, key);
    const copies = (await opened.client.conflicts.list(vaultId)).filter((c) => c.name === key);
    const out: Array<{ kind: string; value: unknown; updatedAt: number | null; pending: boolean }> =
      [];
    if (current)
      out.push({
        kind: 'current',
        value: current.value,
        updatedAt: current.updatedAt,
        pending: current.pending,
      });
    for (const c of copies) {
      out.push({
        kind: c.reason === 'local_lost' ? 'conflict: yours (lost)' : 'conflict: theirs (lost)',
        value: c.deleted ? null : c.value,
        updatedAt: c.detectedAt,
        pending: false,
      });
    }
    return out;
  });
  if (versions.length === 0)
    throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
  ctx.out.result(
    { vault, key, versions },
    versions
      .map(
        (v) =>
          `${v.kind}\t${v.updatedAt === null ? '' : new Date(v.updatedAt).toISOString()}${v.pending ? '\t(not pushed)' : ''}`,
      )
      .join('\n'),
  );
}
