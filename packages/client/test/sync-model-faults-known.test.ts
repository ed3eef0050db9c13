// Shrunk failures of the fault model (test/fault-model.ts) that depend on
// the server's generation, replayed against the current server (fixed) and
// an old one (before 53d9d1d), where the first is the known gap no client
// can close: it must still be classified as such, so the property test's
// exclusion (sync-model-faults.test.ts) covers exactly this case.
import { describe, expect, it } from 'vitest';
import { type FaultOp, OldServerRevisionReuse, runFaultModel } from './fault-model.ts';

const put = (client: number, name: string, value = 1): FaultOp => ({
  kind: 'put',
  client,
  name,
  value,
});
const del = (client: number, name: string): FaultOp => ({ kind: 'delete', client, name });
const sync = (client: number): FaultOp => ({ kind: 'sync', client });
const online = (client: number, on: boolean): FaultOp => ({ kind: 'online', client, online: on });
const purge: FaultOp = { kind: 'purge' };

// put a@0, sync@1, offline@1, delete a@0, delete a@1, purge, put a@0: device
// 1's deletion is queued on the first life's revision 1; an old server
// restarts the re-created record at revision 1, so the deletion applies to
// the new life without a conflict and the later put is lost.
const revisionReuse = [
  put(0, 'a'),
  sync(1),
  online(1, false),
  del(0, 'a'),
  del(1, 'a'),
  purge,
  put(0, 'a'),
];

describe('a write queued on a record life the server purged', () => {
  it('current server: meets the new life as a conflict, the later put survives', async () => {
    await runFaultModel(revisionReuse);
  });

  it('old server: applies silently over the new life (the known gap, classified as such)', async () => {
    const run = runFaultModel(revisionReuse, { server: { oldServer: true } });
    await expect(run).rejects.toBeInstanceOf(OldServerRevisionReuse);
  });
});

// offline@0, put b@0, put b@1, put a@2, delete b@1, purge: device 2 pulled
// b@1 (edited after device 0's offline create) before its deletion. The
// server takes device 0's create as a new life of b; device 2, in its full
// resync, used to refuse it for good as an older envelope replayed
// (revision_rollback: its updatedAt predates b@1's), and kept showing the
// deleted b@1 while the others showed b@0. The create is now sealed again
// when it is first sent (sealedAt, sync/late-create.ts).
const lateCreate = [
  online(0, false),
  put(0, 'b'),
  put(1, 'b'),
  sync(2),
  put(2, 'a'),
  del(1, 'b'),
  sync(1),
  purge,
  online(0, true),
];

describe('a create queued offline over a life of its record that was deleted and purged', () => {
  it('every device ends with the create, and none refuses it', async () => {
    await runFaultModel(lateCreate);
  });

  it('so on an old server too', async () => {
    await runFaultModel(lateCreate, { server: { oldServer: true } });
  });
});
