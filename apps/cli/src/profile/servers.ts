/**
 * How this profile trusts each server it has talked to (servers.json):
 * system CAs, a CA certificate given with --ca-file, or a pinned SHA-256
 * fingerprint (from --pin or confirmed at first contact). Not secret, but
 * integrity matters, so it is 0600 like everything else.
 */
import { z } from 'zod';
import { CliError } from '../cli/exit-codes.ts';
import { profilePaths, readOptionalFile, writePrivateFile } from './home.ts';

export const ServerTrustSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('system') }),
  z.object({ kind: z.literal('ca'), caPem: z.string().min(1) }),
  z.object({ kind: z.literal('pin'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ kind: z.literal('loopback-http') }),
]);
export type ServerTrust = z.infer<typeof ServerTrustSchema>;

const ServersFileSchema = z.record(
  z.string(),
  z.object({ trust: ServerTrustSchema, since: z.string() }),
);
type ServersFile = z.infer<typeof ServersFileSchema>;

async function load(home: string): Promise<ServersFile> {
  const raw = await readOptionalFile(profilePaths(home).servers);
  if (raw === undefined) return {};
  const parsed = ServersFileSchema.safeParse(JSON.parse(raw.toString('utf8')));
  if (!parsed.success) {
    throw new CliError(
      'crypto',
      'profile_corrupt',
      `${profilePaths(home).servers} is damaged`,
      'delete it and pin the server again',
    );
  }
  return parsed.data;
}

/** The stored trust decision for a server origin, if any. */
export async function loadServerTrust(
  home: string,
  origin: string,
): Promise<ServerTrust | undefined> {
  return (await load(home))[origin]?.trust;
}

export async function saveServerTrust(
  home: string,
  origin: string,
  trust: ServerTrust,
): Promise<void> {
  const all = await load(home);
  all[origin] = { trust, since: new Date().toISOString() };
  await writePrivateFile(profilePaths(home).servers, `${JSON.stringify(all, null, 2)}\n`);
}
