/**
 * Two people in two browser contexts against the real server: share a vault
 * with fingerprint check, see each other's edits live, edit offline and
 * replicate on reconnect, and resolve a conflict.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserPage } from '../src/browser.ts';
import type { E2eServer } from '../src/server.ts';
import { startTwoPeople, stopTwoPeople } from '../src/two-people.ts';
import {
  createVault,
  editRecord,
  openVault,
  putRecord,
  recordValue,
  signUp,
  syncStatus,
} from '../src/web-user.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const shot = (u: UserPage, name: string) =>
  u.page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });

let server: E2eServer;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  ({ server, browser, alice, bob } = await startTwoPeople());
});

afterAll(() => stopTwoPeople({ server, browser }));

describe('two people share a vault', () => {
  test('both sign up; alice creates a vault and a record', async () => {
    await shot(alice, 'login');
    await signUp(alice.page, 'alice');
    await signUp(bob.page, 'bob');
    await createVault(alice.page, 'Team');
    await putRecord(alice.page, 'db/url', 'postgres://db.internal/app');
    await putRecord(alice.page, 'api/token', 'tok_live_4242', 'Secret');
    await expect.poll(() => syncStatus(alice.page).textContent()).toMatch(/All changes saved/);
  });

  test('alice shares with bob after comparing his fingerprint', async () => {
    await bob.page.getByRole('button', { name: 'Account' }).click();
    const bobFingerprint = (await bob.page.locator('output.fingerprint').textContent())?.trim();
    await bob.page.getByRole('button', { name: 'Back' }).click();
    const lookUpBob = async () => {
      await alice.page.getByRole('button', { name: 'Share' }).click();
      await alice.page.getByLabel('Username to share with').fill('bob');
      await alice.page.getByRole('button', { name: 'Look up' }).click();
    };
    const check = alice.page.locator('.fingerprint-check');
    const shown = check.locator('output.fingerprint');
    // Looking up and closing the dialog pins nothing: the key is still new next time.
    await lookUpBob();
    await expect.poll(() => check.getAttribute('data-pin')).toBe('new');
    await alice.page.keyboard.press('Escape');
    await lookUpBob();
    await expect.poll(() => shown.textContent()).toBe(bobFingerprint);
    await expect.poll(() => check.getAttribute('data-pin')).toBe('new');
    await alice.page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('writer');
    await alice.page.getByLabel('The fingerprints match').check();
    await shot(alice, 'share-dialog');
    await alice.page.getByRole('button', { name: 'Share as writer' }).click();
    await alice.page.getByText('bob can now open this vault as writer.').waitFor();
    await alice.page.keyboard.press('Escape');
    // Bob sees the vault after reloading his list (log out and in would also do).
    await bob.page.reload();
    const { logIn } = await import('../src/web-user.ts');
    await logIn(bob.page, 'bob');
    await openVault(bob.page, 'Team');
    await bob.page.getByRole('option', { name: /^db\/url/ }).click();
    await expect.poll(() => recordValue(bob.page).textContent()).toBe('postgres://db.internal/app');
  });

  test("each sees the other's edits live, in under 2 s", async () => {
    const started = Date.now();
    await editRecord(alice.page, 'db/url', 'postgres://db2.internal/app');
    await bob.page.getByRole('option', { name: /^db\/url/ }).click();
    await expect
      .poll(() => recordValue(bob.page).textContent(), { timeout: 2_000, interval: 50 })
      .toBe('postgres://db2.internal/app');
    expect(Date.now() - started).toBeLessThan(10_000);
    await putRecord(bob.page, 'notes/bob', 'hello from bob');
    await expect
      .poll(() => alice.page.getByRole('option', { name: /^notes\/bob/ }).count(), {
        timeout: 2_000,
        interval: 50,
      })
      .toBe(1);
    await shot(alice, 'vault');
  });

  test('an edit made offline replicates on reconnect', async () => {
    await bob.context.setOffline(true);
    await putRecord(bob.page, 'offline/edit', 'written without a network');
    await expect.poll(() => syncStatus(bob.page).textContent()).toMatch(/1 change waiting to sync/);
    await expect.poll(() => syncStatus(bob.page).textContent()).toMatch(/Offline/);
    await shot(bob, 'offline');
    await bob.context.setOffline(false);
    await expect
      .poll(() => alice.page.getByRole('option', { name: /^offline\/edit/ }).count(), {
        timeout: 30_000,
      })
      .toBe(1);
    await expect
      .poll(() => syncStatus(bob.page).textContent(), { timeout: 30_000 })
      .toMatch(/All changes saved/);
  });

  test('a conflict is shown and resolved', async () => {
    await bob.context.setOffline(true);
    await editRecord(bob.page, 'db/url', 'postgres://bob-offline/app');
    await editRecord(alice.page, 'db/url', 'postgres://alice-online/app');
    await bob.context.setOffline(false);
    const conflictLink = (u: UserPage) =>
      u.page.getByRole('button', { name: /conflicts? to resolve/ });
    await expect
      .poll(async () => (await conflictLink(alice).count()) + (await conflictLink(bob).count()), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const who = (await conflictLink(alice).count()) > 0 ? alice : bob;
    await conflictLink(who).click();
    await who.page.getByRole('heading', { name: 'Conflicts' }).waitFor();
    await expect
      .poll(() => who.page.getByRole('region', { name: 'Your version' }).textContent())
      .toMatch(/postgres:/);
    await shot(who, 'conflict');
    await who.page.getByRole('button', { name: 'Keep mine' }).click();
    await who.page.getByText('No conflicts. Everything agrees.').waitFor();
  });

  test('no console errors and no CSP violations', () => {
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
