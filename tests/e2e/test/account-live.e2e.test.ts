/**
 * The account live stream in the browser against the real server: a vault
 * alice shares shows in bob's open vault list by itself (no focus, reload or
 * click), and goes when she removes him. The app's fallback refresh runs every
 * 30 s, so the vault showing well before that is the stream's doing; bob's
 * page is also seen asking for `/v1/account/events`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserPage } from '../src/browser.ts';
import type { E2eServer } from '../src/server.ts';
import { startTwoPeople, stopTwoPeople } from '../src/two-people.ts';
import { createVault, signUp } from '../src/web-user.ts';

let server: E2eServer;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;

beforeAll(async () => {
  ({ server, browser, alice, bob } = await startTwoPeople());
});

afterAll(() => stopTwoPeople({ server, browser }));

/** Well under the 30 s fallback refresh (SESSION_REFRESH_MS). */
const BEFORE_THE_FALLBACK = 15_000;

describe('the vault list follows the account live stream', () => {
  test('a vault shared with bob shows in his list by itself; removing him takes it away', async () => {
    const streams: string[] = [];
    bob.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/account/events') streams.push(request.url());
    });
    await signUp(alice.page, 'alice');
    await signUp(bob.page, 'bob');
    await expect.poll(() => streams.length).toBeGreaterThan(0);
    await createVault(alice.page, 'Pushed');
    await alice.page.getByRole('button', { name: 'Share' }).click();
    await alice.page.getByLabel('Username to share with').fill('bob');
    await alice.page.getByRole('button', { name: 'Look up' }).click();
    await alice.page.getByLabel('The fingerprints match').check();
    await alice.page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('reader');
    await alice.page.getByRole('button', { name: 'Share as reader' }).click();
    await alice.page.getByText('bob can now open this vault as reader.').waitFor();
    // No focus event, no reload: the stream's news alone.
    await bob.page
      .getByRole('button', { name: /^Pushed/ })
      .waitFor({ timeout: BEFORE_THE_FALLBACK });

    // The share dialog is still open on alice's page: remove bob (asked twice).
    await alice.page.getByRole('button', { name: 'Remove bob' }).click();
    await alice.page.getByRole('button', { name: 'Really remove bob' }).click();
    await bob.page
      .getByRole('button', { name: /^Pushed/ })
      .waitFor({ state: 'detached', timeout: BEFORE_THE_FALLBACK });
  });
});
