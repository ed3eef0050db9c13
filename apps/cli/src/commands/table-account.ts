/** Account, session and server commands. */
import type { CommandSpec, OptionSpec } from '../cli/command.ts';

const TRUST: Record<string, OptionSpec> = {
  'ca-file': {
    type: 'string',
    value: 'PEM',
    description: 'trust the server certificate signed by (or equal to) this PEM',
  },
  pin: {
    type: 'string',
    value: 'SHA256',
    description: "pin the server certificate's SHA-256 fingerprint (printed by coffer-server)",
  },
};
const USERNAME: Record<string, OptionSpec> = {
  username: { type: 'string', short: 'u', value: 'NAME', description: 'account name' },
};

export const ACCOUNT_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['signup'],
    summary: 'create an account on a server and log this device in',
    description:
      'Your passphrase never leaves this device: it derives your login key and the key that seals\n' +
      'your key bundle (Argon2id, 64 MiB). There is no recovery if you forget it.',
    positionals: [],
    options: { ...USERNAME, ...TRUST },
    examples: [
      'coffer signup --server https://coffer.example.com --username alice',
      'coffer signup --server https://127.0.0.1:8443 --username alice --pin 3A:7F:…',
    ],
    load: () => import('./signup.ts'),
  },
  {
    path: ['login'],
    summary: 'log this device in to an existing account (username and passphrase only)',
    positionals: [],
    options: { ...USERNAME, ...TRUST },
    examples: [
      'coffer login --server https://coffer.example.com --username alice',
      'COFFER_PASSPHRASE=… coffer --home ./ci-profile login --server https://… -u ci-bot --pin …',
    ],
    load: () => import('./login.ts'),
  },
  {
    path: ['logout'],
    summary: 'end the server session and forget local keys and data of this profile',
    positionals: [],
    options: {},
    examples: ['coffer logout'],
    load: () => import('./logout.ts'),
  },
  {
    path: ['whoami'],
    summary: 'show the account and server of this profile',
    positionals: [],
    options: {},
    examples: ['coffer whoami', 'coffer whoami --json'],
    load: () => import('./whoami.ts'),
  },
  {
    path: ['status'],
    summary: 'show sync state: pending outbox, conflicts, last sync, lock state',
    positionals: [],
    options: {},
    examples: ['coffer status'],
    load: () => import('./status.ts'),
  },
  {
    path: ['doctor'],
    summary: 'check reachability, certificate, protocol, clock skew, replica integrity, outbox',
    positionals: [],
    options: {},
    examples: ['coffer doctor', 'coffer doctor --json | jq .checks'],
    load: () => import('./doctor.ts'),
  },
  {
    path: ['unlock'],
    summary: 'unlock the account once and print a session token for scripts (COFFER_SESSION)',
    description:
      'Derives the keys once and seals them in the profile under a random key that only the printed\n' +
      'token holds. Export it and later commands need no passphrase. `coffer lock` ends it.',
    positionals: [],
    options: { raw: { type: 'boolean', description: 'print only the token' } },
    examples: ['export COFFER_SESSION="$(coffer unlock --raw)"', 'coffer unlock'],
    load: () => import('./unlock.ts'),
  },
  {
    path: ['lock'],
    summary: 'end every unlocked session of this profile',
    positionals: [],
    options: {},
    examples: ['coffer lock'],
    load: () => import('./lock.ts'),
  },
  {
    path: ['passphrase', 'change'],
    summary: 'change your passphrase (re-seals the key bundle; vault data is untouched)',
    description:
      'Scripts give the new passphrase with COFFER_NEW_PASSPHRASE or --new-passphrase-file.',
    positionals: [],
    options: {
      'new-passphrase-file': {
        type: 'string',
        value: 'PATH',
        description: 'read the new passphrase from PATH',
      },
    },
    examples: ['coffer passphrase change'],
    load: () => import('./passphrase-change.ts'),
  },
  {
    path: ['user', 'show'],
    summary: "show a user's public-key fingerprint (compare it out of band, then it is pinned)",
    positionals: [{ name: 'NAME' }],
    options: {},
    examples: ['coffer user show bob'],
    load: () => import('./user-show.ts'),
  },
];
