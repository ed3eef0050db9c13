/**
 * The `coffer-server backup` command line: arguments, the one-line answer,
 * and the exit code (0 done, 1 failed, 2 bad usage).
 */
import { parseArgs } from 'node:util';
import { backupDataDir } from './backup.ts';

export const BACKUP_USAGE = [
  'Usage: coffer-server backup --data-dir DIR --to NEW_DIR [--json]',
  '',
  'Copies a SQLite data directory while the server runs: a consistent snapshot of',
  'the database, the server secret and the TLS certificate and key clients pinned.',
  'NEW_DIR must not exist. It is itself a data directory: to restore, stop the',
  'server and start it with --data-dir NEW_DIR (or move NEW_DIR into place).',
  '  --data-dir DIR    COFFER_DATA_DIR',
  '  --to NEW_DIR      where the backup goes (outside DIR)',
  '  --json            print the result as one JSON object',
].join('\n');

/**
 * Run `coffer-server backup ARGS`; returns the exit code.
 *
 * @example
 * process.exitCode = runBackupCommand(['--data-dir', '/srv/coffer', '--to', '/backups/b1'], process.env);
 */
export function runBackupCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): number {
  let values: { 'data-dir'?: string; to?: string; json?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    err(`coffer-server backup: ${(error as Error).message}\n${BACKUP_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    out(`${BACKUP_USAGE}\n`);
    return 0;
  }
  const dataDir = values['data-dir'] ?? (env.COFFER_DATA_DIR || undefined);
  const missing = [
    dataDir ? '' : '--data-dir (COFFER_DATA_DIR) is required',
    values.to ? '' : '--to is required',
  ].filter(Boolean);
  if (missing.length > 0 || !dataDir || !values.to) {
    err(`${missing.map((m) => `coffer-server backup: ${m}\n`).join('')}${BACKUP_USAGE}\n`);
    return 2;
  }
  try {
    const result = backupDataDir(dataDir, values.to);
    if (values.json) out(`${JSON.stringify({ ok: true, ...result })}\n`);
    else
      out(
        `backed up ${dataDir} to ${result.to} (database ${result.databaseBytes} bytes, schema ${result.schemaVersion}; ${result.files.join(', ')})\n` +
          `restore: stop the server, then start it with --data-dir ${result.to}\n`,
      );
    return 0;
  } catch (error) {
    err(`coffer-server backup: ${(error as Error).message}\n`);
    return 1;
  }
}
