/** `coffer get VAULT KEY [--out PATH]`: the exact bytes that were put. */
import { isTransient } from '@coffer/client';
import { decodeValue } from '../account/content.ts';
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, booleanOption, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { checkTarget } from '../crypto/file-io.ts';
import { writePrivateFile } from '../profile/home.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const out = stringOption(ctx, 'out');
  if (out !== undefined) await checkTarget(out, booleanOption(ctx, 'force'));
  const entry = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, vault, { sync: false });
    const read = () => opened.client.records.get(vaultId, key);
    let found = booleanOption(ctx, 'sync') ? undefined : await read();
    if (found === undefined) {
      // Not in the replica (or --sync): pull, unless the server is unreachable.
      try {
        await opened.client.sync(vaultId);
      } catch (e) {
        if (!isTransient(e)) throw e;
        ctx.out.warn('server unreachable: answering from the local replica');
      }
      found = await read();
    }
    return found;
  });
  if (entry === undefined)
    throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
  const bytes = decodeValue(entry.type, entry.value);
  if (out !== undefined) {
    await writePrivateFile(out, bytes);
    ctx.out.result(
      { vault, key, out, bytes: bytes.length },
      `wrote ${bytes.length} bytes to ${out}`,
    );
  } else if (ctx.out.json) {
    ctx.out.result({
      vault,
      key,
      type: entry.type,
      value: entry.value,
      updatedAt: entry.updatedAt,
      pending: entry.pending,
    });
  } else {
    ctx.out.streams.stdout.write(bytes);
    if (ctx.out.streams.stdout.isTTY === true && bytes.at(-1) !== 10)
      ctx.out.streams.stdout.write('\n');
  }
}
