/**
 * Durability of acknowledged pushes on SQLite: a child process pushes and
 * reports every acknowledged batch, is killed with SIGKILL mid-stream, and
 * the reopened store must hold every acknowledged mutation (see
 * docs/durability.md; power loss cannot be simulated here).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import type { MutationOutcome } from '../../src/storage/contract.ts';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/storage/sqlite/sqlite-store.ts';
import { expectSameBytes } from './fixtures.ts';

const ACKNOWLEDGED_BATCHES = 40;

interface Acknowledged {
  mutationId: string;
  recordId: string;
  envelope: string;
  outcome: MutationOutcome;
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
});

/** Run the writer until it has acknowledged `batches` pushes, then SIGKILL it. */
async function writeAndKill(dir: string, batches: number) {
  const writer = spawn(
    process.execPath,
    [join(import.meta.dirname, 'sqlite-crash-writer.ts'), dir],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child = writer;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    writer.on('exit', (_code, signal) => resolve(signal)),
  );
  const lines = createInterface({ input: writer.stdout });
  let vault: { vaultId: string; ownerId: string } | undefined;
  const acknowledged: Acknowledged[] = [];
  for await (const line of lines) {
    if (vault === undefined) {
      vault = JSON.parse(line) as { vaultId: string; ownerId: string };
      continue;
    }
    acknowledged.push(...(JSON.parse(line) as Acknowledged[]));
    if (acknowledged.length >= batches * 2) {
      writer.kill('SIGKILL');
      break;
    }
  }
  expect(await exited).toBe('SIGKILL');
  if (vault === undefined) throw new Error('writer printed nothing');
  return { ...vault, acknowledged };
}

describe('SQLite durability', () => {
  it('keeps every acknowledged push across a SIGKILL of the writing process', async () => {
    dataDir = tempDirSync('coffer-crash-');
    const { vaultId, ownerId, acknowledged } = await writeAndKill(dataDir, ACKNOWLEDGED_BATCHES);
    expect(acknowledged.length).toBe(ACKNOWLEDGED_BATCHES * 2);

    const check = new DatabaseConstructor(join(dataDir, SQLITE_FILE_NAME));
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();

    const store = await openSqliteStore({ dataDir });
    try {
      const pulled = await store.pullChanges(vaultId, 0, 100_000);
      if (pulled.resyncRequired) throw new Error('unexpected resync');
      const byRecord = new Map(pulled.changes.map((c) => [c.recordId, c]));
      for (const ack of acknowledged) {
        expect(ack.outcome.status).toBe('applied');
        const change = byRecord.get(ack.recordId);
        expect(change?.seq).toBe(ack.outcome.status === 'applied' ? ack.outcome.seq : -1);
        expectSameBytes(change?.envelope ?? new Uint8Array(), Buffer.from(ack.envelope, 'hex'));
      }
      // Retrying the acknowledged mutations must not write them again.
      const head = (await store.getVault(vaultId))?.headSeq;
      const retried = await store.pushMutations(
        vaultId,
        ownerId,
        acknowledged.map((a) => ({
          mutationId: a.mutationId,
          recordId: a.recordId,
          baseRevision: null,
          envelope: null,
          epoch: 1,
        })),
        { atomic: false, now: 0 },
      );
      expect(retried).toEqual(acknowledged.map((a) => a.outcome));
      expect((await store.getVault(vaultId))?.headSeq).toBe(head);
    } finally {
      await store.close();
    }
  });
});
