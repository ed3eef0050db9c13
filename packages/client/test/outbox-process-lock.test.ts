// Outbox changes of several processes on one SQLite replica. Each process
// (or each store opened on the file) has its own connection and its own
// in-memory chain, so before the inter-process lock a write of one could
// coalesce into an entry another was marking as sent, and the other's push
// answer then removed it: the newer write was gone, locally and on the server.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.ts';
import { OUTBOX_LOCK_SUFFIX, SqliteFileLock, SqliteStore } from '../src/store/sqlite-store.ts';
import type { OutboxEntry } from '../src/store/types.ts';
import { withOutboxLock } from '../src/sync/outbox-lock.ts';
import { openClient, setup } from './sync-harness.ts';

const CHILD = fileURLToPath(new URL('./outbox-process-lock-child.ts', import.meta.url));

let dir: string;
let replica: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-process-lock-'));
  replica = join(dir, 'replica.sqlite3');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Another process holding `file`'s outbox lock until told to release it (stdin) or killed. */
async function holderProcess(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@coffer/source', CHILD, file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('held\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}: ${err}`)));
  });
  return child;
}

describe('outbox changes of several processes on one SQLite replica', () => {
  it('a write through a second store on the file, made while the first marks that record as sent, is pushed after it', async () => {
    const s = await setup(0);
    const first = SqliteStore.open(replica);
    const second = SqliteStore.open(replica);
    // Hold the first store's "mark as sent" (attempts 1) until the other write has started.
    let reached!: () => void;
    let release!: () => void;
    const marking = new Promise<void>((r) => {
      reached = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const updateOutbox = first.updateOutbox.bind(first);
    let held = false;
    first.updateOutbox = async (entry: OutboxEntry) => {
      if (!held && entry.attempts === 1) {
        held = true;
        reached();
        await gate;
      }
      return updateOutbox(entry);
    };
    // Two clients of one device: the same replica, as two processes would open it.
    const a = openClient(s, first as unknown as MemoryStore, s.server.connect());
    const b = openClient(s, second as unknown as MemoryStore, s.server.connect());
    await a.records.put(s.vaultId, 'doc', 'first');
    await marking; // a's background push is marking the entry as sent
    const write = b.engine.write.bind(b.engine);
    b.engine.write = (...args) => {
      const queued = write(...args);
      release(); // a's push goes on once b's write has started
      return queued;
    };
    s.clock.advance(1);
    await b.records.put(s.vaultId, 'doc', 'second');
    await a.engine.idle();
    await b.engine.idle();
    s.clock.advance(10_000);
    await b.engine.sync(s.vaultId);
    await a.engine.sync(s.vaultId);
    expect(await first.countOutbox()).toBe(0);
    expect((await a.records.get(s.vaultId, 'doc'))?.value).toBe('second');
    expect((await b.records.get(s.vaultId, 'doc'))?.value).toBe('second');
    const elsewhere = openClient(s, new MemoryStore(), s.server.connect());
    await elsewhere.engine.sync(s.vaultId);
    expect((await elsewhere.records.get(s.vaultId, 'doc'))?.value).toBe('second');
    // One device: its two writes are versions of one record, never a conflict.
    expect(await a.conflicts.list(s.vaultId)).toEqual([]);
    expect([a.errors, b.errors]).toEqual([[], []]);
    for (const c of [a, b, elsewhere]) c.engine.close();
    await first.close();
    await second.close();
  });

  it('another process holding the lock makes an outbox change wait until it releases', async () => {
    const holder = await holderProcess(replica);
    const store = SqliteStore.open(replica);
    let ran = false;
    const change = withOutboxLock(store, 'vault', async () => {
      ran = true;
    });
    expect(await settlesWithin(change, 400)).toBe(false);
    expect(ran).toBe(false);
    holder.stdin?.write('release\n');
    await change;
    expect(ran).toBe(true);
    await store.close();
  });

  it('a holder that is killed never leaves the replica locked', async () => {
    const holder = await holderProcess(replica);
    const store = SqliteStore.open(replica);
    const change = withOutboxLock(store, 'vault', async () => 'done');
    expect(await settlesWithin(change, 300)).toBe(false);
    holder.kill('SIGKILL');
    expect(await change).toBe('done');
    await store.close();
  });

  it('a holder that does not let go fails the change with replica_busy after the wait, and it never runs', async () => {
    await holderProcess(replica);
    const store = SqliteStore.open(replica, { processLockWaitMs: 300 });
    let ran = false;
    await expect(
      withOutboxLock(store, 'vault', async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ name: 'CofferClientError', code: 'replica_busy' });
    expect(ran).toBe(false);
    // A local write through a client says so too, and queues nothing.
    const s = await setup(0);
    const client = openClient(s, store as unknown as MemoryStore, s.server.connect());
    await expect(client.records.put(s.vaultId, 'doc', 'value')).rejects.toMatchObject({
      code: 'replica_busy',
    });
    expect(await store.countOutbox()).toBe(0);
    expect(await client.records.get(s.vaultId, 'doc')).toBeUndefined();
    client.engine.close();
    await store.close();
  });

  it('changes of several vaults in one store share the lock, and the last one out releases it', async () => {
    const store = SqliteStore.open(replica);
    const other = SqliteStore.open(replica);
    let finishA!: () => void;
    const aHolds = new Promise<void>((r) => {
      finishA = r;
    });
    const a = withOutboxLock(store, 'vault-a', () => aHolds);
    // vault-b of the same store does not wait for vault-a (they are independent)...
    await withOutboxLock(store, 'vault-b', async () => {});
    // ...but another store on the file waits until vault-a's change is over.
    const blocked = withOutboxLock(other, 'vault-a', async () => 'after');
    expect(await settlesWithin(blocked, 300)).toBe(false);
    finishA();
    await a;
    expect(await blocked).toBe('after');
    await store.close();
    await other.close();
  });

  it('SqliteFileLock for any file: says once that it waits, and fails with the error the app chose', async () => {
    const file = join(dir, 'app.lock');
    const holder = new SqliteFileLock(file);
    const release = await holder.acquire();
    let notices = 0;
    const waiter = new SqliteFileLock(file, {
      waitMs: 400,
      noticeAfterMs: 50,
      onWait: () => notices++,
      timeoutError: (waitMs) => new Error(`busy for ${waitMs} ms`),
    });
    await expect(waiter.acquire()).rejects.toThrow('busy for 400 ms');
    expect(notices).toBe(1);
    release();
    const again = await waiter.acquire();
    again();
    holder.close();
    waiter.close();
  });

  it('reading a replica creates no side file; the first outbox change does; in-memory stores never do', async () => {
    const reader = SqliteStore.open(replica);
    await reader.listOutbox();
    expect(readdirSync(dir).filter((f) => f.endsWith(OUTBOX_LOCK_SUFFIX))).toEqual([]);
    await withOutboxLock(reader, 'vault', async () => {});
    expect(existsSync(`${replica}${OUTBOX_LOCK_SUFFIX}`)).toBe(true);
    await reader.close();
    // Not a file named ':memory:-outbox-lock' in the working directory.
    const memory = SqliteStore.open(':memory:');
    expect(await withOutboxLock(memory, 'vault', async () => 1)).toBe(1);
    expect(existsSync(`:memory:${OUTBOX_LOCK_SUFFIX}`)).toBe(false);
    await memory.close();
  });
});
