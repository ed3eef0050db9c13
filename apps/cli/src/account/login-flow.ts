/**
 * signup and login share this: check the server (trust, protocol), run the
 * SDK's account flow, then persist what later commands need (config, the
 * sealed account state) and pin nothing secret in plaintext.
 */
import type { AccountSession, CofferClient } from '@coffer/client';
import { DeviceName, Username } from '@coffer/protocol';
import { type CommandContext, stringOption } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { decideTrust } from '../net/establish-trust.ts';
import { parseServerUrl } from '../net/server-url.ts';
import { loadConfig, saveConfig } from '../profile/config.ts';
import { ensurePrivateDir } from '../profile/home.ts';
import { type AccountState, saveAccountState } from './account-state.ts';
import { buildClient } from './open-client.ts';
import { deleteSession } from './session-file.ts';

export interface LoginOutcome {
  session: AccountSession;
  server: string;
}

export async function accountFlow(
  ctx: CommandContext,
  passphrase: (client: CofferClient) => Promise<string>,
  action: (client: CofferClient, username: string, passphrase: string) => Promise<void>,
): Promise<LoginOutcome> {
  const username = stringOption(ctx, 'username');
  if (username === undefined) throw usageError('--username NAME is required');
  const valid = Username.safeParse(username);
  if (!valid.success)
    throw usageError(`bad --username: ${valid.error.issues[0]?.message ?? 'invalid'}`);
  // Checked before anything is written or asked: the server would refuse it only after Argon2id.
  const deviceName = stringOption(ctx, 'device') ?? `coffer-cli on ${process.platform}`;
  const validDevice = DeviceName.safeParse(deviceName);
  if (!validDevice.success)
    throw usageError(
      `bad --device: ${validDevice.error.issues[0]?.message ?? 'invalid'}`,
      '1 to 64 characters, no control or format characters',
    );
  const home = ctx.globals.home;
  await ensurePrivateDir(home);
  const config = await loadConfig(home);
  const raw = ctx.globals.server ?? config.server;
  if (raw === undefined)
    throw usageError(
      '--server URL is required',
      'example: --server https://coffer.example.com:8443',
    );
  const server = parseServerUrl(raw);
  if (config.username !== undefined && config.username !== username) {
    throw new CliError(
      'conflict',
      'already_exists',
      `this profile is logged in as ${config.username}`,
      'log out first, or use another --home',
    );
  }
  // Kept only once the account flow succeeded: a failed login stores nothing.
  const { trust, remember: rememberTrust } = await decideTrust(
    home,
    server,
    { caFile: stringOption(ctx, 'ca-file'), pin: stringOption(ctx, 'pin') },
    ctx.out,
  );
  const opened = buildClient({ home, config, server, trust }, ctx.out);
  try {
    await opened.client.handshake();
    const pass = await passphrase(opened.client);
    await action(opened.client, username, pass);
    const session = await opened.client.accounts
      .login(username, pass, deviceName)
      .catch((e: unknown) => {
        // The server answers an unknown user and a wrong passphrase alike (no
        // account enumeration); say it in the user's words, not as a 401 title.
        if (toCliError(e)?.exit !== 'auth') throw e;
        throw new CliError(
          'auth',
          'invalid_credentials',
          `wrong username or passphrase for ${username} on ${server.origin}`,
          'passphrases are case-sensitive; there is no recovery if it is lost',
        );
      });
    const token = opened.client.accounts.token;
    if (token === undefined) throw new Error('internal: no session token after login');
    const state: AccountState = {
      accountId: session.accountId,
      username,
      sessionId: session.sessionId,
      token,
      bundle: session.bundle,
    };
    await rememberTrust();
    await saveAccountState(home, state, pass);
    await deleteSession(home);
    await saveConfig(home, { server: server.origin, username });
    return { session, server: server.origin };
  } finally {
    await opened.close();
  }
}
