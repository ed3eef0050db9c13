// One account open in two tabs of this browser (here: two app roots in one
// page, which talk over the same BroadcastChannel as two tabs do). A logout
// or a Lock pressed in one must not leave the other holding keys; a
// passphrase change in one (the server ends every other session with it)
// sends the other to the unlock screen saying why. An idle lock is per tab.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../src/components/app.tsx';
import { FakeGateway } from './fake-session.ts';
import '../src/styles/base.css';
import '../src/styles/layout.css';
import '../src/styles/sync-bar.css';

const mounted: Array<{ root: Root; host: HTMLElement }> = [];

afterEach(() => {
  for (const { root, host } of mounted.splice(0)) {
    root.unmount();
    host.remove();
  }
  localStorage.clear();
});

/** A tab of the app, logged in as alice. */
async function tab(idleMinuteMs?: number) {
  const gateway = new FakeGateway();
  const host = document.createElement('div');
  host.dataset.testid = `tab-${mounted.length}`;
  document.body.append(host);
  const root = createRoot(host);
  flushSync(() =>
    root.render(<App gateway={gateway} {...(idleMinuteMs ? { idleMinuteMs } : {})} />),
  );
  const view = page.getByTestId(`tab-${mounted.length}`);
  mounted.push({ root, host });
  await userEvent.fill(view.getByLabelText('Username'), 'alice');
  await userEvent.fill(view.getByLabelText('Passphrase'), 'correct horse battery');
  await userEvent.click(view.getByRole('button', { name: 'Log in' }));
  await expect.element(view.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
  return { gateway, view, session: gateway.session };
}

describe('the same account in two tabs', () => {
  test('a logout in one tab logs the other out too (its keys and its server session)', async () => {
    const one = await tab();
    const two = await tab();
    await userEvent.click(one.view.getByRole('button', { name: 'Log out' }));
    await expect.element(one.view.getByRole('heading', { name: 'Log in to Coffer' })).toBeVisible();
    await expect.element(two.view.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    await expect
      .element(two.view.getByText(/You logged out in another tab of this browser/))
      .toBeVisible();
    expect(two.session.loggedOut).toBe(true);
  });

  test('a Lock in one tab locks the other', async () => {
    const one = await tab();
    const two = await tab();
    await userEvent.click(two.view.getByRole('button', { name: 'Lock' }));
    await expect.element(one.view.getByText(/locked in another tab/)).toBeVisible();
    await expect.element(one.view.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    expect(one.session.locked).toBe(true);
    expect(one.session.loggedOut).toBe(false);
    // Unlocking one tab does not unlock the other.
    await expect.element(two.view.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
  });

  test('a passphrase change in one tab sends the other to the unlock screen, saying why', async () => {
    const one = await tab();
    const two = await tab();
    await userEvent.click(one.view.getByRole('button', { name: 'Account' }));
    await userEvent.fill(one.view.getByLabelText('Current passphrase'), 'correct horse battery');
    await userEvent.fill(
      one.view.getByLabelText('New passphrase', { exact: true }),
      'a new passphrase 1',
    );
    await userEvent.fill(one.view.getByLabelText('New passphrase again'), 'a new passphrase 1');
    await userEvent.click(one.view.getByRole('button', { name: 'Change passphrase' }));
    await expect.element(one.view.getByText(/Passphrase changed/)).toBeVisible();
    await expect.element(two.view.getByText(/passphrase was changed in another tab/)).toBeVisible();
    expect(two.session.locked).toBe(true);
    // The tab that changed it stays open.
    await expect.element(one.view.getByRole('heading', { name: 'Account' })).toBeVisible();
  });

  test('an idle lock in one tab leaves the other (in use) open', async () => {
    localStorage.setItem('coffer.idleLockMinutes', '1');
    const idle = await tab(300);
    const used = await tab();
    await expect.element(idle.view.getByText(/locked itself after you were idle/)).toBeVisible();
    await expect.element(used.view.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
    expect(used.session.locked).toBe(false);
  });
});
