/** `coffer put VAULT KEY [VALUE] [--file PATH]`: write locally first, then push (offline-first). */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isTransient } from '@coffer/client';
import { BINARY_TYPE, encodeValue, RECORD_LIMIT } from '../account/content.ts';
import { openLocalClient } from '../account/local-client.ts';
import type { OpenedClient } from '../account/open-client.ts';
import { requireAccount } from '../account/profile.ts';
import { pushOrQueue } from '../account/push-or-queue.ts';
import { unlockAccount } from '../account/unlock.ts';
import { isReservedName, resolveWritableVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, booleanOption, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';
import { lockProfile } from '../profile/profile-lock.ts';

/** C0 control characters and DEL (newline, tab, carriage return, escape…). */
function hasControlCharacter(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

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
  // VALUE "-" is stdin, as `--file -` is (the Unix convention): `… | coffer put ops db/pw -`
  // stored a one-character "-" before, silently, instead of the secret piped in.
  if (inline === '-') return pipedValue();
  if (inline !== undefined) return new TextEncoder().encode(inline);
  // Read stdin as a stream: opening /dev/stdin fails when it is a socket (as spawn gives it).
  if (file === '/dev/stdin' || file === '-') return readStdin();
  if (file !== undefined) {
    try {
      return await readFile(file);
    } catch {
      throw new CliError('notFound', 'file_not_found', `cannot read ${file}`);
    }
  }
  return pipedValue();
}

/** The value piped on stdin: refused on a terminal, and when empty (see below). */
async function pipedValue(): Promise<Uint8Array> {
  if (process.stdin.isTTY === true)
    throw usageError('give VALUE, --file PATH, or pipe the value on stdin');
  const piped = await readStdin();
  // No VALUE and nothing on stdin is far more often a forgotten value (an unquoted empty
  // variable, a job whose stdin is /dev/null) than a wish to blank the key: refuse.
  if (piped.length === 0)
    throw usageError(
      'no VALUE given and stdin is empty: nothing stored',
      "to store an empty value say so: coffer put VAULT KEY '' (or --file /dev/null)",
    );
  return piped;
}

/**
 * A value above the record limit. From stdin or a pipe (their size is not
 * known up front, so they cannot be streamed as a blob) the way out is a
 * regular file: "use --file" alone sent people who had given one in a circle.
 */
function encodeOrExplain(bytes: Uint8Array, piped: boolean): ReturnType<typeof encodeValue> {
  if (!piped || bytes.length <= RECORD_LIMIT) return encodeValue(bytes);
  throw new CliError(
    'usage',
    'value_too_large',
    `the value on stdin or a pipe is ${bytes.length} bytes; stdin and pipes hold at most ${RECORD_LIMIT} bytes`,
    'write it to a file first, then `--file FILE` streams it as a blob of any size',
  );
}

/** Files above the record limit go to a blob: streamed from disk, uploaded resumably, never whole in memory. */
async function putBlob(
  ctx: CommandContext,
  vault: string,
  key: string,
  file: string,
  size: number,
): Promise<void> {
  await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveWritableVault(opened, vault);
    const progress = createProgress(ctx.out, 'uploading', size);
    const source = Readable.toWeb(
      createReadStream(file, { highWaterMark: 1 << 20 }),
    ) as ReadableStream<Uint8Array>;
    try {
      await opened.client.blobs.put(vaultId, key, source, {
        size,
        type: BINARY_TYPE,
        onProgress: (done) => progress.update(done),
      });
    } catch (e) {
      if (!isTransient(e)) throw e;
      throw new CliError(
        'network',
        'network',
        `cannot upload ${file}: the server is unreachable`,
        `files above ${RECORD_LIMIT} bytes go straight to the server (only smaller values work offline); try again once it is reachable`,
      );
    } finally {
      progress.finish();
    }
    await pushOrQueue(ctx, opened, vaultId);
  });
  ctx.out.result(
    { vault, key, pushed: true, blob: true, bytes: size },
    `stored ${key} (${size} bytes)`,
  );
}

