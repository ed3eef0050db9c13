import { afterEach, describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createSubject } from '../src/api/observable.ts';
import type { SyncView } from '../src/api/types.ts';
import { SyncStatusBar } from '../src/components/sync-status-bar.tsx';
import { plainWords } from '../src/ui/plain-words.ts';
import { IDLE_SYNC } from './fake-session.ts';
import { cleanup, render } from './render.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function mount(view: Partial<SyncView>, onShowConflicts?: () => void) {
  const sync = createSubject<SyncView>({ ...IDLE_SYNC, ...view });
  render(<SyncStatusBar sync={sync} {...(onShowConflicts ? { onShowConflicts } : {})} />);
  return sync;
}

const status = () => page.getByRole('group', { name: 'Sync status' });

describe('sync status bar', () => {
  test('before the first answer it says it is connecting and has not synced', async () => {
    mount({ connection: 'unknown' });
    await expect.element(status()).toMatchTextContent('Connecting…');
    await expect.element(status()).toMatchTextContent('Not synced yet');
  });

  test('online and idle: all changes saved, last sync time', async () => {
    mount({ connection: 'online', lastSyncAt: Date.now() });
    await expect.element(status()).toMatchTextContent('Online');
    await expect.element(status()).toMatchTextContent('All changes saved to the server');
    await expect.element(status()).toMatchTextContent('Last synced just now');
  });

  test('syncing with changes waiting says syncing', async () => {
    mount({ connection: 'online', syncing: true, pending: 2 });
    await expect.element(status()).toMatchTextContent('Syncing…');
  });

  test('a pull with nothing waiting is "checking for changes", never "Syncing…" beside "saved"', async () => {
    mount({ connection: 'online', syncing: true, pending: 0 });
    await expect.element(status()).toMatchTextContent('Checking for changes…');
    await expect.element(status()).toMatchTextContent('All changes saved to the server');
    await expect.element(status()).not.toMatchTextContent('Syncing');
  });

  test('offline while the browser has a network says the server cannot be reached', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    mount({ connection: 'offline', pending: 1 });
    await expect.element(status()).toMatchTextContent('Cannot reach the server');
    vi.restoreAllMocks();
  });

  test('the browser losing its network shows offline at once, before any sync fails', async () => {
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    mount({ connection: 'online' });
    await expect.element(status()).toMatchTextContent('Online');
    online.mockReturnValue(false);
    window.dispatchEvent(new Event('offline'));
    await expect.element(status()).toMatchTextContent('Offline');
  });

  test('screen readers hear connection, outbox and conflicts, not each pull or clock tick', async () => {
    const sync = mount({ connection: 'online', lastSyncAt: Date.now() });
    const live = page.getByRole('status', { name: 'Sync announcements' });
    await expect.element(live).toHaveTextContent('Online. All changes saved to the server.');
    const announced = () => live.element().textContent;
    const before = announced();
    sync.set({ ...sync.getSnapshot(), syncing: true, lastSyncAt: Date.now() - 120_000 });
    await expect.element(status()).toMatchTextContent('Checking for changes…');
    expect(announced()).toBe(before);
    sync.set({ ...sync.getSnapshot(), syncing: false, pending: 1, conflicts: 1 });
    await expect
      .element(live)
      .toHaveTextContent('Online. 1 change waiting to sync. 1 conflict to resolve.');
  });

  test('offline with pending changes says they wait', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    mount({ connection: 'offline', pending: 3, lastSyncAt: Date.now() - 5 * 60_000 });
    await expect.element(status()).toMatchTextContent('Offline');
    await expect.element(status()).toMatchTextContent('3 changes waiting to sync');
    await expect.element(status()).toMatchTextContent('Last synced 5 min ago');
    vi.restoreAllMocks();
  });

  test('one pending change is singular', async () => {
    mount({ pending: 1 });
    await expect.element(status()).toMatchTextContent('1 change waiting to sync');
  });

  test('updates live when the snapshot changes', async () => {
    const sync = mount({ connection: 'online' });
    await expect.element(status()).toMatchTextContent('Online');
    sync.set({ ...sync.getSnapshot(), connection: 'offline', pending: 2 });
    await expect.element(status()).toMatchTextContent('Cannot reach the server');
    await expect.element(status()).toMatchTextContent('2 changes waiting to sync');
  });

  test('conflicts link opens the conflict view', async () => {
    let opened = 0;
    mount({ conflicts: 2 }, () => opened++);
    await userEvent.click(page.getByRole('button', { name: '2 conflicts to resolve' }));
    expect(opened).toBe(1);
  });

  test('transfers show their percentage', async () => {
    mount({ transfers: [{ id: 't', direction: 'upload', done: 512, total: 1024 }] });
    await expect.element(status()).toMatchTextContent('Uploading 50%');
  });

  const codes = [
    'network',
    'envelope_rejected',
    'sequence_rollback',
    'revision_rollback',
    'grant_untrusted',
    'signer_untrusted',
    'revision_fork',
    'version_not_supported',
    'quota_exceeded',
    'not_logged_in',
    'something_new',
  ];
  for (const code of codes) {
    test(`error ${code} is an alert in plain words, never the raw message`, async () => {
      mount({ errors: [{ code, message: 'raw server text <b>', at: Date.now() }] });
      const alert = page.getByRole('alert');
      await expect.element(alert).toMatchTextContent(plainWords(code, 'sync'));
      await expect.element(alert).not.toMatchTextContent('raw server text');
    });
  }

  test('a network error of the sync engine says the changes are kept', async () => {
    mount({ errors: [{ code: 'network', message: '', at: Date.now() }] });
    await expect.element(page.getByRole('alert')).toMatchTextContent('kept on this device');
  });

  test('Dismiss by keyboard leaves focus on the screen heading, not <body>', async () => {
    const sync = createSubject<SyncView>({
      ...IDLE_SYNC,
      errors: [{ code: 'network', message: '', at: 1 }],
    });
    render(
      <>
        <main id="main">
          <h2 tabIndex={-1}>Your vaults</h2>
        </main>
        <SyncStatusBar sync={sync} />
      </>,
    );
    page.getByRole('button', { name: 'Dismiss' }).element().focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Your vaults' })).toHaveFocus();
  });

  test('an error can be dismissed and a newer one shows again', async () => {
    const sync = mount({ errors: [{ code: 'network', message: '', at: 1 }] });
    await userEvent.click(page.getByRole('button', { name: 'Dismiss' }));
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    sync.set({
      ...sync.getSnapshot(),
      errors: [...sync.getSnapshot().errors, { code: 'envelope_rejected', message: '', at: 2 }],
    });
    await expect.element(page.getByRole('alert')).toMatchTextContent('integrity check');
  });
});
