/**
 * Today's web app opens the IndexedDB replica the FIRST web app (648a5ae,
 * 2026-11-28) left in a browser: schema version 1, three writes made offline
 * and never sent (a create, an edit, a deletion), a conflict copy, and a file
 * record. Served by today's server on the database that old server wrote
 * (fixtures/old-web-2026-11-28, rebuilt by its make-fixture.ts). Every unsent
 * write must reach the server after the login, and nothing else may change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CofferServer, startCofferServer, WEB_ROOT } from '@coffer/test-harness';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newUserPage, type UserPage } from '../src/browser.ts';
import { type CliDevice, newCliDevice } from '../src/cli.ts';
import { type IndexedDbDump, restoreIndexedDb } from '../src/indexeddb-dump.ts';
import { sqliteFromDump } from '../src/old-build.ts';
import { openVault, recordValue, syncStatus } from '../src/web-user.ts';

const FIXTURE = new URL('../fixtures/old-web-2026-11-28/', import.meta.url).pathname;
const made = JSON.parse(readFileSync(join(FIXTURE, 'made.json'), 'utf8')) as {
  username: string;
  passphrase: string;
  vault: string;
  vaultId: string;
};
/** The file the old app attached (make-fixture.ts makes the same bytes). */
const FILE_BYTES = Buffer.from(
  Array.from({ length: 40 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff),
);

let server: CofferServer;
let browser: Browser;
let laptop: UserPage;
let cli: CliDevice;

async function ok(args: string[]): Promise<string> {
  const r = await cli.run(args);
  expect(r.code, `coffer ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.toString();
}

beforeAll(async () => {
  server = await startCofferServer({
    webRoot: WEB_ROOT,
    tempPrefix: 'coffer-e2e-old-web-',
    seedDataDir: (dir) => sqliteFromDump(join(dir, 'coffer.sqlite3'), join(FIXTURE, 'server.sql')),
  });
  browser = await launchBrowser(server.certificate.spkiSha256);
  laptop = await newUserPage(browser, 'about:blank');
  // An empty page of the server's origin (the app would open the replica first):
  // the old replica is put back there, then the app is loaded over it.
  await laptop.page.route(`${server.url}/restore-old-replica`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>restore</title>' }),
  );
  await laptop.page.goto(`${server.url}/restore-old-replica`);
  const dump = JSON.parse(readFileSync(join(FIXTURE, 'replica.json'), 'utf8')) as IndexedDbDump;
  await restoreIndexedDb(laptop.page, dump);
  await laptop.page.goto(server.url);
  cli = await newCliDevice(made.passphrase);
  await ok([
    'login',
    '--server',
    server.url,
    '--username',
    made.username,
    '--pin',
    server.certificate.fingerprint256,
  ]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('the first web app’s replica, opened by today’s web app', () => {
  test('before the login, the old server has none of the offline writes', async () => {
    await ok(['sync']);
    expect(await ok(['get', made.vault, 'note'])).toBe('first note');
    expect((await cli.run(['get', made.vault, 'offline/new'])).code).not.toBe(0);
    expect(await ok(['get', made.vault, 'gone'])).toBe('to be deleted offline');
  });

  test('logging in pushes every write the old app left unsent', async () => {
    const { page } = laptop;
    await page.getByLabel('Username').fill(made.username);
    await page.getByLabel('Passphrase').fill(made.passphrase);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your vaults' }).waitFor({ timeout: 60_000 });
    await openVault(page, made.vault);
    await expect
      .poll(() => syncStatus(page).textContent(), { timeout: 60_000 })
      .toMatch(/All changes saved/);
    await page.getByRole('option', { name: /^offline\/new/ }).click();
    await expect
      .poll(() => recordValue(page).textContent())
      .toBe('written offline by the old web app');
    await page.getByRole('option', { name: /^note/ }).click();
    await expect.poll(() => recordValue(page).textContent()).toBe('note edited offline');
    expect(await page.getByRole('option', { name: /^gone/ }).count()).toBe(0);
    // On the server, for any other device:
    await ok(['sync', made.vault]);
    expect(await ok(['get', made.vault, 'offline/new'])).toBe('written offline by the old web app');
    expect(await ok(['get', made.vault, 'note'])).toBe('note edited offline');
    expect((await cli.run(['get', made.vault, 'gone'])).code).not.toBe(0);
  });

  test('the old conflict copy is still offered, and the file downloads byte-identical', async () => {
    const { page } = laptop;
    await page.getByRole('button', { name: /1 conflict to resolve/ }).click();
    await page.getByRole('heading', { name: 'Conflicts' }).waitFor();
    await expect
      .poll(() => page.getByText(/edited offline on the laptop/).count())
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByText(/edited on the phone/).count()).toBeGreaterThan(0);
    const out = join(cli.home, 'photo.bin');
    await ok(['get', made.vault, 'photo.bin', '--out', out]);
    expect(Buffer.compare(readFileSync(out), FILE_BYTES)).toBe(0);
  });

  test('no console errors and no CSP violations', () => {
    expect(laptop.problems).toEqual([]);
  });
});
