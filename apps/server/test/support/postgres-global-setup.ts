/**
 * vitest globalSetup: a PostgreSQL server for the storage and server suites.
 * `COFFER_TEST_DATABASE_URL` (an admin URL: it must be allowed to CREATE
 * DATABASE) wins; otherwise a throwaway cluster is initialised in a temp
 * directory, listening on a unix socket only, and deleted afterwards.
 * Missing PostgreSQL binaries fail the run loudly: CI must have them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin connection URL of the test PostgreSQL server. */
    postgresUrl: string;
  }
}

const PG_BIN = process.env.COFFER_PG_BIN ?? '/usr/lib/postgresql/15/bin';
// The socket lives in a private directory, so the port only names the socket
// file and cannot collide with another server.
const PORT = 5432;

function osUser(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export default function setup(project: TestProject): (() => void) | undefined {
  const external = process.env.COFFER_TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    return undefined;
  }
  const initdb = join(PG_BIN, 'initdb');
  const pgCtl = join(PG_BIN, 'pg_ctl');
  if (!existsSync(initdb) || !existsSync(pgCtl)) {
    throw new Error(
      `PostgreSQL binaries not found in ${PG_BIN}: install postgresql-15 (apt-get install -y postgresql-15), set COFFER_PG_BIN, or set COFFER_TEST_DATABASE_URL`,
    );
  }
  const root = mkdtempSync(join(tmpdir(), 'coffer-pg-'));
  const dataDir = join(root, 'data');
  // initdb refuses to run as root: run the cluster as the `postgres` OS user.
  const asRoot = process.getuid?.() === 0;
  const run = (file: string, args: string[]): void => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
      : [file, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  if (asRoot) {
    const { uid, gid } = osUser('postgres');
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o755);
  const stop = (): void => {
    try {
      run(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    run(initdb, [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    // Throwaway data: trade durability for speed (the SQLite durability test
    // is the one that checks fsync behaviour).
    const serverOptions = [
      `-p ${PORT}`,
      `-k ${root}`,
      "-c listen_addresses=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run(pgCtl, ['-D', dataDir, '-o', serverOptions, '-l', join(root, 'server.log'), '-w', 'start']);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  project.provide(
    'postgresUrl',
    `postgresql://postgres@localhost:${PORT}/postgres?host=${encodeURIComponent(root)}`,
  );
  return stop;
}