/**
 * `--no-sync`: the write goes to the replica and outbox only. Through the
 * account client the SDK's write started a push in the background, and the
 * client's close waited for it: the value reached the server while the
 * answer said `pushed: false`. The replica-only client cannot send anything
 * (its push fails as never sent); the next `sync` or `put` pushes it.
 */
async function putLocally(
  ctx: CommandContext,
  vault: string,
  write: (opened: OpenedClient) => Promise<string>,
): Promise<void> {
  const profile = await requireAccount(ctx);
  const state = await unlockAccount(ctx, profile.home, profile.username);
  // It changes the outbox: in turn with other commands on this profile (profile-lock.ts).
  const release = await lockProfile(profile.home, {
    onWait: () => ctx.out.info('waiting for another coffer command using this profile…'),
  });
  try {
    const opened = await openLocalClient(profile, state);
    try {
      await write(opened);
    } catch (e) {
      if (!(e instanceof CliError && e.exit === 'network')) throw e;
      throw new CliError(
        'notFound',
        'vault_not_found',
        `no vault named ${vault} on this device: --no-sync writes only to the local replica`,
        'run `coffer sync` once to fetch the vault',
      );
    } finally {
      await opened.close();
    }
  } finally {
    release();
  }
}

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  if (isReservedName(key)) throw usageError('names starting with .coffer/ are reserved');
  // `coffer put ops "$KEY" v` with KEY unset must not write a key named '' (as an empty
  // value must not blank one); a newline or tab in a name breaks every `coffer ls | while read`.
  if (key === '')
    throw usageError('the key name is empty: nothing stored', 'is a shell variable unset?');
  if (hasControlCharacter(key))
    throw usageError('a key name cannot hold control characters (newline, tab, …): nothing stored');
  const file = stringOption(ctx, 'file');
  // "-" is stdin (read by valueBytes), not a file named "-".
  if (file !== undefined && file !== '-' && ctx.args.VALUE === undefined) {
    // A pipe (`--file <(cmd)`, /dev/stdin) has no size: read it whole, within the inline limit.
    const size = await stat(file).then(
      (s) => (s.isFile() ? s.size : s.isDirectory() ? -2 : 0),
      () => -1,
    );
    if (size === -2)
      throw new CliError('usage', 'is_directory', `${file} is a directory, not a file`);
    if (size < 0)
      throw new CliError('notFound', 'file_not_found', `cannot read ${file}: no such file`);
    if (size > RECORD_LIMIT) return putBlob(ctx, vault, key, file, size);
  }
  const encoded = encodeOrExplain(await valueBytes(ctx), ctx.args.VALUE === undefined);
  const write = async (opened: OpenedClient) => {
    const vaultId = await resolveWritableVault(opened, vault);
    await opened.client.records.put(vaultId, key, encoded.value, { type: encoded.type });
    return vaultId;
  };
  if (booleanOption(ctx, 'no-sync')) {
    await putLocally(ctx, vault, write);
    ctx.out.result({ vault, key, pushed: false }, `stored ${key} locally (not pushed yet)`);
    await noteValueNamingAFile(ctx, vault, key);
    return;
  }
  const pushed = await withAccountClient(ctx, async (opened) =>
    pushOrQueue(ctx, opened, await write(opened)),
  );
  ctx.out.result(
    { vault, key, pushed },
    pushed ? `stored ${key}` : `stored ${key} locally (not pushed yet)`,
  );
  await noteValueNamingAFile(ctx, vault, key);
}

/**
 * `coffer put ops tls/key ./key.pem` stores those nine characters, as it
 * should; but when they name an existing file, say how to store the file
 * itself. Only a VALUE written like a path (starting with /, ./ or ../) is
 * looked at: any other value may be a secret, which must not reach the file
 * system even as a name.
 */
async function noteValueNamingAFile(ctx: CommandContext, vault: string, key: string) {
  const value = ctx.args.VALUE;
  if (value === undefined || !/^\.{0,2}\/\S{0,1000}$/.test(value)) return;
  const isFile = await stat(value).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) {
    ctx.out.warn(
      `stored the text ${JSON.stringify(value)}, not the file it names; for its contents: coffer put ${vault} ${key} --file ${value}`,
    );
  }
}
