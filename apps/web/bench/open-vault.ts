/**
 * Time to show the record list when opening a vault of N records from the
 * local replica (IndexedDB), in real Chromium against the real server.
 *
 * Seeding: a Node SDK client writes N records and pushes them; the browser
 * logs in, which pulls everything into its IndexedDB replica and then seals
 * the record index in the background. Measured: the click on the vault until
 * the first row is visible, for the first open on this device after that
 * login, cold (index dropped after the warm-up, so the open builds it from
 * every envelope: the old path, the baseline) and warm (after a reload and a
 * fresh login: the index is read back from IndexedDB), plus the same page
 * again.
 */

import { MemoryStore } from '@coffer/client';
import { createClient } from '@coffer/client/node';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import type { BenchServer } from './server.ts';

const PASSPHRASE = 'bench passphrase, long enough';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];

async function seed(server: BenchServer, records: number): Promise<number> {
  const client = createClient({
    serverUrl: server.url,
    store: new MemoryStore(),
    clientName: 'coffer-web-bench',
    clientVersion: '0.0.0',
    tls: { pinSha256: server.certSha256 },
  });
  await client.accounts.signup('bench', PASSPHRASE);
  await client.accounts.login('bench', PASSPHRASE, 'seeder');
  const { vaultId } = await client.vaults.create();
  await client.records.put(vaultId, '.coffer/vault', { name: 'Bench' });
  const started = performance.now();
  for (let i = 0; i < records; i++) {
    // Push every 250 writes: a long outbox makes each local write slower (it reads the outbox).
    if (i % 250 === 249) await client.sync(vaultId);
    await client.records.put(
      vaultId,
      `service-${String(i).padStart(5, '0')}/password`,
      `value ${i}`,
      {
        type: 'text/plain; charset=utf-8',
      },
    );
  }
  await client.sync(vaultId);
  await client.close();
  return performance.now() - started;
}

async function logIn(page: Page) {
  await page.getByLabel('Username').fill('bench');
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: /^Bench/ }).waitFor({ timeout: 600_000 });
  // Let the login's background sync finish, so the open is timed alone.
  await page.locator('footer.sync-bar[data-syncing="false"]').waitFor({ timeout: 600_000 });
}

/** One open of the vault: wall time to the first row, and the renderer's main-thread busy time. */
export interface OpenTiming {
  wallMs: number;
  /** CDP `TaskDuration` delta: main-thread work, less sensitive to a shared machine. */
  mainThreadMs: number;
  /** Of the wall time: the SDK listing as the app measured it (User Timing). */
  listMs: number;
}

async function timeOpen(page: Page, cdp: CDPSession): Promise<OpenTiming> {
  const busy = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  const busyBefore = await busy();
  const started = performance.now();
  await page.getByRole('button', { name: /^Bench/ }).click();
  await page.getByRole('option').first().waitFor({ timeout: 120_000 });
  const wallMs = performance.now() - started;
  const mainThreadMs = (await busy()) - busyBefore;
  // The app's own measure of the SDK listing (records.summaries + conflicts) of this open.
  const listMs = await page.evaluate(() => {
    const [first] = performance.getEntriesByName('coffer:list-records');
    performance.clearMeasures('coffer:list-records');
    return first?.duration ?? Number.NaN;
  });
  return { wallMs, mainThreadMs, listMs };
}

/**
 * Wait until the login's background warm-up has sealed a record index into
 * the page's replica (so it does not race the open that is timed next).
 */
async function waitForRecordIndex(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const done = <T>(req: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      for (const { name } of await indexedDB.databases()) {
        if (!name) continue;
        const db = await done(indexedDB.open(name));
        try {
          if (!db.objectStoreNames.contains('meta')) continue;
          const keys = await done(db.transaction('meta').objectStore('meta').getAllKeys());
          if (keys.some((key) => String(key).startsWith('record-index:'))) return true;
        } finally {
          db.close();
        }
      }
      return false;
    },
    undefined,
    { polling: 100, timeout: 600_000 },
  );
}

/** Remove every sealed record index from the page's replicas (as if it never existed). */
async function dropRecordIndexes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const done = <T>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    let dropped = 0;
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await done(indexedDB.open(name));
      if (db.objectStoreNames.contains('meta')) {
        const tx = db.transaction('meta', 'readwrite');
        const meta = tx.objectStore('meta');
        for (const key of await done(meta.getAllKeys())) {
          if (String(key).startsWith('record-index:')) {
            meta.delete(key);
            dropped++;
          }
        }
        await new Promise<void>((resolve) => {
          tx.oncomplete = () => resolve();
        });
      }
      db.close();
    }
    return dropped;
  });
}

/**
 * Figures: `cold` opens build the sealed record index (every envelope opened
 * and verified: the work the old `records.list` path did on EVERY open, so
 * it is the same-run baseline); `warm` opens read it back (after a reload
 * and a fresh login, nothing in memory) and open no envelope.
 */
const step = (what: string) => process.stderr.write(`[bench] ${what}\n`);

export async function measureOpenVault(server: BenchServer, records: number) {
  step(`seeding ${records} records`);
  const seedMs = await seed(server, records);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${server.spkiSha256}`],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(server.url);
    step('login + initial pull');
    const pullStarted = performance.now();
    await logIn(page); // pulls every record into IndexedDB
    const initialSyncMs = performance.now() - pullStarted;
    await waitForRecordIndex(page); // the login's background warm-up
    const indexBuiltMs = performance.now() - pullStarted - initialSyncMs;
    step('first open on this device, after the login built the index');
    const firstOpen = await timeOpen(page, cdp);
    const rows = await page.getByRole('option').count();
    await page.getByRole('button', { name: '← Vaults' }).click();
    const sameSession = await timeOpen(page, cdp);
    const reopen = async (dropIndex: boolean) => {
      step(`reload, login, ${dropIndex ? 'drop the index, ' : ''}open`);
      await page.reload();
      await logIn(page);
      await waitForRecordIndex(page);
      // Dropped only after the warm-up, so this open builds it: the old path, the baseline.
      const dropped = dropIndex ? await dropRecordIndexes(page) : 0;
      if (dropIndex && dropped === 0) throw new Error('no sealed record index found to drop');
      return timeOpen(page, cdp);
    };
    // Three more logins at most: the server rate-limits logins per user.
    const cold = [await reopen(true)];
    const warm = [await reopen(false), await reopen(false)];
    return {
      records,
      seedMs,
      initialSyncMs,
      indexBuiltMs,
      firstOpen,
      cold,
      warm,
      sameSession,
      rowsInDom: rows,
    };
  } finally {
    await browser.close();
  }
}
