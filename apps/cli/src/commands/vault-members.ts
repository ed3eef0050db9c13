/** `coffer vault members NAME`: members, roles and (pinned) fingerprints. */
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const members = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, name, { sync: false });
    const list = await opened.client.vaults.members(vaultId);
    const out = [];
    for (const m of list) {
      const pin = await opened.store.getPinnedUser(m.username);
      out.push({ username: m.username, role: m.role, fingerprint: pin?.fingerprint ?? null });
    }
    return out;
  });
  ctx.out.result(
    { vault: name, members },
    members
      .map((m) => `${m.username}\t${m.role}${m.fingerprint ? `\t${m.fingerprint}` : ''}`)
      .join('\n'),
  );
}
