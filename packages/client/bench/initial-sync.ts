/**
 * Child process of the bench: log in (not timed), then pull a whole vault
 * into a FRESH SQLite replica and report the time and this process's peak
 * RSS (VmHWM), so the figure is the sync's and not the seeding's.
 * Argument: JSON { url, pinSha256, username, vaultId, file }.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { newClient, PASSPHRASE } from './setup.ts';

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
};
const store = SqliteStore.open(args.file);
const client = newClient(args, store);
await client.accounts.login(args.username, PASSPHRASE);
await client.vaults.keyring(args.vaultId);
const rssBeforeKiB = kib('VmRSS');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await client.sync(args.vaultId);
const seconds = (performance.now() - t0) / 1000;
// This process's CPU time: what the client spends, whatever else loads the machine.
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// The sync's own peak, before anything below reads the replica back.
const peakRssKiB = kib('VmHWM');
const heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
const records = countRecords(args.file, args.vaultId);
const errors = client.state.getSnapshot().errors.map((e) => e.code);
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds, records, errors, rssBeforeKiB, peakRssKiB, heapUsedMiB })}\n`,
);
await client.close();
await store.close();
