/**
 * `coffer unlock` sessions for scripts (in the style of `bw unlock`): the
 * unlocked account secrets are sealed (a Coffer envelope, DIRECT) under a
 * fresh random 32-byte key that is printed once as COFFER_SESSION and never
 * stored. On disk there is only ciphertext (sessions/<kid>.sealed, 0600);
 * without the token it is useless, and `coffer lock` deletes them all.
 *
 * One file per session, named by its creation time and the token's key id,
 * so a second `unlock` (another shell, a parallel CI job on the same profile)
 * does not end the first; the newest MAX_SESSIONS live. Tokens of older CLIs name no file: they open the legacy
 * `session.sealed`, which `lock` deletes too.
 */

import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DecryptionError,
  EnvelopeFormatError,
  KeyNotFoundError,
  openEnvelope,
  sealEnvelope,
  utf8,
} from '@coffer/protocol';
import { CliError } from '../cli/exit-codes.ts';
import { profilePaths, readOptionalFile, writePrivateFile } from '../profile/home.ts';

const TOKEN_PREFIX = 'cfs1.';
const KID_SIZE = 16;

/** Binds the sealed file to its purpose and profile, so it cannot be swapped for another envelope. */
function sessionContext(home: string): Uint8Array {
  return new Uint8Array([...utf8('coffer/cli/session'), 0, ...utf8(home)]);
}

function invalidSession(): CliError {
  return new CliError(
    'auth',
    'session_invalid',
    `COFFER_SESSION does not open this profile (ended by \`coffer lock\` or ${MAX_SESSIONS} newer unlocks, or from another profile)`,
    'run `coffer unlock` again',
  );
}

function sessionsDir(home: string): string {
  return join(home, 'sessions');
}

/**
 * At most this many sessions live at once: a new unlock ends the oldest, so
 * a token that leaked long ago does not open the profile forever.
 */
export const MAX_SESSIONS = 8;

/** `<created µs, fixed width>-<kid hex>.sealed`: names sort oldest first. */
function sessionFileName(kid: Uint8Array): string {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return `${String(micros).padStart(17, '0')}-${Buffer.from(kid).toString('hex')}.sealed`;
}

async function sessionFiles(home: string): Promise<string[]> {
  const files = await readdir(sessionsDir(home)).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.sealed')).sort();
}

async function findSession(home: string, kid: Uint8Array): Promise<Buffer | undefined> {
  const suffix = `-${Buffer.from(kid).toString('hex')}.sealed`;
  const name = (await sessionFiles(home)).find((f) => f.endsWith(suffix));
  return name === undefined ? undefined : readOptionalFile(join(sessionsDir(home), name));
}

/** Seal `secret` for a new session; returns the token to print. The newest sessions stay valid. */
export async function createSession(home: string, secret: Uint8Array): Promise<string> {
  const key = randomBytes(32);
  const kid = randomBytes(KID_SIZE);
  const sealed = await sealEnvelope(secret, {
    contentType: 'key-bundle',
    context: sessionContext(home),
    key: { kid, epoch: 0, key },
  });
  const older = await sessionFiles(home);
  for (const f of older.slice(0, Math.max(0, older.length - (MAX_SESSIONS - 1))))
    await rm(join(sessionsDir(home), f), { force: true });
  await writePrivateFile(join(sessionsDir(home), sessionFileName(kid)), sealed);
  const token = `${TOKEN_PREFIX}${Buffer.concat([kid, key]).toString('base64url')}`;
  key.fill(0);
  return token;
}

/** Open the session sealed in this profile with the token from COFFER_SESSION. */
export async function openSession(home: string, token: string): Promise<Uint8Array> {
  if (!token.startsWith(TOKEN_PREFIX)) throw invalidSession();
  const raw = Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url');
  if (raw.length !== KID_SIZE + 32) throw invalidSession();
  const kid = raw.subarray(0, KID_SIZE);
  const sealed =
    (await findSession(home, kid)) ?? (await readOptionalFile(profilePaths(home).session));
  // Other sessions live: this one was ended (lock, or MAX_SESSIONS newer unlocks).
  if (sealed === undefined && (await countSessions(home)) > 0) throw invalidSession();
  if (sealed === undefined) {
    throw new CliError(
      'auth',
      'locked',
      'this profile is locked (no unlocked session)',
      'run `coffer unlock`',
    );
  }
  try {
    const { plaintext } = await openEnvelope(sealed, {
      context: sessionContext(home),
      contentType: 'key-bundle',
      keys: [{ kid, epoch: 0, key: raw.subarray(KID_SIZE) }],
    });
    return plaintext;
  } catch (e) {
    if (
      e instanceof DecryptionError ||
      e instanceof KeyNotFoundError ||
      e instanceof EnvelopeFormatError
    ) {
      throw invalidSession();
    }
    throw e;
  } finally {
    raw.fill(0);
  }
}

/** How many sessions this profile holds (status). */
export async function countSessions(home: string): Promise<number> {
  const legacy = (await readOptionalFile(profilePaths(home).session)) !== undefined ? 1 : 0;
  return (await sessionFiles(home)).length + legacy;
}

/** End every session of this profile. Returns whether one existed. */
export async function deleteSession(home: string): Promise<boolean> {
  const existed = (await countSessions(home)) > 0;
  await rm(sessionsDir(home), { recursive: true, force: true });
  await rm(profilePaths(home).session, { force: true });
  return existed;
}
