/**
 * One of two processes on one SQLite replica, for two-writers.test.ts: logs
 * in, writes `versions` versions of each of its `keys` keys (each put awaited:
 * acknowledged locally) while the client pushes in the background, syncs until
 * nothing is pending, and prints `finished`.
 * Run with: node --conditions=@coffer/source two-writers-child.ts '<json>'
 */
import { type AccountJob, clientForJob } from './child-job.ts';

interface Job extends AccountJob {
  prefix: string;
  keys: number;
  versions: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const { client, store } = clientForJob(job, 'two-writers-child');
await client.accounts.login(job.username, job.passphrase);
await client.sync(job.vaultId);
for (let v = 1; v <= job.versions; v++) {
  for (let k = 0; k < job.keys; k++) {
    await client.records.put(job.vaultId, `${job.prefix}-${k}`, `${job.prefix}-${k}-v${v}`);
  }
}
// Push what is still queued (the other process may be pushing some of it too).
for (let round = 0; round < 50 && (await store.countOutbox()) > 0; round++) {
  await client.sync(job.vaultId);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(`finished ${await store.countOutbox()}\n`);
await client.close();
await store.close();
process.exit(0);
