/** `coffer put VAULT KEY [VALUE] [--file PATH]`: write locally first, then push (offline-first). */
import { readFile } from 'node:fs/promises';
import { encodeValue } from '../account/content.ts';
import { pushOrQueue } from '../account/push-or-queue.ts';
import { isReservedName, resolveWritableVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, booleanOption, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';

async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function valueBytes(ctx: CommandContext): Promise<Uint8Array> {
  const inline = ctx.args.VALUE;
  const file = stringOption(ctx, 'file');
  if (inline !== undefined && file !== undefined)
    throw usageError('give VALUE or --file, not both');
  if (inline !== undefined) return new TextEncoder().encode(inline);
  if (file !== undefined) {
    try {
      return await readFile(file);
    } catch {
      throw new CliError('notFound', 'file_not_found', `cannot read ${file}`);
    }
  }
  if (process.stdin.isTTY === true)
    throw usageError('give VALUE, --file PATH, or pipe the value on stdin');
  return readStdin();
}

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  if (isReservedName(key)) throw usageError('names starting with .coffer/ are reserved');
  const encoded = encodeValue(await valueBytes(ctx));
  const pushed = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveWritableVault(opened, vault);
    await opened.client.records.put(vaultId, key, encoded.value, { type: encoded.type });
    return booleanOption(ctx, 'no-sync') ? false : pushOrQueue(ctx, opened, vaultId);
  });
  ctx.out.result(
    { vault, key, pushed },
    pushed ? `stored ${key}` : `stored ${key} locally (not pushed yet)`,
  );
}
