/**
 * The profile a command works on: its directory, settings, the server it
 * talks to and how that server is trusted. Commands that need an account get
 * a clear "not logged in" (exit 3) instead of a stack trace.
 */
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { establishTrust, type TrustFlags } from '../net/establish-trust.ts';
import { parseServerUrl } from '../net/server-url.ts';
import { loadConfig, type ProfileConfig } from '../profile/config.ts';
import { ensurePrivateDir } from '../profile/home.ts';
import type { ServerTrust } from '../profile/servers.ts';

/** One message wherever an account is missing; naming the profile catches a forgotten --home. */
export function notLoggedIn(home: string): CliError {
  return new CliError(
    'auth',
    'not_logged_in',
    `not logged in (profile ${home})`,
    'run `coffer signup` or `coffer login` with --server URL --username NAME; another profile: --home DIR or COFFER_HOME',
  );
}

export interface Profile {
  home: string;
  config: ProfileConfig;
}

export interface ServerProfile extends Profile {
  server: URL;
  trust: ServerTrust;
}

export async function openProfile(ctx: CommandContext): Promise<Profile> {
  await ensurePrivateDir(ctx.globals.home);
  return { home: ctx.globals.home, config: await loadConfig(ctx.globals.home) };
}

/** The profile plus its server: --server (or COFFER_SERVER) wins over the stored one. */
export async function openServerProfile(
  ctx: CommandContext,
  flags: TrustFlags = {},
): Promise<ServerProfile> {
  const profile = await openProfile(ctx);
  const raw = ctx.globals.server ?? profile.config.server;
  if (raw === undefined) {
    throw notLoggedIn(profile.home);
  }
  const server = parseServerUrl(raw);
  const trust = await establishTrust(profile.home, server, flags, ctx.out);
  return { ...profile, server, trust };
}

/** A logged-in profile: has a server and a username. */
export async function requireAccount(
  ctx: CommandContext,
): Promise<ServerProfile & { username: string }> {
  const profile = await openServerProfile(ctx);
  const username = profile.config.username;
  if (username === undefined) {
    throw notLoggedIn(profile.home);
  }
  return { ...profile, username };
}
