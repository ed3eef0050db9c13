/**
 * `coffer unlock` sessions for scripts (in the style of `bw unlock`): the
 * unlocked account secrets are sealed (a Coffer envelope, DIRECT) under a
 * fresh random 32-byte key that is printed once as COFFER_SESSION and never
 * stored. On disk there is only ciphertext (sessions/<kid>.sealed, 0600);
 * without the token it is useless, and `coffer lock` deletes them all.
 *
 * One file per session, named by the token's key id, so a second `unlock`
 * (another shell, a parallel CI job on the same profile) does not end the
 * first. Tokens of older CLIs name no file: they open the legacy
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
    'COFFER_SESSION does not open this profile (ended by `coffer lock`, or from another profile)',
    'run `coffer unlock` again',
  );
}

function sessionsDir(home: string): string {
  return join(home, 'sessions');
}

function sessionPath(home: string, kid: Uint8Array): string {
  return join(sessionsDir(home), `${Buffer.from(kid).toString('hex')}.sealed`);
}

/** Seal `secret` for a new session; returns the token to print. Other sessions stay valid. */
export async function createSession(home: string, secret: Uint8Array): Promise<string> {
  const key = randomBytes(32);
  const kid = randomBytes(KID_SIZE);
  const sealed = await sealEnvelope(secret, {
    contentType: 'key-bundle',
    context: sessionContext(home),
    key: { kid, epoch: 0, key },
  });
  await writePrivateFile(sessionPath(home, kid), sealed);
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
    (await readOptionalFile(sessionPath(home, kid))) ??
    (await readOptionalFile(profilePaths(home).session));
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
  const files = await readdir(sessionsDir(home)).catch(() => [] as string[]);
  const legacy = (await readOptionalFile(profilePaths(home).session)) !== undefined ? 1 : 0;
  return files.filter((f) => f.endsWith('.sealed')).length + legacy;
}

/** End every session of this profile. Returns whether one existed. */
export async function deleteSession(home: string): Promise<boolean> {
  const existed = (await countSessions(home)) > 0;
  await rm(sessionsDir(home), { recursive: true, force: true });
  await rm(profilePaths(home).session, { force: true });
  return existed;
}
