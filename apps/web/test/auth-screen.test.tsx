import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { CofferSession } from '../src/api/types.ts';
import { AuthScreen, type LockReason } from '../src/components/auth-screen.tsx';
import { FakeGateway } from './fake-session.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

function mount(gateway = new FakeGateway(), lockedUsername?: string, lockReason?: LockReason) {
  const sessions: CofferSession[] = [];
  render(
    <AuthScreen
      gateway={gateway}
      onSession={(s) => sessions.push(s)}
      {...(lockedUsername ? { lockedUsername } : {})}
      {...(lockReason ? { lockReason } : {})}
    />,
  );
  return { gateway, sessions };
}

/** Log in as alice with `passphrase`, as a person would: type both fields, press Log in. */
async function logIn(passphrase: string) {
  await userEvent.fill(page.getByLabelText('Username'), 'alice');
  await userEvent.fill(page.getByLabelText('Passphrase'), passphrase);
  await userEvent.click(page.getByRole('button', { name: 'Log in' }));
}

describe('auth screen', () => {
  test('switching to Create one starts the form again at its first field, named for what it does', async () => {
    mount();
    await userEvent.click(page.getByRole('button', { name: 'Create one' }));
    await expect.element(page.getByLabelText('Username')).toHaveFocus();
    await expect.element(page.getByRole('form', { name: 'Create a Coffer account' })).toBeVisible();
  });

  test('focuses the username field first', async () => {
    mount();
    await expect.element(page.getByLabelText('Username')).toHaveFocus();
  });

  test('login shows key-derivation progress while it runs and stays responsive', async () => {
    const { gateway, sessions } = mount();
    gateway.hold = true;
    await logIn('correct horse battery');
    await expect
      .element(page.getByRole('status'))
      .toMatchTextContent('Deriving your key (this takes a moment)');
    await expect
      .element(page.getByRole('progressbar', { name: 'Key derivation progress' }))
      .toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Log in' })).toBeDisabled();
    expect(sessions).toHaveLength(0);
    gateway.release?.();
    await expect.poll(() => sessions.length).toBe(1);
    expect(gateway.attempts).toEqual([{ mode: 'login', username: 'alice' }]);
  });

  test('a failed login says so in plain words and re-enables the form', async () => {
    const gateway = new FakeGateway();
    gateway.failWith = 'invalid_credentials';
    mount(gateway);
    await logIn('wrong one here');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Wrong username or passphrase.');
    await expect.element(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  });

  test('a 401 from the login (what the server answers a wrong passphrase) is a wrong passphrase, not an ended session', async () => {
    const gateway = new FakeGateway();
    gateway.failWith = 'unauthorized';
    mount(gateway);
    await logIn('wrong one here');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Wrong username or passphrase.');
  });

  test('too many attempts says how long to wait when the server said so', async () => {
    const gateway = new FakeGateway();
    gateway.login = async () => {
      throw Object.assign(new Error('x'), { code: 'rate_limited', retryAfterMs: 42_000 });
    };
    mount(gateway);
    await logIn('wrong one here');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Too many attempts. Try again in 42 seconds.');
  });

  test('the server being unreachable is explained', async () => {
    const gateway = new FakeGateway();
    gateway.failWith = 'network';
    mount(gateway);
    await logIn('whatever it is');
    await expect.element(page.getByRole('alert')).toMatchTextContent('Cannot reach the server');
  });

  test('sign up checks length and that both passphrases agree before deriving', async () => {
    const { gateway } = mount();
    await userEvent.click(page.getByRole('button', { name: 'Create one' }));
    await userEvent.fill(page.getByLabelText('Username'), 'bob');
    await userEvent.fill(page.getByLabelText('Passphrase', { exact: true }), 'short');
    await userEvent.fill(page.getByLabelText('Passphrase again'), 'short');
    await userEvent.click(page.getByRole('button', { name: 'Create account' }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('at least 10 characters');
    await userEvent.fill(page.getByLabelText('Passphrase', { exact: true }), 'a long passphrase');
    await userEvent.fill(page.getByLabelText('Passphrase again'), 'a long passphrasf');
    await userEvent.click(page.getByRole('button', { name: 'Create account' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent('The two passphrases differ.');
    expect(gateway.attempts).toEqual([]);
    await userEvent.fill(page.getByLabelText('Passphrase again'), 'a long passphrase');
    await userEvent.click(page.getByRole('button', { name: 'Create account' }));
    await expect.poll(() => gateway.attempts).toEqual([{ mode: 'signup', username: 'bob' }]);
  });

  test('a username typed with capitals logs in as the lower-case account (usernames are lower-case)', async () => {
    const { gateway } = mount();
    await userEvent.fill(page.getByLabelText('Username'), '  Alice ');
    await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
    await userEvent.click(page.getByRole('button', { name: 'Log in' }));
    await expect.poll(() => gateway.attempts).toEqual([{ mode: 'login', username: 'alice' }]);
  });

  test('a username that cannot be one says what a username is, before contacting the server', async () => {
    const { gateway } = mount();
    await userEvent.click(page.getByRole('button', { name: 'Create one' }));
    await userEvent.fill(page.getByLabelText('Username'), 'alice smith!');
    await userEvent.fill(page.getByLabelText('Passphrase', { exact: true }), 'a long passphrase');
    await userEvent.fill(page.getByLabelText('Passphrase again'), 'a long passphrase');
    await userEvent.click(page.getByRole('button', { name: 'Create account' }));
    await expect
      .element(page.getByRole('alert'))
      .toMatchTextContent('A username is 3 to 64 characters: lower-case letters, digits');
    expect(gateway.attempts).toEqual([]);
  });

  test('a wrong passphrase after the session ended elsewhere says it may have been changed there', async () => {
    const gateway = new FakeGateway();
    gateway.failWith = 'unauthorized';
    mount(gateway, 'carol', 'ended');
    await userEvent.fill(page.getByLabelText('Passphrase'), 'the old passphrase');
    await userEvent.click(page.getByRole('button', { name: 'Unlock' }));
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Wrong passphrase. If it was changed on another device, use the new one.');
  });

  test('a wrong passphrase while unlocking blames only the passphrase (the username is fixed)', async () => {
    const gateway = new FakeGateway();
    gateway.failWith = 'unauthorized';
    mount(gateway, 'carol');
    await userEvent.fill(page.getByLabelText('Passphrase'), 'wrong one here');
    await page.getByRole('button', { name: 'Unlock' }).element().focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('alert')).toHaveTextContent('Wrong passphrase.');
    // The fields were disabled while it tried: focus is back in the passphrase, selected to retype.
    const field = page.getByLabelText('Passphrase');
    await expect.element(field).toHaveFocus();
    await userEvent.keyboard('right one here');
    await expect.element(field).toHaveValue('right one here');
  });

  test('sign up says, before it is too late, that a forgotten passphrase cannot be reset', async () => {
    mount();
    await userEvent.click(page.getByRole('button', { name: 'Create one' }));
    await expect
      .element(page.getByLabelText('Passphrase', { exact: true }))
      .toHaveAccessibleDescription(/At least 10 characters\..*nobody can reset it/);
  });

  test('after a lock only the passphrase is asked', async () => {
    mount(new FakeGateway(), 'carol');
    await expect.element(page.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    await expect.element(page.getByLabelText('Username')).toHaveValue('carol');
    await expect.element(page.getByLabelText('Passphrase')).toHaveFocus();
  });
});
