/** `coffer get VAULT KEY [--out PATH]`: the exact bytes that were put. */
import { isTransient } from '@coffer/client';
import { decodeValue } from '../account/content.ts';
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, booleanOption, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';
import { checkTarget, pipeToTarget } from '../crypto/file-io.ts';
import { writePrivateFile } from '../profile/home.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const out = stringOption(ctx, 'out');
  const force = booleanOption(ctx, 'force');
  if (out !== undefined) await checkTarget(out, force);
  const done = await withAccountClient(ctx, async (opened) => {
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
    if (found === undefined)
      throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
    if (found.blob === undefined) return { entry: found, bytes: undefined };
    // A blob streams to a temp file renamed only once every chunk verified (or to stdout).
    if (ctx.out.json && out === undefined)
      throw usageError('this key holds a file: give --out PATH with --json');
    const total = found.blob.size;
    const progress = createProgress(ctx.out, 'downloading', total);
    const blob = await opened.client.blobs.get(vaultId, key, {
      onProgress: (n) => progress.update(n),
    });
    if (blob === undefined)
      throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
    try {
      await pipeToTarget(blob.stream, new TransformStream(), out ?? '-', { force });
    } finally {
      progress.finish();
    }
    return { entry: found, bytes: total };
  });
  const entry = done.entry;
  if (done.bytes !== undefined) {
    if (out !== undefined)
      ctx.out.result({ vault, key, out, bytes: done.bytes }, `wrote ${done.bytes} bytes to ${out}`);
    return;
  }
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
