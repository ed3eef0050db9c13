/**
 * Child process of the bench: log in (not timed), then pull a whole vault
 * into a FRESH SQLite replica and report the time, this process's CPU time
 * and its peak RSS (VmHWM), so the figures are the sync's and not the seeding's.
 *
 * With `replay`, every pull answer is first fetched from the server (not
 * timed) and kept as it arrived (binary page or JSON); the timed sync then gets
 * them from a fetch that answers from memory. Everything of the client still runs (JSON
 * parsing, wire-schema checks, decryption, distrust checks, SQLite), only the
 * server and the socket are gone: the client's own ceiling.
 *
 * Argument: JSON { url, pinSha256, username, vaultId, file, replay?, opener? }.
 */
import { readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createTlsFetch } from '../src/node.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { createSyncCore } from '../src/sync/core.ts';
import { createNodeOpenPool } from '../src/sync/node-open-pool.ts';
import { inThreadOpener } from '../src/sync/record-opener.ts';
import { HttpTransport } from '../src/transport/http-transport.ts';
import { loginPatiently, newClient, serverCpuSeconds } from './setup.ts';

const kib = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

/** Rows of the vault in the replica, counted by SQLite (no 100k envelopes in memory). */
function countRecords(file: string, vaultId: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const row = db
      .prepare('SELECT count(*) AS n FROM records WHERE vault_id = ? AND envelope IS NOT NULL')
      .get(vaultId) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  pinSha256: string;
  username: string;
  vaultId: string;
  file: string;
  replay?: boolean;
  /** Where envelopes are opened: Node's worker pool (the default client) or this thread. */
  opener?: 'pool' | 'inline';
  /** The server's data directory (finds its process, for its CPU time during the sync). */
  dataDir?: string;
};
const makeOpener = () => (args.opener === 'inline' ? inThreadOpener : createNodeOpenPool());
const store = SqliteStore.open(args.file);
const client = newClient(args, store, makeOpener());
await loginPatiently(client, args.username);
const ring = await client.vaults.keyring(args.vaultId);

/** A recorded pull answer: its body and content type (binary pages or JSON, as the server chose). */
interface RecordedAnswer {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** The pull answers of the whole vault, by request cursor. */
async function recordPullAnswers(): Promise<Map<string, RecordedAnswer>> {
  const tls = createTlsFetch({ pinSha256: args.pinSha256 });
  const answers = new Map<string, RecordedAnswer>();
  const recorder = new HttpTransport({
    serverUrl: args.url,
    clientName: 'client-bench',
    clientVersion: '0.0.0',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await tls(input, init);
      const body = new Uint8Array(await response.arrayBuffer());
      const contentType = response.headers.get('content-type') ?? '';
      answers.set(new URL(String(input)).searchParams.get('cursor') ?? '', { body, contentType });
      return new Response(body, { status: response.status, headers: response.headers });
    }) as typeof fetch,
  });
  recorder.setToken(client.accounts.token);
  for (let cursor = 0; ; ) {
    const page = await recorder.pull(args.vaultId, cursor, 1000);
    if (!page.hasMore) break;
    cursor = page.nextCursor;
  }
  return answers;
}

let sync: () => Promise<void> = () => client.sync(args.vaultId);
let closeReplay = () => {};
let errors = () => client.state.getSnapshot().errors.map((e) => e.code);
if (args.replay) {
  const answers = await recordPullAnswers();
  const transport = new HttpTransport({
    serverUrl: args.url,
    clientName: 'client-bench',
    clientVersion: '0.0.0',
    fetch: (async (input: RequestInfo | URL) => {
      // A socket's answer arrives as an event-loop task; answering in a
      // microtask instead ran the whole sync without one, so the open pool's
      // workers never got to say they were ready and every page opened here.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = answers.get(new URL(String(input)).searchParams.get('cursor') ?? '');
      if (answer === undefined) throw new Error('bench replay: no recorded answer for this cursor');
      return new Response(answer.body, { headers: { 'content-type': answer.contentType } });
    }) as typeof fetch,
  });
  const core = createSyncCore({
    store,
    transport,
    keyring: async () => ring,
    opener: makeOpener(),
  });
  sync = () => core.engine.sync(args.vaultId);
  closeReplay = () => core.engine.close();
  errors = () => core.state.getSnapshot().errors.map((e) => e.code);
}

/**
 * CPU time by thread name since start, in ms (Linux /proc; empty elsewhere):
 * "MainThread", "WorkerThread" (the open pool and the checkpointer),
 * "V8Worker" (V8's helpers: garbage collection, compilation).
 */
function threadCpuMs(): Map<string, number> {
  const by = new Map<string, number>();
  try {
    for (const t of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, in clock ticks of 10 ms.
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      by.set(name, (by.get(name) ?? 0) + ms);
    }
  } catch {
    // Not Linux: no split.
  }
  return by;
}
const threads0 = threadCpuMs();
const rssBeforeKiB = kib('VmRSS');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const server0 = args.dataDir ? serverCpuSeconds(args.dataDir) : 0;
await sync();
const serverSeconds = args.dataDir ? serverCpuSeconds(args.dataDir) - server0 : 0;
const seconds = (performance.now() - t0) / 1000;
// This process's CPU time: what the client spends, whatever else loads the machine.
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// The sync's own peak, before anything below reads the replica back.
const peakRssKiB = kib('VmHWM');
const threadsAfter = threadCpuMs();
const threadSeconds = Object.fromEntries(
  [...threadsAfter].map(([name, ms]) => [name, (ms - (threads0.get(name) ?? 0)) / 1000]),
);
const heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
const records = countRecords(args.file, args.vaultId);
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds, serverSeconds, records, errors: errors(), rssBeforeKiB, peakRssKiB, heapUsedMiB, threadSeconds })}\n`,
);
closeReplay();
await client.close();
await store.close();
// Diagnostic: nothing should keep the process alive now; say what does, then go.
setTimeout(() => {
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  process.stderr.write(
    `initial-sync: still alive after close: ${handles.map((h) => h.constructor.name).join(', ')}\n`,
  );
  process.exit(0);
}, 5000).unref();
