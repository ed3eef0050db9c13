import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../src/components/app.tsx';
import { FakeGateway } from './fake-session.ts';
import { cleanup, render } from './render.tsx';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

async function logIn(gateway: FakeGateway, idleMinuteMs?: number) {
  render(<App gateway={gateway} {...(idleMinuteMs ? { idleMinuteMs } : {})} />);
  await userEvent.fill(page.getByLabelText('Username'), 'alice');
  await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
  await userEvent.click(page.getByRole('button', { name: 'Log in' }));
  await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
}

describe('app', () => {
  test('log in, create a vault, open it, go back; the status bar is always there', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await expect.element(page.getByRole('group', { name: 'Sync status' })).toBeVisible();
    // The login form is gone: focus starts on the new screen's heading, not <body>.
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toHaveFocus();
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toHaveFocus();
    await expect.element(page.getByRole('group', { name: 'Sync status' })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await expect.element(page.getByRole('button', { name: /Ops/ })).toBeVisible();
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toHaveFocus();
    expect(gateway.session.opened.get('v-Ops')?.closed).toBe(true);
  });

  test('the browser Back button goes up a screen instead of leaving the app; history holds no names', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toHaveFocus();
    gateway.session.sync.set({ ...gateway.session.sync.getSnapshot(), conflicts: 1 });
    await userEvent.click(page.getByRole('button', { name: '1 conflict to resolve' }));
    await expect.element(page.getByRole('heading', { name: 'Conflicts' })).toBeVisible();
    // Two screens deep: an entry of this page for each (checked before pressing
    // Back, which without them would take the test page itself away).
    expect(history.state).toEqual({ cofferDepth: 2 });
    history.back();
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toBeVisible();
    history.back();
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
    expect(gateway.session.opened.get('v-Ops')?.closed).toBe(true);
  });

  test('going up with the app buttons leaves no extra Back presses behind', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.poll(() => history.state).toEqual({ cofferDepth: 1 });
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await expect.poll(() => history.state?.cofferDepth ?? 0).toBe(0);
  });

  test('the conflicts link in the bar opens the conflict view of the open vault', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    gateway.session.sync.set({ ...gateway.session.sync.getSnapshot(), conflicts: 1 });
    await userEvent.click(page.getByRole('button', { name: '1 conflict to resolve' }));
    await expect.element(page.getByRole('heading', { name: 'Conflicts' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Back to records' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toHaveFocus();
  });

  test('lock drops the session and asks only for the passphrase', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    const session = gateway.session;
    await userEvent.click(page.getByRole('button', { name: 'Lock' }));
    await expect.element(page.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    expect(session.locked).toBe(true);
    expect(session.loggedOut).toBe(false);
  });

  test('the lock button and the idle timer say which locked the app; someone else can log in', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.click(page.getByRole('button', { name: 'Lock' }));
    await expect.element(page.getByText('Coffer is locked.', { exact: false })).toBeVisible();
    await expect.element(page.getByText(/idle/)).not.toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: 'Log in as someone else' }));
    await expect.element(page.getByRole('heading', { name: 'Log in to Coffer' })).toBeVisible();
    await expect.element(page.getByLabelText('Username')).toHaveValue('');
  });

  test('a vault shared from elsewhere appears when the window regains focus', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    const session = gateway.session;
    await expect.poll(() => session.refreshes).toBe(1);
    session.serverVaults = [{ vaultId: 'v-shared', name: 'Shared with me', role: 'reader' }];
    window.dispatchEvent(new Event('focus'));
    await expect.element(page.getByRole('button', { name: /Shared with me/ })).toBeVisible();
  });

  test('a vault that is no longer shared with you closes, saying why, instead of offering edits the server refuses', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toBeVisible();
    gateway.session.serverVaults = [];
    window.dispatchEvent(new Event('focus'));
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('“Ops” is no longer shared with you, so it was closed.');
    await expect.element(page.getByRole('button', { name: 'New record' })).not.toBeInTheDocument();
    expect(gateway.session.opened.get('v-Ops')?.closed).toBe(true);
  });

  test('a vault create refused (offline) leaves focus in the name field, not on <body>', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    let refuse = () => {};
    gateway.session.createVault = () =>
      new Promise((_, reject) => {
        refuse = () => reject(Object.assign(new Error('x'), { code: 'network' }));
      });
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('button', { name: 'Create vault' })).toBeDisabled();
    refuse();
    await expect.element(page.getByRole('alert')).toMatchTextContent(/Cannot reach the server/);
    await expect.element(page.getByLabelText('New vault name')).toHaveFocus();
    await expect.element(page.getByLabelText('New vault name')).toHaveValue('Ops');
  });

  test('on a phone, a control reached with Tab is never hidden behind the sticky status bar', async () => {
    await page.viewport(390, 700);
    try {
      const gateway = new FakeGateway();
      await logIn(gateway);
      await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
      await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
      const vault = gateway.session.opened.get('v-Ops');
      for (let i = 0; i < 6; i++) vault?.seed({ name: `r${i}` }, { kind: 'text', text: 'v' });
      await userEvent.click(page.getByRole('button', { name: 'New record' }));
      await expect.element(page.getByLabelText('Name')).toHaveFocus();
      const bar = document.querySelector('.sync-bar') as HTMLElement;
      for (const next of ['Text', 'Value', 'Save', 'Cancel']) {
        await userEvent.keyboard('{Tab}');
        const focused = document.activeElement as HTMLElement;
        expect(focused.textContent === next || focused.getAttribute('name') !== null).toBe(true);
        const control = focused.getBoundingClientRect();
        expect(control.bottom, `${next} ends under the bar`).toBeLessThanOrEqual(
          bar.getBoundingClientRect().top,
        );
      }
    } finally {
      await page.viewport(1100, 800);
    }
  });

  test('the account screen lists sessions and ends another device’s session', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.click(page.getByRole('button', { name: 'Account' }));
    await expect.element(page.getByRole('heading', { name: 'Account' })).toHaveFocus();
    await expect.element(page.getByText('Web browser (Linux) (this device)')).toBeVisible();
    const end = page.getByRole('button', {
      name: /^End session: coffer-cli, last seen 3 min ago/,
    });
    await userEvent.click(end);
    await expect.element(page.getByText(/Ended the session of “coffer-cli”/)).toBeVisible();
    await expect.element(end).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Devices logged in' })).toHaveFocus();
  });

  test('a session ended by the server drops the keys and asks for the passphrase again', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    const session = gateway.session;
    const sync = session.sync.getSnapshot();
    session.sync.set({ ...sync, errors: [{ code: 'unauthorized', message: '', at: Date.now() }] });
    await expect.element(page.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    await expect.element(page.getByText(/Your session on this device ended/)).toBeVisible();
    expect(session.locked).toBe(true);
  });

  test('a session revoked elsewhere is noticed on the next refresh, even inside a vault', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toHaveFocus();
    const session = gateway.session;
    session.refreshVaults = () =>
      Promise.reject(Object.assign(new Error('x'), { code: 'unauthorized' }));
    window.dispatchEvent(new Event('focus'));
    await expect.element(page.getByText(/Your session on this device ended/)).toBeVisible();
    expect(session.locked).toBe(true);
  });

  test('text being written when the server ends the session comes back in the editor after unlocking', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    const note = 'A long note, typed for twenty minutes.\nSecond paragraph.';
    await userEvent.fill(page.getByLabelText('Name'), 'meeting notes');
    await userEvent.click(page.getByRole('radio', { name: 'Secret' }));
    await userEvent.click(page.getByRole('radio', { name: 'Text' }));
    await userEvent.fill(page.getByLabelText('Value'), note);
    const ended = gateway.session;
    ended.sync.set({
      ...ended.sync.getSnapshot(),
      errors: [{ code: 'unauthorized', message: '', at: Date.now() }],
    });
    await expect.element(page.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    await expect.element(page.getByText(/comes back in the editor after you unlock/)).toBeVisible();
    // Kept in memory only: nothing of it was written to the browser's storage.
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain('twenty minutes');
    // So a reload would lose it: the browser asks first.
    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(true);
    await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
    await userEvent.click(page.getByRole('button', { name: 'Unlock' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toBeVisible();
    await expect.element(page.getByLabelText('Name')).toHaveValue('meeting notes');
    await expect.element(page.getByLabelText('Name')).toHaveFocus();
    await expect.element(page.getByLabelText('Value')).toHaveValue(note);
    await expect.element(page.getByRole('radio', { name: 'Text' })).toBeChecked();
    await expect.element(page.getByText(/Put back after you logged in again/)).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    const vault = gateway.session.opened.get('v-Ops');
    await expect
      .poll(() => vault?.calls.find((c) => c.method === 'write')?.args)
      .toEqual(['meeting notes', { kind: 'text', text: note }]);
    // Put back once: leaving and opening the vault again shows no editor.
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await userEvent.click(page.getByRole('button', { name: /Ops/ }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toHaveFocus();
    await expect.element(page.getByLabelText('Value')).not.toBeInTheDocument();
  });

  test('an edit cut short by the idle lock comes back as that edit; someone else logging in never sees it', async () => {
    localStorage.setItem('coffer.idleLockMinutes', '1');
    const gateway = new FakeGateway();
    // A "minute" of 1 s: long enough for the steps between two locks on a busy machine.
    await logIn(gateway, 1000);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    const vault = gateway.session.opened.get('v-Ops');
    vault?.seed({ name: 'plan' }, { kind: 'text', text: 'old plan' });
    await userEvent.click(page.getByRole('option', { name: /plan/ }));
    await userEvent.click(page.getByRole('button', { name: 'Edit' }));
    await userEvent.fill(page.getByLabelText('Value'), 'the new plan');
    await expect.element(page.getByText(/locked itself after you were idle/)).toBeVisible();
    await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
    await userEvent.click(page.getByRole('button', { name: 'Unlock' }));
    await expect.element(page.getByRole('heading', { name: 'Edit plan' })).toBeVisible();
    await expect.element(page.getByLabelText('Value')).toHaveValue('the new plan');
    await expect.element(page.getByLabelText('Value')).toHaveFocus();
    // Locked again with the text still unsaved; this time someone else logs in.
    await expect.element(page.getByText(/locked itself after you were idle/)).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Log in as someone else' }));
    await userEvent.fill(page.getByLabelText('Username'), 'bob');
    await userEvent.fill(page.getByLabelText('Passphrase'), 'correct horse battery');
    await userEvent.click(page.getByRole('button', { name: 'Log in' }));
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
    await expect.element(page.getByLabelText('Value')).not.toBeInTheDocument();
  });

  test('log out with changes not yet on the server asks first; Stay keeps the session', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    const session = gateway.session;
    session.sync.set({ ...session.sync.getSnapshot(), pending: 2, connection: 'offline' });
    await userEvent.click(page.getByRole('button', { name: 'Log out' }));
    const dialog = page.getByRole('dialog', { name: 'Log out with unsent changes?' });
    await expect.element(dialog).toMatchTextContent('2 changes have not reached the server yet');
    await expect.element(page.getByRole('button', { name: 'Stay logged in' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Stay logged in' }));
    await expect.element(dialog).not.toBeInTheDocument();
    expect(session.loggedOut).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Log out' }));
    await userEvent.click(page.getByRole('button', { name: 'Log out anyway' }));
    await expect.element(page.getByRole('heading', { name: 'Log in to Coffer' })).toBeVisible();
    expect(session.loggedOut).toBe(true);
  });

  test('a logout the server could not hear of (offline) says so on the login screen', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    gateway.session.logoutFails = 'network';
    await userEvent.click(page.getByRole('button', { name: 'Log out' }));
    await expect.element(page.getByRole('heading', { name: 'Log in to Coffer' })).toBeVisible();
    await expect
      .element(page.getByRole('status'))
      .toMatchTextContent('the server could not be reached to end the session there');
  });

  test('leaving a vault or locking while a file transfers asks first: that cancels the transfer', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toBeVisible();
    const session = gateway.session;
    session.sync.set({
      ...session.sync.getSnapshot(),
      transfers: [{ id: 't1', direction: 'upload', done: 1, total: 2 }],
    });
    const dialog = page.getByRole('dialog', { name: 'Cancel the file transfer?' });
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await expect.element(dialog).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Stay' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Stay' }));
    await expect.element(dialog).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Ops' })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Lock' }));
    await expect.element(dialog).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Stay' }));
    expect(session.locked).toBe(false);
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await userEvent.click(page.getByRole('button', { name: 'Leave and cancel' }));
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
  });

  test('leaving a vault or locking while a record is being written asks before discarding it', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'draft');
    await userEvent.fill(page.getByLabelText('Value'), 'three careful paragraphs');
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await userEvent.click(page.getByRole('button', { name: 'Lock' }));
    await expect.element(dialog).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Stay' }));
    expect(gateway.session.locked).toBe(false);
    await expect.element(page.getByLabelText('Value')).toHaveValue('three careful paragraphs');
    await userEvent.click(page.getByRole('button', { name: '← Vaults' }));
    await expect.element(dialog).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Leave and discard' }));
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toBeVisible();
    // Nothing unsaved any more: Lock locks at once.
    await userEvent.click(page.getByRole('button', { name: 'Lock' }));
    await expect.poll(() => gateway.session.locked).toBe(true);
  });

  test('closing or reloading the tab with a record being written makes the browser ask first', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.fill(page.getByLabelText('New vault name'), 'Ops');
    await userEvent.click(page.getByRole('button', { name: 'Create vault' }));
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(unload()).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'draft');
    await userEvent.fill(page.getByLabelText('Value'), 'three careful paragraphs');
    await expect.poll(unload).toBe(true);
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect.element(page.getByRole('heading', { name: 'draft', level: 3 })).toBeVisible();
    expect(unload()).toBe(false);
  });

  test('log out ends the session', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    const session = gateway.session;
    await userEvent.click(page.getByRole('button', { name: 'Log out' }));
    await expect.element(page.getByRole('heading', { name: 'Log in to Coffer' })).toBeVisible();
    expect(session.loggedOut).toBe(true);
  });

  test('locks itself after the configured idle time', async () => {
    localStorage.setItem('coffer.idleLockMinutes', '1');
    const gateway = new FakeGateway();
    // A "minute" of 300 ms: the app locks once no input arrives for that long.
    await logIn(gateway, 300);
    await expect.element(page.getByRole('heading', { name: 'Unlock Coffer' })).toBeVisible();
    await expect.element(page.getByText(/locked itself after you were idle/)).toBeVisible();
    expect(gateway.session.locked).toBe(true);
  });

  test('passphrase change shows progress and reports a wrong current passphrase', async () => {
    const gateway = new FakeGateway();
    await logIn(gateway);
    await userEvent.click(page.getByRole('button', { name: 'Account' }));
    await expect.element(page.getByText('12345 67890 12345 67890 12345 67890')).toBeVisible();
    await userEvent.fill(page.getByLabelText('Current passphrase'), 'wrong passphrase');
    await userEvent.fill(
      page.getByLabelText('New passphrase', { exact: true }),
      'a new long passphrase',
    );
    await userEvent.fill(page.getByLabelText('New passphrase again'), 'a new long passphrase');
    await userEvent.click(page.getByRole('button', { name: 'Change passphrase' }));
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('The current passphrase is wrong.');
    // The button was disabled while it ran: focus goes to the field to fix, not <body>.
    await expect.element(page.getByLabelText('Current passphrase')).toHaveFocus();
    await expect.element(page.getByRole('button', { name: /^End session: / })).toBeVisible();
    await userEvent.fill(page.getByLabelText('Current passphrase'), 'correct horse battery');
    await userEvent.click(page.getByRole('button', { name: 'Change passphrase' }));
    await expect
      .element(
        page.getByText(/Passphrase changed\. Use the new one from now on\. Your other devices/),
      )
      .toBeVisible();
    // The server ended the other sessions: the list no longer offers to end them.
    await expect.element(page.getByText('Web browser (Linux) (this device)')).toBeVisible();
    await expect
      .element(page.getByRole('button', { name: /^End session: / }))
      .not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Change passphrase' })).toHaveFocus();
    expect(gateway.session.passphraseChanges).toEqual([
      ['correct horse battery', 'a new long passphrase'],
    ]);
  });
});
