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
const DEVICE: Record<string, OptionSpec> = {
  device: {
    type: 'string',
    value: 'NAME',
    description:
      'name of this device in `coffer devices` and the web app (default: coffer-cli on PLATFORM)',
  },
};

export const ACCOUNT_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['signup'],
    summary: 'create an account on a server and log this device in',
    description:
      'Your passphrase never leaves this device: it derives your login key and the key that seals\n' +
      'your key bundle (Argon2id, 64 MiB). There is no recovery if you forget it.\n' +
      '\n' +
      'Needs --server the first time. A self-signed server: pass --pin with the fingerprint\n' +
      'coffer-server printed at start; without it a terminal shows the fingerprint and asks,\n' +
      'a script is refused (exit 6). The passphrase is asked twice on a terminal; scripts set\n' +
      'COFFER_PASSPHRASE or --passphrase-file. Prints your fingerprint for others to check.',
    positionals: [],
    options: { ...USERNAME, ...TRUST, ...DEVICE },
    examples: [
      'coffer signup --server https://coffer.example.com --username alice',
      'coffer signup --server https://127.0.0.1:8443 --username alice --pin 3A:7F:…',
    ],
    load: () => import('./signup.ts'),
  },
  {
    path: ['login'],
    summary: 'log this device in to an existing account (username and passphrase only)',
    description:
      'Server trust works as for signup (--pin, --ca-file, or a prompt on a terminal). Your keys\n' +
      'come sealed from the server and open with your passphrase; then `coffer sync` fetches\n' +
      'your vaults. A wrong username or passphrase exits 3 (the server does not say which).',
    positionals: [],
    options: { ...USERNAME, ...TRUST, ...DEVICE },
    examples: [
      'coffer login --server https://coffer.example.com --username alice',
      'coffer --home ~/.coffer-2 login --server https://127.0.0.1:8443 -u alice --pin 3A:7F:… --device "build box"',
      'COFFER_PASSPHRASE=… coffer --home ./ci-profile login --server https://… -u ci-bot --pin …',
    ],
    load: () => import('./login.ts'),
  },
  {
    path: ['logout'],
    summary: 'end the server session and forget local keys and data of this profile',
    description:
      'Pending changes are pushed first. If some cannot be (the server is unreachable) or a\n' +
      'conflict copy is still unresolved, logout refuses (exit 5) and deletes nothing, because\n' +
      'those versions exist only on this device: sync or resolve them, or pass --force.',
    positionals: [],
    options: {
      force: {
        type: 'boolean',
        short: 'f',
        description: 'log out even if unpushed changes or unresolved conflicts are lost',
      },
    },
    examples: ['coffer logout', 'coffer logout --force   # discards what was never pushed'],
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
    path: ['devices'],
    summary: 'list where your account is logged in (this and other devices, browsers)',
    description:
      'Every login is a session on the server: CLI profiles and web app tabs alike. Each line has the\n' +
      'start of its id, its name (--device at login), when it was last seen and when it logged in.\n' +
      '`coffer devices revoke ID` ends a lost or old one.',
    positionals: [],
    options: {},
    examples: [
      'coffer devices',
      "coffer devices --json | jq -r '.devices[] | select(.current | not) | .label'",
    ],
    load: () => import('./devices.ts'),
  },
  {
    path: ['devices', 'revoke'],
    summary: 'end the session of a lost or old device (it has to log in again)',
    description:
      'ID: the id `coffer devices` prints (8 or more of its first characters are enough when\n' +
      'unique). The device can no longer sync; what its replica already holds stays on it,\n' +
      'sealed under your passphrase. If someone else may have it, also run `coffer passphrase\n' +
      "change`: the old passphrase then logs in nowhere. This device's own session ends with\n" +
      '`coffer logout`.',
    positionals: [{ name: 'ID' }],
    options: {},
    examples: ['coffer devices revoke 3f9a1c2be07d'],
    load: () => import('./devices-revoke.ts'),
  },
  {
    path: ['status'],
    summary: 'show local state: account, pending outbox, conflicts, unlocked sessions',
    description:
      'Reads only the profile (no passphrase, no network). `coffer doctor` checks the server.',
    positionals: [],
    options: {},
    examples: ['coffer status', 'coffer status --json'],
    load: () => import('./status.ts'),
  },
  {
    path: ['doctor'],
    summary: 'check reachability, certificate, protocol, clock skew, replica integrity, outbox',
    description:
      'Exits with the code of the first failed check (0 when none failed; warnings do not fail).\n' +
      '--verify also opens every envelope of the replica (records, pending writes, conflict\n' +
      'copies) with your vault keys, offline, and says per vault how many open and which do not\n' +
      '(by record id: no name or value is printed). It needs your keys: COFFER_SESSION, the\n' +
      'passphrase (COFFER_PASSPHRASE, --passphrase-file) or a prompt. One that does not open\n' +
      'fails the check (exit 8): the replica is damaged or was tampered with.',
    positionals: [],
    options: {
      verify: {
        type: 'boolean',
        description: 'also open every record of the replica with your keys (needs them)',
      },
    },
    examples: [
      'coffer doctor',
      'coffer doctor --json | jq .checks',
      'coffer doctor --verify',
      "coffer doctor --verify --json | jq -c '.verify[] | {vault, opened, failed: (.failed | length)}'",
    ],
    load: () => import('./doctor.ts'),
  },
  {
    path: ['unlock'],
    summary: 'unlock the account once and print a session token for scripts (COFFER_SESSION)',
    description:
      'Derives the keys once and seals them in the profile under a random key that only the printed\n' +
      'token holds. Export it and later commands need no passphrase. Each unlock is a session of\n' +
      "its own (parallel jobs on one profile do not end each other's); the 8 newest live,\n" +
      '`coffer lock` ends them all.',
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
    examples: ['coffer lock', 'unset COFFER_SESSION'],
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
    description:
      'The fingerprint is derived from the public keys the server hands out. Read it to the\n' +
      'user over another channel (phone, chat); if it matches, share with --fingerprint. The\n' +
      'first sight pins the key here: a later change is refused by share and encrypt --to.\n' +
      '`coffer user show YOURNAME` prints your own.',
    options: {},
    examples: ['coffer user show bob', 'coffer user show bob --json | jq -r .fingerprint'],
    load: () => import('./user-show.ts'),
  },
];
