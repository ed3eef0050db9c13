import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../tooling/test-temp.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';

const dir = tempDirSync('coffer-client-store-');
let n = 0;

runStoreContract('memory', async () => new MemoryStore());
runStoreContract('sqlite', async () => SqliteStore.open(join(dir, `replica-${++n}.db`)));

describe('SqliteStore persistence', () => {
  it('keeps data, outbox order and cursors across reopen', async () => {
    const file = join(dir, 'reopen.db');
    const a = SqliteStore.open(file);
    await a.applyPull(
      'v',
      [{ vaultId: 'v', recordId: 'r', revision: 1, seq: 1, envelope: null }],
      1,
    );
    await a.enqueue({
      mutationId: 'm',
      vaultId: 'v',
      recordId: 'r',
      baseRevision: 1,
      envelope: new Uint8Array([1]),
      epoch: 2,
      createdAt: 1,
      attempts: 0,
      nextAttemptAt: 0,
    });
    await a.close();
    const b = SqliteStore.open(file);
    expect(await b.getCursor('v')).toBe(1);
    expect((await b.listOutbox())[0]?.envelope).toEqual(new Uint8Array([1]));
    const next = await b.enqueue({
      mutationId: 'm2',
      vaultId: 'v',
      recordId: 'r',
      baseRevision: 1,
      envelope: null,
      epoch: 2,
      createdAt: 2,
      attempts: 0,
      nextAttemptAt: 0,
    });
    expect(next.order).toBeGreaterThan((await b.listOutbox())[0]!.order);
    await b.close();
  });
});
