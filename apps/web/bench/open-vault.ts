/**
 * Time to show the record list when opening a vault of N records from the
 * local replica (IndexedDB), in real Chromium against the real server.
 *
 * Seeding: a Node SDK client writes N records and pushes them; the browser
 * logs in, which pulls everything into its IndexedDB replica. Measured: the
 * click on the vault until the first row is visible, with the replica warm
 * (same page) and after a reload (keys re-derived, replica on disk).
 */

import { MemoryStore } from '@coffer/client';
import { createClient } from '@coffer/client/node';
import { chromium, type Page } from 'playwright-core';
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
}

async function timeOpen(page: Page): Promise<number> {
  const started = performance.now();
  await page.getByRole('button', { name: /^Bench/ }).click();
  await page.getByRole('option').first().waitFor({ timeout: 120_000 });
  return performance.now() - started;
}

export async function measureOpenVault(server: BenchServer, records: number) {
  const seedMs = await seed(server, records);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${server.spkiSha256}`],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    const pullStarted = performance.now();
    await logIn(page); // pulls every record into IndexedDB
    const initialSyncMs = performance.now() - pullStarted;
    const firstOpenMs = await timeOpen(page);
    const rows = await page.getByRole('option').count();
    await page.getByRole('button', { name: '← Vaults' }).click();
    const warmOpenMs = await timeOpen(page);
    await page.reload();
    await logIn(page);
    const afterReloadMs = await timeOpen(page);
    return {
      records,
      seedMs,
      initialSyncMs,
      firstOpenMs,
      warmOpenMs,
      afterReloadMs,
      rowsInDom: rows,
    };
  } finally {
    await browser.close();
  }
}
