/**
 * config.json: the non-secret settings of a profile (server, username, account
 * id). Secrets never go here: key material lives in the SQLite replica sealed
 * under the account's master key, or in session.sealed under COFFER_SESSION.
 */
import { z } from 'zod';
import { CliError } from '../cli/exit-codes.ts';
import { profilePaths, readOptionalFile, writePrivateFile } from './home.ts';

export const ProfileConfigSchema = z.object({
  server: z.string().url().optional(),
  username: z.string().min(1).optional(),
});
export type ProfileConfig = z.infer<typeof ProfileConfigSchema>;

export async function loadConfig(home: string): Promise<ProfileConfig> {
  const raw = await readOptionalFile(profilePaths(home).config);
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = ProfileConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      'crypto',
      'profile_corrupt',
      `${profilePaths(home).config} is damaged`,
      'fix or delete it, then log in again',
    );
  }
  return parsed.data;
}

export async function saveConfig(home: string, config: ProfileConfig): Promise<void> {
  await writePrivateFile(profilePaths(home).config, `${JSON.stringify(config, null, 2)}\n`);
}
