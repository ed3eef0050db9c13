/** `coffer devices`: where this account is logged in (its server sessions: CLI profiles, browsers). */
import { withAccountClient } from '../account/with-client.ts';
import type { CommandContext } from '../cli/command.ts';

/** Characters of a session id shown to a person; `devices revoke` takes any unique prefix of 8 or more. */
export const SHOWN_ID_CHARS = 12;

export async function run(ctx: CommandContext): Promise<void> {
  const sessions = await withAccountClient(
    ctx,
    async (opened) => (await opened.client.accounts.listSessions()).sessions,
  );
  // This device first, then the most recently seen.
  const devices = [...sessions].sort(
    (a, b) =>
      Number(b.current) - Number(a.current) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt),
  );
  // RFC 3339 from the server; whole seconds are enough for a person.
  const when = (at: string) => at.replace(/\.\d+Z$/, 'Z');
  ctx.out.result(
    {
      devices: devices.map((s) => ({
        sessionId: s.sessionId,
        label: s.label,
        current: s.current,
        // Milliseconds since the epoch, as every time in the CLI's JSON.
        createdAt: Date.parse(s.createdAt),
        lastSeenAt: Date.parse(s.lastSeenAt),
        expiresAt: Date.parse(s.expiresAt),
      })),
    },
    devices
      .map(
        (s) =>
          `${s.sessionId.slice(0, SHOWN_ID_CHARS)}\t${s.label}${s.current ? ' (this device)' : ''}\tlast seen ${when(s.lastSeenAt)}\tlogged in ${when(s.createdAt)}`,
      )
      .join('\n'),
  );
}
