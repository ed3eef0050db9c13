/**
 * `coffer unlock` sessions for scripts (in the style of `bw unlock`): the
 * unlocked account secrets are sealed (a Coffer envelope, DIRECT) under a
 * fresh random 32-byte key that is printed once as COFFER_SESSION and never
 * stored. On disk there is only ciphertext (session.sealed, 0600); without the
 * token it is useless, and `coffer lock` deletes it, which ends every session.
 */

import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
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
    'COFFER_SESSION does not match this profile (locked or replaced?)',
    'run `coffer unlock` again',
  );
}

/** Seal `secret` for a new session; returns the token to print. Replaces any previous session. */
export async function createSession(home: string, secret: Uint8Array): Promise<string> {
  const key = randomBytes(32);
  const kid = randomBytes(KID_SIZE);
  const sealed = await sealEnvelope(secret, {
    contentType: 'key-bundle',
    context: sessionContext(home),
    key: { kid, epoch: 0, key },
  });
  await writePrivateFile(profilePaths(home).session, sealed);
  const token = `${TOKEN_PREFIX}${Buffer.concat([kid, key]).toString('base64url')}`;
  key.fill(0);
  return token;
}

/** Open the session sealed in this profile with the token from COFFER_SESSION. */
export async function openSession(home: string, token: string): Promise<Uint8Array> {
  if (!token.startsWith(TOKEN_PREFIX)) throw invalidSession();
  const raw = Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url');
  if (raw.length !== KID_SIZE + 32) throw invalidSession();
  const sealed = await readOptionalFile(profilePaths(home).session);
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
      keys: [{ kid: raw.subarray(0, KID_SIZE), epoch: 0, key: raw.subarray(KID_SIZE) }],
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

/** End every session of this profile. Returns whether one existed. */
export async function deleteSession(home: string): Promise<boolean> {
  const existed = (await readOptionalFile(profilePaths(home).session)) !== undefined;
  await rm(profilePaths(home).session, { force: true });
  return existed;
}
