/**
 * Child process of sqlite-durability.test.ts: pushes atomic batches (four
 * at a time, so they are group-committed) to a SQLite store in `argv[2]` forever and prints one JSON line per
 * acknowledged push, until the parent kills it with SIGKILL.
 * Runs directly under Node (type stripping), so it imports only erasable TS.
 */
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { createOwnedVault, randomId } from '../support/store-owner.ts';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: sqlite-crash-writer.ts DATA_DIR');

// If the parent dies without killing us, stdin ends: don't outlive it.
process.stdin.on('end', () => process.exit(2));
process.stdin.resume();

const store = await openSqliteStore({ dataDir });
const { ownerId, vaultId } = await createOwnedVault(store, 'crash-writer');
process.stdout.write(`${JSON.stringify({ vaultId, ownerId })}\n`);

// Four pushes per round, issued together: the store commits them as one
// group (one fsync), and each is acknowledged only after that commit.
const push = async (): Promise<void> => {
  const batch = [0, 1].map(() => ({
    mutationId: randomId(),
    recordId: randomId(),
    baseRevision: null,
    envelope: new Uint8Array(randomBytes(200)),
    epoch: 1,
  }));
  const outcomes = await store.pushMutations(vaultId, ownerId, batch, {
    atomic: true,
    now: Date.now(),
  });
  const acknowledged = batch.map((m, i) => ({
    mutationId: m.mutationId,
    recordId: m.recordId,
    envelope: Buffer.from(m.envelope).toString('hex'),
    outcome: outcomes[i],
  }));
  process.stdout.write(`${JSON.stringify(acknowledged)}\n`);
};
for (;;) await Promise.all([push(), push(), push(), push()]);
