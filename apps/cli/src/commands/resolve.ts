/**
 * `coffer resolve VAULT KEY --keep mine|theirs`. The SDK already applied the
 * newest edit and kept the loser as a conflict copy: keeping the winner
 * discards the copy, keeping the loser restores it as the newest version.
 */
import { pushOrQueue } from '../account/push-or-queue.ts';
import { resolveWritableVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const keep = stringOption(ctx, 'keep');
  if (keep !== 'mine' && keep !== 'theirs')
    throw usageError('--keep mine or --keep theirs is required');
  const resolved = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveWritableVault(opened, vault);
    const copies = (await opened.client.conflicts.list(vaultId)).filter((c) => c.name === key);
    if (copies.length === 0)
      throw new CliError('notFound', 'conflict_not_found', `no conflict on ${key} in ${vault}`);
    for (const c of copies) {
      // local_lost: the copy is mine; remote_lost: the copy is theirs.
      const copyIsMine = c.reason === 'local_lost';
      await opened.client.conflicts.resolve(
        c.conflictId,
        copyIsMine === (keep === 'mine') ? 'restore' : 'discard',
      );
    }
    await pushOrQueue(ctx, opened, vaultId);
    return copies.length;
  });
  ctx.out.result({ vault, key, kept: keep, resolved }, `resolved ${key}: kept ${keep}`);
}
