/**
 * One account in two tabs of one browser profile (one IndexedDB replica,
 * one network) against the real server: edits in both converge, an edit
 * made offline in one shows in the other at once and is sent once back
 * online, and a Lock or a logout in one leaves no tab holding keys.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectProblems, launchBrowser } from '../src/browser.ts';
import { type E2eServer, startServer } from '../src/server.ts';
import {
  createVault,
  editRecord,
  logIn,
  openVault,
  PASSPHRASE,
  putRecord,
  recordValue,
  signUp,
  syncStatus,
} from '../src/web-user.ts';

let server: E2eServer;
let browser: Browser;
let profile: BrowserContext;
let one: Page;
let two: Page;
const problems: string[] = [];

async function tab(): Promise<Page> {
  const page = await profile.newPage();
  collectProblems(page, problems);
  await page.goto(server.url);
  return page;
}

const shown = async (page: Page, name: string) => {
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  return recordValue(page).textContent();
};

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser(server.spkiSha256);
  profile = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  one = await tab();
  two = await tab();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('one account in two tabs of one browser', () => {
  test('edits in both tabs reach the other and the server', async () => {
    await signUp(one, 'alice');
    await createVault(one, 'Home');
    await putRecord(one, 'wifi', 'from tab one');
    await logIn(two, 'alice');
    await openVault(two, 'Home');
    await putRecord(two, 'door', 'from tab two');
    await expect
      .poll(() => one.getByRole('option', { name: /^door/ }).count(), { timeout: 20_000 })
      .toBe(1);
    await editRecord(one, 'wifi', 'one, again');
    await editRecord(two, 'wifi', 'two, last');
    for (const page of [one, two]) {
      await expect
        .poll(() => syncStatus(page).textContent(), { timeout: 20_000 })
        .toMatch(/All changes saved/);
      await expect.poll(() => shown(page, 'wifi'), { timeout: 20_000 }).toBe('two, last');
    }
  });

  test('offline, a save in one tab shows in the other at once and is sent once online', async () => {
    await profile.setOffline(true);
    await editRecord(one, 'door', 'changed offline in tab one');
    await expect
      .poll(() => shown(two, 'door'), { timeout: 10_000 })
      .toBe('changed offline in tab one');
    // Tab two's status bar counts it too, instead of saying everything is saved.
    await expect
      .poll(() => syncStatus(two).textContent(), { timeout: 10_000 })
      .toMatch(/1 change waiting/);
    await profile.setOffline(false);
    for (const page of [one, two])
      await expect
        .poll(() => syncStatus(page).textContent(), { timeout: 30_000 })
        .toMatch(/All changes saved/);
    // One mutation reached the server for it, whichever tab sent it.
    const rows = server.query('SELECT COUNT(*) AS n FROM records') as Array<{ n: number }>;
    expect(rows[0]?.n).toBe(3);
  });

  test('a Lock in one tab locks the other; a logout in one logs the other out', async () => {
    await two.getByRole('button', { name: 'Lock' }).click();
    await one.getByText(/locked in another tab/).waitFor();
    await one.getByRole('heading', { name: 'Unlock Coffer' }).waitFor();
    await one.getByLabel('Passphrase').fill(PASSPHRASE);
    await one.getByRole('button', { name: 'Unlock' }).click();
    await one.getByRole('heading', { name: 'Your vaults' }).waitFor({ timeout: 60_000 });
    await two.getByLabel('Passphrase').fill(PASSPHRASE);
    await two.getByRole('button', { name: 'Unlock' }).click();
    await two.getByRole('heading', { name: 'Your vaults' }).waitFor({ timeout: 60_000 });
    await one.getByRole('button', { name: 'Log out' }).click();
    await one.getByRole('heading', { name: 'Log in to Coffer' }).waitFor();
    await two.getByText(/You logged out in another tab/).waitFor();
    await two.getByRole('heading', { name: 'Unlock Coffer' }).waitFor();
  });

  test('no console errors and no CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
