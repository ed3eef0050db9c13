/**
 * The server secret keys the fake salts of unknown usernames. It must stay the
 * same across restarts (and across instances on one database), or prelogin
 * answers would change and reveal that a name has no account.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The configured secret, or the one in `DIR/server-secret` (created once, 0600).
 *
 * @example
 * const secret = loadServerSecret(config.dataDir, config.serverSecret);
 */
export function loadServerSecret(dataDir: string, configured?: string): Uint8Array {
  if (configured) return new Uint8Array(Buffer.from(configured, 'hex'));
  const existing = existingServerSecret(dataDir);
  if (existing) return existing;
  const path = join(dataDir, 'server-secret');
  const secret = randomBytes(32);
  try {
    // 'wx': never overwrite a secret another process created meanwhile.
    writeFileSync(path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadServerSecret(dataDir);
    throw error;
  }
  return new Uint8Array(secret);
}

/**
 * The secret in `DIR/server-secret` if the file exists (never creates it).
 *
 * @example
 * const candidate = existingServerSecret('/srv/coffer') ?? randomBytes(32);
 */
export function existingServerSecret(dataDir: string): Uint8Array | null {
  const path = join(dataDir, 'server-secret');
  if (!existsSync(path)) return null;
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${path} is not 64 hex digits`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
