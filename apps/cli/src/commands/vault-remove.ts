/**
 * `coffer vault remove NAME USER`: remove a member, rotate the vault key
 * (SDK), then re-seal the vault's older records under the new key. The
 * re-encryption is what keeps the removed member's past writes readable to
 * the other members' new devices (they refuse records a non-member signed
 * under a key the removed member still holds); if it is interrupted, the next
 * `coffer sync` of this profile finishes it.
 */
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const user = arg(ctx, 'USER');
  const { epoch, reencrypted } = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, name, { sync: false });
    const member = (await opened.client.vaults.members(vaultId)).find((m) => m.username === user);
    if (member === undefined)
      throw new CliError('notFound', 'member_not_found', `${user} is not a member of ${name}`);
    // Push pending writes first: they were sealed under the key the removed member holds.
    await opened.client.sync(vaultId);
    const epoch = await opened.client.vaults.removeMember(vaultId, member.accountId);
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const result = await opened.client.reencrypt(vaultId, {
        onProgress: (done, total) => {
          progress ??= createProgress(ctx.out, 're-encrypting', total, 'items');
          progress.update(done);
        },
      });
      return { epoch, reencrypted: result.reencrypted };
    } catch (e) {
      ctx.out.warn(
        `${user} was removed and the key rotated to epoch ${epoch}, but re-encrypting the older records stopped; \`coffer sync ${name}\` finishes it`,
      );
      throw e;
    } finally {
      progress?.finish();
    }
  });
  ctx.out.result(
    { vault: name, user, epoch, reencrypted },
    `removed ${user} from ${name}; the vault key was rotated to epoch ${epoch} and ${reencrypted} older record(s) re-encrypted under it`,
  );
}
