/**
 * Child process of sqlite-durability.test.ts: pushes atomic batches (four
 * at a time, so they are group-committed) to a SQLite store in `argv[2]` forever and prints one JSON line per
 * acknowledged push, until the parent kills it with SIGKILL.
 * Runs directly under Node (type stripping), so it imports only erasable TS.
 */
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: sqlite-crash-writer.ts DATA_DIR');

// If the parent dies without killing us, stdin ends: don't outlive it.
process.stdin.on('end', () => process.exit(2));
process.stdin.resume();

const id = (): string => randomBytes(16).toString('hex');
const store = await openSqliteStore({ dataDir });
const ownerId = id();
const vaultId = id();
await store.createAccount({
  accountId: ownerId,
  username: 'crash-writer',
  loginPublicKey: randomBytes(32),
  kdfSalt: randomBytes(16),
  kdfParams: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
  keyBundle: randomBytes(64),
  x25519PublicKey: randomBytes(32),
  ed25519PublicKey: randomBytes(32),
  createdAt: Date.now(),
});
await store.createVault({ vaultId, ownerId, createdAt: Date.now(), grants: [] });
process.stdout.write(`${JSON.stringify({ vaultId, ownerId })}\n`);

// Four pushes per round, issued together: the store commits them as one
// group (one fsync), and each is acknowledged only after that commit.
const push = async (): Promise<void> => {
  const batch = [0, 1].map(() => ({
    mutationId: id(),
    recordId: id(),
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
