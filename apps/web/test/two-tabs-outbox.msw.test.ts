// Two tabs of one account in one browser profile share one IndexedDB
// replica: each tab runs its own SDK client over its own connection to the
// same database. A save in one tab while the other tab's push of the same
// record is being prepared must not be lost. The interleaving is forced:
// tab one marks the queued write as sent only once tab two has read the
// outbox (or waits for the outbox's cross-tab lock), and tab two writes its
// change only after tab one has marked it.
import { createClient, type LocalStore } from '@coffer/client';
import { IndexedDbStore } from '@coffer/client/indexeddb';
import { expect, test } from 'vitest';
import { SdkSession } from '../src/api/sdk-session.ts';
import { MOCK_BASE, useMockWorker } from './mock-worker.ts';

const PASSPHRASE = 'correct horse battery staple';
const coffer = useMockWorker();

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Some tab is waiting for an outbox lock another tab holds. */
async function someoneWaitsForTheOutbox(): Promise<void> {
  for (;;) {
    const { pending = [] } = await navigator.locks.query();
    if (pending.some((l) => l.name?.startsWith('coffer-outbox:'))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The store with hooks around two calls (a Proxy: the store's private fields need `this` = the store). */
function hooked(
  store: IndexedDbStore,
  hooks: Partial<Pick<LocalStore, 'listOutbox' | 'updateOutbox'>>,
) {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const hook = hooks[prop as keyof typeof hooks];
      if (hook) return hook;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function client(store: LocalStore) {
  const c = createClient({
    serverUrl: MOCK_BASE,
    store,
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  await c.accounts.login('tabby', PASSPHRASE, 'web');
  return c;
}

test('a save in one tab while the other tab pushes the same record is kept', async () => {
  const setupStore = await IndexedDbStore.open(`coffer:setup-${crypto.randomUUID()}`);
  const setup = createClient({
    serverUrl: MOCK_BASE,
    store: setupStore,
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  await setup.accounts.signup('tabby', PASSPHRASE);
  await setup.accounts.login('tabby', PASSPHRASE);
  const { vaultId } = await setup.vaults.create();
  await setup.sync(vaultId);

  const database = `coffer:tabby-${crypto.randomUUID()}`;
  const storeOne = await IndexedDbStore.open(database);
  const storeTwo = await IndexedDbStore.open(database);
  let racing = false;
  let twoReads = 0;
  const twoRead = gate();
  const oneMarked = gate();
  const one = await client(
    hooked(storeOne, {
      async updateOutbox(entry) {
        // Tab one's push marks its batch as sent: let tab two read the outbox first.
        if (racing && entry.attempts === 1) {
          await Promise.race([twoRead.opened, someoneWaitsForTheOutbox()]);
          await storeOne.updateOutbox(entry);
          oneMarked.open();
          return;
        }
        await storeOne.updateOutbox(entry);
      },
    }),
  );
  const two = await client(
    hooked(storeTwo, {
      async listOutbox(filter) {
        const rows = await storeTwo.listOutbox(filter);
        // Its first read is the put's look at the record; the second is the one it queues after.
        if (racing && ++twoReads === 2) twoRead.open();
        return rows;
      },
      async updateOutbox(entry) {
        if (racing) await oneMarked.opened;
        await storeTwo.updateOutbox(entry);
      },
    }),
  );
  try {
    await one.sync(vaultId);
    await two.sync(vaultId);
    racing = true;
    // Tab one saves (its push starts by itself); tab two saves the same record meanwhile.
    await one.records.put(vaultId, 'shared', 'from tab one');
    await two.records.put(vaultId, 'shared', 'from tab two');
    racing = false;
    await one.sync(vaultId);
    await two.sync(vaultId);
    await one.sync(vaultId);
    await setup.sync(vaultId);
    // Tab two saved last: that is what the server, and both tabs, hold.
    expect((await setup.records.get(vaultId, 'shared'))?.value).toBe('from tab two');
    expect((await two.records.get(vaultId, 'shared'))?.value).toBe('from tab two');
    expect((await one.records.get(vaultId, 'shared'))?.value).toBe('from tab two');
    expect(await storeOne.listOutbox({ vaultId })).toEqual([]);
  } finally {
    await Promise.all([one.close(), two.close(), setup.close()]);
  }
}, 60_000);

test('an offline save in one tab shows in the other tab’s open vault (no sync tells it)', async () => {
  const database = `coffer:tabs-${crypto.randomUUID()}`;
  const setup = createClient({
    serverUrl: MOCK_BASE,
    store: await IndexedDbStore.open(`coffer:setup-${crypto.randomUUID()}`),
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  await setup.accounts.signup('offline-tabby', PASSPHRASE);
  await setup.close();
  async function tabSession() {
    const store = await IndexedDbStore.open(database);
    const c = createClient({
      serverUrl: MOCK_BASE,
      store,
      clientName: 'web-test',
      clientVersion: '0.0.0',
    });
    const account = await c.accounts.login('offline-tabby', PASSPHRASE, 'web');
    return SdkSession.start(c, store, account);
  }
  const one = await tabSession();
  const info = await one.createVault('Home');
  const two = await tabSession();
  try {
    const vaultOne = await one.openVault(info.vaultId);
    const vaultTwo = await two.openVault(info.vaultId);
    coffer.mock.setScenario({ offline: true });
    const shownInTwo = async () => {
      const row = vaultTwo.records.getSnapshot().records.find((r) => r.name === 'wifi');
      return row ? await vaultTwo.read(row.recordId) : undefined;
    };
    await vaultOne.write('wifi', { kind: 'text', text: 'first, offline in tab one' });
    // Tab two's status bar counts it too (it does not say "All changes saved").
    await expect.poll(() => two.sync.getSnapshot().pending, { timeout: 10_000 }).toBe(1);
    await expect
      .poll(shownInTwo, { timeout: 10_000 })
      .toEqual({ kind: 'text', text: 'first, offline in tab one' });
    // An edit of the same unsent record replaces the queued write: the outbox
    // keeps its length, the cursor stays; only tab one's word tells tab two.
    await vaultOne.write('wifi', { kind: 'text', text: 'second, offline in tab one' });
    await expect
      .poll(shownInTwo, { timeout: 10_000 })
      .toEqual({ kind: 'text', text: 'second, offline in tab one' });
  } finally {
    coffer.mock.setScenario({});
    await one.lock();
    await two.lock();
  }
}, 60_000);
