/**
 * What a logged-in profile must keep between processes: the account's key
 * pairs, ids and the server session token. On disk it exists only sealed:
 * `account.sealed` is a WRAPPED envelope with a PASSPHRASE stanza (Argon2id,
 * the account's KDF cost), and `session.sealed` (from `coffer unlock`) holds
 * the same bytes under the random COFFER_SESSION key.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_KDF_PARAMS,
  DecryptionError,
  type KeyBundle,
  openEnvelope,
  sealEnvelope,
  utf8,
} from '@coffer/protocol';
import { z } from 'zod';
import { CliError } from '../cli/exit-codes.ts';
import { readOptionalFile, writePrivateFile } from '../profile/home.ts';
import { notLoggedIn } from './profile.ts';

export interface AccountState {
  accountId: string;
  username: string;
  sessionId: string;
  /** Bearer token of the server session (a credential: never stored unsealed). */
  token: string;
  bundle: KeyBundle;
}

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/);
const StateSchema = z.strictObject({
  v: z.literal(1),
  accountId: z.string(),
  username: z.string(),
  sessionId: z.string(),
  token: z.string(),
  x25519: z.strictObject({ publicKey: b64, privateKey: b64 }),
  ed25519: z.strictObject({ publicKey: b64, seed: b64 }),
});

const enc = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const dec = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

export function encodeAccountState(s: AccountState): Uint8Array {
  return utf8(
    JSON.stringify({
      v: 1,
      accountId: s.accountId,
      username: s.username,
      sessionId: s.sessionId,
      token: s.token,
      x25519: {
        publicKey: enc(s.bundle.x25519.publicKey),
        privateKey: enc(s.bundle.x25519.privateKey),
      },
      ed25519: { publicKey: enc(s.bundle.ed25519.publicKey), seed: enc(s.bundle.ed25519.seed) },
    }),
  );
}

export function decodeAccountState(bytes: Uint8Array): AccountState {
  const parsed = StateSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  if (!parsed.success)
    throw new CliError('crypto', 'profile_corrupt', 'the sealed account state is not valid');
  const p = parsed.data;
  return {
    accountId: p.accountId,
    username: p.username,
    sessionId: p.sessionId,
    token: p.token,
    bundle: {
      x25519: { publicKey: dec(p.x25519.publicKey), privateKey: dec(p.x25519.privateKey) },
      ed25519: { publicKey: dec(p.ed25519.publicKey), seed: dec(p.ed25519.seed) },
    } as KeyBundle,
  };
}

const accountFile = (home: string) => join(home, 'account.sealed');
const context = (username: string) =>
  new Uint8Array([...utf8('coffer/cli/account'), 0, ...utf8(username)]);

/** Seal the state under the passphrase (replaces account.sealed). */
export async function saveAccountState(
  home: string,
  state: AccountState,
  passphrase: string,
): Promise<void> {
  const sealed = await sealEnvelope(encodeAccountState(state), {
    contentType: 'key-bundle',
    context: context(state.username),
    recipients: [{ type: 'passphrase', passphrase, params: DEFAULT_KDF_PARAMS }],
  });
  await writePrivateFile(accountFile(home), sealed);
}

/** Open account.sealed with the passphrase; a wrong passphrase is an auth error (exit 3). */
export async function loadAccountState(
  home: string,
  username: string,
  passphrase: string,
): Promise<AccountState> {
  const sealed = await readOptionalFile(accountFile(home));
  if (sealed === undefined) {
    throw notLoggedIn(home);
  }
  try {
    const { plaintext } = await openEnvelope(sealed, {
      context: context(username),
      contentType: 'key-bundle',
      passphrase,
    });
    return decodeAccountState(plaintext);
  } catch (e) {
    if (e instanceof DecryptionError)
      throw new CliError(
        'auth',
        'wrong_passphrase',
        'wrong passphrase',
        // This profile stays sealed with the passphrase it last logged in with.
        `changed it on another device? This profile still opens with the previous passphrase until you log in again with the new one: coffer login --username ${username}`,
      );
    if (e instanceof CliError) throw e;
    throw new CliError(
      'crypto',
      'profile_corrupt',
      `${accountFile(home)} is damaged`,
      'log in again to recreate it',
    );
  }
}

export async function deleteAccountState(home: string): Promise<void> {
  await rm(accountFile(home), { force: true });
}
