/**
 * The profile directory: where `coffer` keeps the replica, the sealed key
 * material, pinned certificates and pinned user keys. Directories are 0700 and
 * files 0600, and files are replaced atomically (write temp, fsync, rename) so
 * a crash never leaves a half-written profile.
 */
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** `--home`, then COFFER_HOME, then the platform's config dir. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  if (env.COFFER_HOME !== undefined && env.COFFER_HOME !== '') return resolve(env.COFFER_HOME);
  if (process.platform === 'win32' && env.APPDATA !== undefined) return join(env.APPDATA, 'coffer');
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'coffer');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config'), 'coffer');
}

/** Create a directory (and parents) with mode 0700; tighten it if it exists. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  if ((s.mode & 0o077) !== 0 && process.platform !== 'win32') await chmod(dir, 0o700);
}

/** Atomically replace `path` with `data`, mode 0600. */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  // Only create missing parents: tightening an existing directory here would
  // chmod whatever folder the user writes into (even /tmp) to 0700. The profile
  // home itself is tightened by ensurePrivateDir when the profile is opened.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Web Crypto, loaded on first use: a static node:crypto import here cost
  // every command, `coffer --version` too, ~20 ms of start-up.
  const suffix = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex');
  const tmp = `${path}.${suffix}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Read a file, or undefined if it does not exist. */
export async function readOptionalFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Well-known paths inside a profile. */
export function profilePaths(home: string) {
  return {
    home,
    /** Non-secret settings: server URL, username, TLS trust. */
    config: join(home, 'config.json'),
    /** The SQLite replica (ciphertext records, outbox, cursors). */
    replica: join(home, 'replica.sqlite'),
    /** Key material sealed under a random key that only COFFER_SESSION holds. */
    session: join(home, 'session.sealed'),
    /** Pinned server certificates by origin. */
    servers: join(home, 'servers.json'),
  };
}
