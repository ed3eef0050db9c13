/**
 * After a local write: try to push now. When the server is unreachable the
 * write stays in the outbox (offline-first) and the next sync pushes it; when
 * the server refused it, that is an error the user must see.
 */
import { isTransient } from '@coffer/client';
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import type { OpenedClient } from './open-client.ts';

export async function pushOrQueue(
  ctx: CommandContext,
  opened: OpenedClient,
  vaultId: string,
): Promise<boolean> {
  const seenErrors = opened.client.state.getSnapshot().errors.length;
  try {
    await opened.client.sync(vaultId);
  } catch (e) {
    if (!isTransient(e)) throw e;
  }
  const pending = await opened.store.listOutbox({ vaultId });
  if (pending.length === 0) return true;
  const snap = opened.client.state.getSnapshot();
  const fresh = snap.errors
    .slice(seenErrors)
    .filter((e) => e.vaultId === undefined || e.vaultId === vaultId);
  if (snap.connection !== 'offline' && fresh.length > 0) {
    const last = fresh[fresh.length - 1]!;
    throw new CliError(
      'server',
      last.code,
      `saved locally, but the server refused it: ${last.message}`,
    );
  }
  ctx.out.warn('saved locally; the server is unreachable, `coffer sync` will push it');
  return false;
}
