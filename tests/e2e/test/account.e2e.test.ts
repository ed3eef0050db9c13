/**
 * Account life in the browser against the real server: a wrong passphrase
 * is called that (not "session ended"), a vault shared with you appears
 * without a reload, a manager changes a member's role, and a session ended
 * from another device sends that device to the unlock screen saying why;
 * on a desktop the vault screen fits the window.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newUserPage, type UserPage } from '../src/browser.ts';
import type { E2eServer } from '../src/server.ts';
import { startTwoPeople, stopTwoPeople } from '../src/two-people.ts';
import { createVault, logIn, PASSPHRASE, signUp } from '../src/web-user.ts';

let server: E2eServer;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;
let aliceLaptop: UserPage;

/** The app asks the server again when the window regains focus. */
const focus = (u: UserPage) => u.page.evaluate(() => window.dispatchEvent(new Event('focus')));

beforeAll(async () => {
  ({ server, browser, alice, bob } = await startTwoPeople());
});

afterAll(() => stopTwoPeople({ server, browser }));

describe('accounts, sharing and sessions in the browser', () => {
  test('a wrong passphrase says so', async () => {
    await signUp(alice.page, 'alice');
    aliceLaptop = await newUserPage(browser, server.url);
    await aliceLaptop.page.getByLabel('Username').fill('alice');
    await aliceLaptop.page.getByLabel('Passphrase').fill(`${PASSPHRASE}!`);
    await aliceLaptop.page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => aliceLaptop.page.getByRole('alert').textContent(), { timeout: 60_000 })
      .toBe('Wrong username or passphrase.');
  });

  test('a shared vault appears in the list without a reload; the owner changes the role', async () => {
    await signUp(bob.page, 'bob');
    await createVault(alice.page, 'Shared');
    // On a desktop the page is exactly the window: the record list takes the rest (no page scrollbar).
    expect(
      await alice.page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight),
    ).toBe(0);
    await alice.page.getByRole('button', { name: 'Share' }).click();
    await alice.page.getByLabel('Username to share with').fill('bob');
    await alice.page.getByRole('button', { name: 'Look up' }).click();
    await alice.page.getByLabel('The fingerprints match').check();
    await alice.page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('reader');
    await alice.page.getByRole('button', { name: 'Share as reader' }).click();
    await alice.page.getByText('bob can now open this vault as reader.').waitFor();
    await expect
      .poll(
        async () => {
          await focus(bob);
          return bob.page.getByRole('button', { name: /^Shared/ }).count();
        },
        { timeout: 20_000, interval: 2_500 },
      )
      .toBe(1);
    await alice.page.getByRole('combobox', { name: 'Role of bob' }).selectOption('writer');
    await alice.page.getByRole('button', { name: 'Change role of bob to writer' }).click();
    await alice.page.getByText('bob is now writer.').waitFor();
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('button', { name: 'Share' }).click();
    await expect
      .poll(() => alice.page.getByRole('combobox', { name: 'Role of bob' }).inputValue())
      .toBe('writer');
    await alice.page.keyboard.press('Escape');
  });

  test('ending a session from another device sends that device to the unlock screen', async () => {
    await logIn(aliceLaptop.page, 'alice');
    await alice.page.getByRole('button', { name: 'Account' }).click();
    const endOther = alice.page.getByRole('button', { name: /^End session: / });
    await expect.poll(() => endOther.count()).toBe(1);
    await endOther.click();
    await alice.page.getByText(/Ended the session of/).waitFor();
    await expect
      .poll(
        async () => {
          await focus(aliceLaptop);
          return aliceLaptop.page.getByText(/Your session on this device ended/).count();
        },
        { timeout: 20_000, interval: 2_500 },
      )
      .toBe(1);
    await aliceLaptop.page.getByRole('heading', { name: 'Unlock Coffer' }).waitFor();
    // The device that ended it is still logged in.
    await alice.page.getByRole('button', { name: 'Back' }).click();
    await alice.page.getByRole('heading', { name: 'Your vaults' }).waitFor();
  });

  test('no console errors and no CSP violations', () => {
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
    expect(aliceLaptop.problems).toEqual([]);
  });
});
