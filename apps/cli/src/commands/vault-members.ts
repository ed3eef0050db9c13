/** `coffer vault members NAME`: members, roles and (pinned) fingerprints. */
import { fingerprint } from '@coffer/protocol';
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const members = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, name, { sync: false });
    const list = await opened.client.vaults.members(vaultId);
    // Your own fingerprint comes from the keys on this device (never pinned: you are not a peer).
    const own = await fingerprint({
      accountId: opened.state.accountId,
      x25519PublicKey: opened.state.bundle.x25519.publicKey,
      ed25519PublicKey: opened.state.bundle.ed25519.publicKey,
    });
    const out = [];
    for (const m of list) {
      const pin =
        m.accountId === opened.state.accountId
          ? own
          : (await opened.store.getPinnedUser(m.username))?.fingerprint;
      out.push({ username: m.username, role: m.role, fingerprint: pin ?? null });
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
