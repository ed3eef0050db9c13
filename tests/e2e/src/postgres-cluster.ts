/**
 * A throwaway PostgreSQL cluster for one e2e test file, driven with the
 * PostgreSQL client binaries (no driver dependency): initdb in a temp
 * directory, listening on a unix socket only, stopped and deleted when
 * done. `COFFER_PG_BIN` names another binary directory. Missing binaries
 * fail loudly: CI must have them (`apt-get install postgresql-15`).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.COFFER_PG_BIN ?? '/usr/lib/postgresql/15/bin';
// Only names the socket file inside a private directory: cannot collide.
const PORT = 5432;

export interface PostgresCluster {
  /** `postgresql://postgres@localhost:5432/NAME?host=SOCKET_DIR` */
  url(database: string): string;
  /** Run SQL (or a file with `-f`) through psql, stopping at the first error; stdout as text. */
  psql(database: string, args: readonly string[]): string;
  /** Every table's rows and the schema as SQL text, to compare before and after. */
  dump(database: string): string;
  stop(): void;
}

function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/**
 * Start a cluster; the caller stops it (afterAll).
 *
 * @example
 * const pg = startPostgresCluster();
 * pg.psql('postgres', ['-c', 'CREATE DATABASE app']);
 * pg.stop();
 */
export function startPostgresCluster(): PostgresCluster {
  const bin = (name: string): string => join(PG_BIN, name);
  if (!existsSync(bin('initdb')) || !existsSync(bin('psql'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${PG_BIN}: install postgresql-15 or set COFFER_PG_BIN`,
    );
  }
  const root = mkdtempSync(join(tmpdir(), 'coffer-e2e-pg-'));
  const dataDir = join(root, 'data');
  // initdb refuses to run as root: the server runs as the `postgres` OS user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(root, idOf('postgres', '-u'), idOf('postgres', '-g'));
  chmodSync(root, 0o755);
  const asOwner = (file: string, args: string[]): void => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
      : [file, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const url = (database: string): string =>
    `postgresql://postgres@localhost:${PORT}/${database}?host=${encodeURIComponent(root)}`;
  try {
    asOwner(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
    asOwner(bin('pg_ctl'), [
      '-D',
      dataDir,
      '-o',
      `-p ${PORT} -k ${root} -c listen_addresses='' -c fsync=off`,
      '-l',
      join(root, 'server.log'),
      '-w',
      'start',
    ]);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    psql: (database, args) =>
      execFileSync(bin('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, url(database)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    dump: (database) =>
      execFileSync(bin('pg_dump'), ['--inserts', '--no-owner', url(database)], {
        encoding: 'utf8',
      })
        // pg_dump 15.14+ wraps the dump in a random \restrict key.
        .replace(/^\\(un)?restrict .*$/gm, ''),
    stop: () => {
      try {
        asOwner(bin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
