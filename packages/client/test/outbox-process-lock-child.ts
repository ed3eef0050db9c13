// A second process on one SQLite replica, for outbox-process-lock.test.ts:
// takes the replica's outbox lock, says `held`, and releases it when a line
// arrives on stdin (or holds it until killed).
import { createInterface } from 'node:readline';
import { SqliteStore } from '../src/store/sqlite-store.ts';

const store = SqliteStore.open(process.argv[2]!);
const release = await store.lockAcrossProcesses();
process.stdout.write('held\n');
const lines = createInterface({ input: process.stdin });
for await (const _ of lines) break;
release();
await store.close();
process.stdout.write('released\n');
process.exit(0);
