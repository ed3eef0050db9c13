// A newer version of Coffer opened in another tab takes the IndexedDB replica
// over (the SDK's IndexedDbStore reports it; its own Chromium test covers
// that half). This tab must say so and offer a reload, not fail each save
// with a DOMException.
import { afterEach, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createSubject } from '../src/api/observable.ts';
import { App } from '../src/components/app.tsx';
import { ReplicaReplacedBanner } from '../src/components/replica-replaced-banner.tsx';
import { FakeGateway } from './fake-session.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

test('the app shows nothing until the replica is taken over, then asks for a reload', async () => {
  const gateway = new FakeGateway();
  render(<App gateway={gateway} />);
  await userEvent.fill(page.getByLabelText('Username'), 'alice');
  await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
  await userEvent.click(page.getByRole('button', { name: 'Log in' }));
  await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
  expect(page.getByText(/updated in another tab/).elements()).toHaveLength(0);

  gateway.session.replicaReplaced.set(true);
  await expect
    .element(page.getByRole('alert').getByText(/Coffer was updated in another tab/))
    .toBeVisible();
  await expect.element(page.getByRole('button', { name: 'Reload this page' })).toBeVisible();
});

test('its button reloads the page', async () => {
  const replaced = createSubject(true);
  let reloads = 0;
  render(<ReplicaReplacedBanner replaced={replaced} reload={() => reloads++} />);
  await userEvent.click(page.getByRole('button', { name: 'Reload this page' }));
  expect(reloads).toBe(1);
});
