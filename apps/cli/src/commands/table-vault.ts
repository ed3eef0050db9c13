/** Vault, record and sync commands. */
import type { CommandSpec } from '../cli/command.ts';

export const VAULT_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['vault', 'create'],
    summary: 'create a vault (its name is encrypted; the server sees only an id)',
    positionals: [{ name: 'NAME' }],
    options: {},
    examples: ['coffer vault create ops'],
    load: () => import('./vault-create.ts'),
  },
  {
    path: ['vault', 'list'],
    summary: 'list your vaults with your role',
    positionals: [],
    options: {},
    examples: ['coffer vault list', 'coffer vault list --json'],
    load: () => import('./vault-list.ts'),
  },
  {
    path: ['vault', 'members'],
    summary: 'list the members of a vault with their roles and fingerprints',
    positionals: [{ name: 'NAME' }],
    options: {},
    examples: ['coffer vault members ops'],
    load: () => import('./vault-members.ts'),
  },
  {
    path: ['vault', 'share'],
    summary: 'share a vault with a user (after checking their fingerprint)',
    description:
      "Fetches USER's public keys and shows the fingerprint. Compare it with USER out of band;\n" +
      'pass it with --fingerprint to share non-interactively (60 digits; quote it or leave the\n' +
      'spaces out). A changed key is refused. Sharing again with another --role changes the\n' +
      "member's role.",
    positionals: [{ name: 'NAME' }, { name: 'USER' }],
    options: {
      role: {
        type: 'string',
        value: 'ROLE',
        description: 'reader | writer | admin (default writer)',
      },
      fingerprint: {
        type: 'string',
        value: 'FP',
        description: "USER's expected fingerprint (from `coffer user show`)",
      },
    },
    examples: [
      'coffer user show bob',
      'coffer vault share ops bob --role reader --fingerprint "83172 80773 22192 … 34930"',
      'coffer vault share ops bob --role writer        # bob is a member: changes his role',
    ],
    load: () => import('./vault-share.ts'),
  },
  {
    path: ['vault', 'remove'],
    summary:
      'remove a member, rotate the vault key (new writes are unreadable to them) and re-encrypt older records under it',
    positionals: [{ name: 'NAME' }, { name: 'USER' }],
    options: {},
    examples: ['coffer vault remove ops bob'],
    load: () => import('./vault-remove.ts'),
  },
  {
    path: ['put'],
    summary:
      'set KEY in VAULT to VALUE, a file, or stdin (VALUE "-" or none) (pushed now; queued while offline)',
    positionals: [
      { name: 'VAULT' },
      { name: 'KEY' },
      { name: 'VALUE', optional: true, secret: true },
    ],
    options: {
      file: {
        type: 'string',
        value: 'PATH',
        description:
          'store the contents of a file (any size, streamed); "-" or a pipe: stdin, up to 180 KiB',
      },
      'no-sync': { type: 'boolean', description: 'only write the local replica and outbox' },
    },
    examples: [
      'coffer put ops db/password hunter2',
      'coffer put ops tls/key.pem --file ./key.pem',
      'openssl rand -hex 32 | coffer put ops api/token',
    ],
    load: () => import('./put.ts'),
  },
  {
    path: ['get'],
    summary: 'print the value of KEY (or write it to --out)',
    positionals: [{ name: 'VAULT' }, { name: 'KEY' }],
    options: {
      out: {
        type: 'string',
        short: 'o',
        value: 'PATH',
        description: 'write to a file instead of stdout',
      },
      force: { type: 'boolean', short: 'f', description: 'overwrite --out if it exists' },
      sync: { type: 'boolean', description: 'pull from the server first' },
    },
    examples: [
      'coffer get ops db/password',
      'coffer get ops tls/key.pem --out key.pem',
      'DB_PASS="$(coffer get ops db/password)"',
    ],
    load: () => import('./get.ts'),
  },
  {
    path: ['rm'],
    summary: 'delete KEY from VAULT',
    positionals: [{ name: 'VAULT' }, { name: 'KEY' }],
    options: {},
    examples: ['coffer rm ops old/token'],
    load: () => import('./rm.ts'),
  },
  {
    path: ['ls'],
    summary: 'list the keys of a vault',
    positionals: [{ name: 'VAULT' }],
    options: {},
    examples: ['coffer ls ops', 'coffer ls ops --json'],
    load: () => import('./ls.ts'),
  },
  {
    path: ['history'],
    summary: 'show the known versions of KEY (current, conflict copies)',
    description:
      'Prints each version with its value (files: their size), so you can pick one before\n' +
      '`coffer resolve VAULT KEY --keep mine|theirs`. A conflict copy shows when it was detected.',
    positionals: [{ name: 'VAULT' }, { name: 'KEY' }],
    options: {},
    examples: ['coffer history ops db/password', 'coffer history ops db/password --json'],
    load: () => import('./history.ts'),
  },
  {
    path: ['sync'],
    summary: 'push pending writes and pull changes (all vaults, or one); --watch stays live',
    description:
      '--watch stays connected until Ctrl-C, SIGTERM or the reader of its output goes away (exit 0)\n' +
      'and prints each change it applies\n' +
      'on stdout, one line each: `2026-01-01T12:00:00.000Z ops: db/password updated`. With --json\n' +
      'it prints one JSON object per line (NDJSON) instead of one document, never "ok":\n' +
      '  {"event":"change","vault","key","change":"added"|"updated"|"deleted","updatedAt"?}\n' +
      '  {"event":"sync","connection","pending","conflicts","lastSyncAt"}\n' +
      'Logs and warnings go to stderr; the line `watching N vault(s)…` there says the watch is live.',
    positionals: [{ name: 'VAULT', optional: true }],
    options: {
      watch: {
        type: 'boolean',
        short: 'w',
        description: 'keep running and apply changes as they happen',
      },
    },
    examples: [
      'coffer sync',
      'coffer sync ops --watch',
      'coffer --json sync --watch | jq -c --unbuffered \'select(.event == "change")\'',
    ],
    load: () => import('./sync.ts'),
  },
  {
    path: ['conflicts'],
    summary: 'list unresolved conflicts',
    positionals: [{ name: 'VAULT', optional: true }],
    options: {},
    examples: ['coffer conflicts', 'coffer conflicts ops --json'],
    load: () => import('./conflicts.ts'),
  },
  {
    path: ['resolve'],
    summary: 'settle a conflict on KEY by keeping your version or theirs',
    positionals: [{ name: 'VAULT' }, { name: 'KEY' }],
    options: {
      keep: {
        type: 'string',
        value: 'mine|theirs',
        description: 'which version survives (required)',
      },
    },
    examples: ['coffer resolve ops db/password --keep theirs'],
    load: () => import('./resolve.ts'),
  },
];
