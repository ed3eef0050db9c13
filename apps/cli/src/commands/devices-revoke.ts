/**
 * `coffer devices revoke ID`: end the server session of a lost or old device.
 * It can no longer sync and has to log in again (with the passphrase).
 */
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { SHOWN_ID_CHARS } from './devices.ts';

/** Fewer characters would match by accident as the list grows. */
const MIN_PREFIX_CHARS = 8;
const ID_PREFIX = new RegExp(`^[0-9a-f]{${MIN_PREFIX_CHARS},}$`);

/** `typed` as a session id prefix (any case), or the usage error to print. */
function idPrefix(typed: string): string {
  const id = typed.toLowerCase();
  if (!ID_PREFIX.test(id))
    throw usageError(
      `ID must be ${MIN_PREFIX_CHARS} or more hex characters of a session id`,
      'see the ids with: coffer devices',
    );
  return id;
}

/**
 * The one session `typed` names: a prefix of its id, not this device's own.
 * Throws the CliError to print otherwise.
 */
export function sessionToRevoke<S extends { sessionId: string; current: boolean }>(
  sessions: readonly S[],
  typed: string,
): S {
  const id = idPrefix(typed);
  const matches = sessions.filter((s) => s.sessionId.startsWith(id));
  const [target] = matches;
  if (target === undefined)
    throw new CliError(
      'notFound',
      'not_found',
      `no session ${id} on this account (already ended?)`,
      'see: coffer devices',
    );
  if (matches.length > 1)
    throw usageError(`${id} matches ${matches.length} sessions`, 'give more characters of the id');
  if (target.current)
    throw usageError("that is this device's own session", 'end it with: coffer logout');
  return target;
}

export async function run(ctx: CommandContext): Promise<void> {
  const typed = arg(ctx, 'ID');
  idPrefix(typed); // a malformed ID is refused before the passphrase is asked
  const ended = await withAccountClient(ctx, async (opened) => {
    const { sessions } = await opened.client.accounts.listSessions();
    const target = sessionToRevoke(sessions, typed);
    await opened.client.accounts.revokeSession(target.sessionId);
    return target;
  });
  ctx.out.result(
    { revoked: { sessionId: ended.sessionId, label: ended.label } },
    `ended the session of ${ended.label} (${ended.sessionId.slice(0, SHOWN_ID_CHARS)}): that device has to log in again`,
  );
}
