/**
 * `coffer get VAULT KEY [--out PATH]`: the exact bytes that were put.
 *
 * A value already in the replica is answered from it alone (vault ids this
 * profile has seen, vault keys it verified before): no request, no HTTP or TLS
 * stack loaded, and it works with the server down. Anything else (a vault or
 * key not replicated yet, a file, --sync) goes through the server.
 */
import type { RecordEntry } from '@coffer/client';
import { isTransient } from '@coffer/client';
import type { AccountState } from '../account/account-state.ts';
import { BINARY_TYPE, decodeValue } from '../account/content.ts';
import { openLocalClient } from '../account/local-client.ts';
import { requireAccount, type ServerProfile } from '../account/profile.ts';
import { unlockAccount } from '../account/unlock.ts';
import { resolveVault } from '../account/vault-names.ts';
import { arg, booleanOption, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { createProgress } from '../cli/progress.ts';
import { streamSource } from '../crypto/byte-source.ts';
import { checkTarget, pipeToTarget } from '../crypto/file-io.ts';
import { writePrivateFile } from '../profile/home.ts';

type Unlocked = { profile: ServerProfile; state: AccountState };

/**
 * The value from the replica alone, or undefined when the replica cannot
 * answer (vault or key unknown here, keys never cached, or a file).
 */
async function fromReplica(
  unlocked: Unlocked,
  vault: string,
  key: string,
): Promise<RecordEntry | undefined> {
  const opened = await openLocalClient(unlocked.profile, unlocked.state);
  try {
    const vaultId = await resolveVault(opened, vault, { sync: false });
    const found = await opened.client.records.get(vaultId, key);
    return found?.blob === undefined ? found : undefined;
  } catch (e) {
    // Not answerable offline (this replica has no such vault or key): ask the
    // server. Anything else (a tampered replica, a bad session) fails here as it would online.
    if (
      isTransient(e) ||
      (e instanceof CliError && (e.exit === 'notFound' || e.exit === 'network'))
    )
      return undefined;
    throw e;
  } finally {
    await opened.close();
  }
}

async function fromServer(
  ctx: CommandContext,
  unlocked: Unlocked,
  vault: string,
  key: string,
  out: string | undefined,
  force: boolean,
): Promise<{ entry: RecordEntry; bytes: number | undefined }> {
  const { withAccountClient } = await import('../account/with-client.ts');
  return withAccountClient(
    ctx,
    async (opened) => {
      const vaultId = await resolveVault(opened, vault, { sync: false });
      const read = () => opened.client.records.get(vaultId, key);
      let found = booleanOption(ctx, 'sync') ? undefined : await read();
      if (found === undefined) {
        // Not in the replica (or --sync): pull, unless the server is unreachable.
        let offline = false;
        try {
          await opened.client.sync(vaultId);
          offline = opened.client.state.getSnapshot().connection === 'offline';
        } catch (e) {
          if (!isTransient(e)) throw e;
          offline = true;
        }
        if (offline) ctx.out.warn('server unreachable: answering from the local replica');
        found = await read();
        // The server may hold it: "not found" (exit 4) would be a guess.
        if (found === undefined && offline)
          throw new CliError(
            'network',
            'network',
            `cannot reach the server to look up ${key} in ${vault} (this device does not hold it)`,
            'is the server running? `coffer doctor` checks the connection',
          );
      }
      if (found === undefined)
        throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
      if (found.blob === undefined) return { entry: found, bytes: undefined };
      // A blob streams to a temp file renamed only once every chunk verified (or to stdout).
      if (ctx.out.json && out === undefined)
        throw usageError('this key holds a file: give --out PATH with --json');
      if (out === undefined) refuseBinaryOnTerminal(ctx, vault, key, found.blob.size);
      const total = found.blob.size;
      // The download only reads: other commands need not wait for its bytes.
      opened.releaseProfile();
      const progress = createProgress(ctx.out, 'downloading', total);
      const blob = await opened.client.blobs.get(vaultId, key, {
        onProgress: (n) => progress.update(n),
      });
      if (blob === undefined)
        throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
      try {
        await pipeToTarget(streamSource(blob.stream, total), undefined, out ?? '-', { force });
      } finally {
        progress.finish();
      }
      return { entry: found, bytes: total };
    },
    unlocked,
  );
}

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const out = stringOption(ctx, 'out');
  const force = booleanOption(ctx, 'force');
  if (out !== undefined) await checkTarget(out, force);
  const profile = await requireAccount(ctx);
  const unlocked = {
    profile,
    state: await unlockAccount(ctx, profile.home, profile.username),
  };
  const local = booleanOption(ctx, 'sync') ? undefined : await fromReplica(unlocked, vault, key);
  const done = local
    ? { entry: local, bytes: undefined }
    : await fromServer(ctx, unlocked, vault, key, out, force);
  const entry = done.entry;
  if (entry.withheld) {
    // The server has a newer version that did not verify: a person reading
    // a secret must know it may be out of date.
    ctx.out.warn(
      `${vault}/${key}: the server's latest version did not verify (${entry.withheld.code}); this is the last verified version`,
    );
  }
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
      withheld: entry.withheld
        ? { code: entry.withheld.code, refusedAt: new Date(entry.withheld.at).toISOString() }
        : null,
    });
  } else {
    if (entry.type === BINARY_TYPE) refuseBinaryOnTerminal(ctx, vault, key, bytes.length);
    ctx.out.streams.stdout.write(bytes);
    if (ctx.out.streams.stdout.isTTY === true && bytes.at(-1) !== 10)
      ctx.out.streams.stdout.write('\n');
  }
}

/** Binary bytes on a terminal garble it and help no one (like gpg and age, refuse; a pipe is fine). */
function refuseBinaryOnTerminal(ctx: CommandContext, vault: string, key: string, size: number) {
  if (ctx.out.streams.stdout.isTTY !== true) return;
  throw usageError(
    `${key} holds binary data (${size} bytes); not printing it on the terminal`,
    `write it to a file: coffer get ${vault} ${key} --out FILE (or pipe it: coffer get ${vault} ${key} > FILE)`,
  );
}
