/**
 * Child processes of the integration suite: a script run on the workspace's
 * TypeScript sources with one JSON job as its argument (the test side), and
 * the client such a script builds from its job (the child side).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createClient, SqliteStore } from '../../src/node.ts';

/** What every child needs to act as one device of an account on the test server. */
export interface AccountJob {
  serverUrl: string;
  pinSha256: string;
  /** The SQLite replica file of the device the child acts as. */
  replica: string;
  username: string;
  passphrase: string;
  vaultId: string;
}

export interface ChildJob {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** stdout and stderr so far. */
  out(): string;
  err(): string;
  /** Called with all of stdout so far, on every chunk of it. */
  onOut(listener: (out: string) => void): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `script` with `job` as its one argument. */
export function startChildJob(script: string, job: object): ChildJob {
  const child = spawn(
    process.execPath,
    ['--conditions=@coffer/source', script, JSON.stringify(job)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const listeners: Array<(out: string) => void> = [];
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    for (const listener of listeners) listener(out);
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    onOut: (listener) => listeners.push(listener),
    exited,
  };
}

/** In the child: the device `job` names, a client over its replica (not logged in yet). */
export function clientForJob(job: AccountJob, clientName: string) {
  const store = SqliteStore.open(job.replica);
  const client = createClient({
    serverUrl: job.serverUrl,
    store,
    clientName,
    clientVersion: '0.0.0',
    tls: { pinSha256: job.pinSha256 },
  });
  return { client, store };
}
