/** Commands that need no server: offline envelopes. */
import type { CommandSpec } from '../cli/command.ts';

export const OFFLINE_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['encrypt'],
    summary: 'encrypt a file of any size into a Coffer envelope (streamed)',
    description:
      'With --passphrase, the file key is wrapped with Argon2id from a passphrase (works offline).\n' +
      'With --to, it is wrapped to the X25519 keys of the named users, as pinned in this profile\n' +
      '(run `coffer user show NAME` first to check and pin a fingerprint; a user not pinned yet\n' +
      'is shown and asked about on a terminal, refused in scripts). Use "-" for stdin/stdout.',
    positionals: [{ name: 'IN' }, { name: 'OUT' }],
    options: {
      passphrase: {
        type: 'boolean',
        short: 'p',
        description:
          'wrap with a passphrase (prompt, --passphrase-file, COFFER_FILE_PASSPHRASE or COFFER_PASSPHRASE)',
      },
      to: {
        type: 'string',
        multiple: true,
        value: 'USER',
        description: 'wrap to a user (repeat for several); also yourself if logged in',
      },
      force: { type: 'boolean', short: 'f', description: 'overwrite OUT if it exists' },
    },
    examples: [
      'coffer encrypt --passphrase backup.tar backup.tar.cfr',
      'COFFER_PASSPHRASE=… coffer encrypt -p - - < dump.sql > dump.sql.cfr',
      'coffer encrypt --to bob --to carol report.pdf report.pdf.cfr',
    ],
    load: () => import('./encrypt.ts'),
  },
  {
    path: ['decrypt'],
    summary: 'decrypt a Coffer envelope (streamed; nothing written unless it verifies)',
    description:
      'The plaintext goes to a temporary file beside OUT and is renamed into place only after the\n' +
      'whole envelope has been verified: a tampered or truncated input leaves OUT untouched (exit 8).\n' +
      'Passphrase envelopes ask for the passphrase (or take --passphrase-file, COFFER_FILE_PASSPHRASE,\n' +
      'then COFFER_PASSPHRASE); recipient envelopes use your unlocked account keys.',
    positionals: [{ name: 'IN' }, { name: 'OUT' }],
    options: {
      force: { type: 'boolean', short: 'f', description: 'overwrite OUT if it exists' },
    },
    examples: [
      'coffer decrypt backup.tar.cfr backup.tar',
      'coffer decrypt report.pdf.cfr - | less',
      'COFFER_FILE_PASSPHRASE=… coffer decrypt backup.tar.cfr backup.tar   # account passphrase stays in COFFER_PASSPHRASE',
    ],
    load: () => import('./decrypt.ts'),
  },
];
