import { afterEach, describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { VaultView } from '../src/components/vault-view.tsx';
import { FakeVault } from './fake-vault.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

function mount(vault = new FakeVault()) {
  render(
    <VaultView
      vault={vault}
      self="alice"
      showConflicts={false}
      onShowConflicts={() => {}}
      onBack={() => {}}
    />,
  );
  return vault;
}

describe('vault view', () => {
  test('shows the loading state, then the records', async () => {
    const vault = new FakeVault();
    vault.records.set({ status: 'loading', records: [] });
    mount(vault);
    await expect.element(page.getByText('Opening vault…')).toBeVisible();
    vault.seed({ name: 'db/password' }, { kind: 'secret', text: 'hunter2' });
    await expect.element(page.getByRole('option', { name: /db\/password/ })).toBeVisible();
    await expect.element(page.getByText('1 record', { exact: true })).toBeVisible();
  });

  test('an empty vault says so, instead of "No records match"', async () => {
    mount();
    await expect.element(page.getByText(/^No records yet/)).toBeVisible();
    await expect.element(page.getByText('No records match.')).not.toBeInTheDocument();
  });

  test('search filters by name', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'alpha' }, { kind: 'text', text: 'a' });
    vault.seed({ name: 'beta' }, { kind: 'text', text: 'b' });
    mount(vault);
    await userEvent.fill(page.getByLabelText('Search records'), 'alp');
    await expect.element(page.getByText('1 of 2 records')).toBeVisible();
    await expect.element(page.getByRole('option', { name: /beta/ })).not.toBeInTheDocument();
  });

  test('search runs over every name of a 10 000-record vault, not just the rendered rows', async () => {
    const vault = new FakeVault();
    vault.records.set({
      status: 'ready',
      records: Array.from({ length: 10_000 }, (_, i) => ({
        recordId: `r${i}`,
        name: `service-${String(i).padStart(5, '0')}/password`,
        kind: 'secret' as const,
        updatedAt: 0,
        conflicted: false,
      })),
    });
    mount(vault);
    await expect.element(page.getByText('10000 records')).toBeVisible();
    await expect
      .element(page.getByRole('option', { name: /service-09876/ }))
      .not.toBeInTheDocument();
    await userEvent.fill(page.getByLabelText('Search records'), '09876');
    await expect.element(page.getByText('1 of 10000 records')).toBeVisible();
    await expect.element(page.getByRole('option', { name: /service-09876/ })).toBeVisible();
  });

  test('creates a text record', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await expect.element(page.getByLabelText('Name')).toHaveFocus();
    await userEvent.fill(page.getByLabelText('Name'), 'note');
    await userEvent.fill(page.getByLabelText('Value'), 'hello');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    expect(vault.calls.find((c) => c.method === 'write')?.args).toEqual([
      'note',
      { kind: 'text', text: 'hello' },
    ]);
    await expect.element(page.getByRole('heading', { name: 'note' })).toBeVisible();
    await expect.element(page.getByText('hello')).toBeVisible();
  });

  test('invalid JSON is refused with the reason; valid JSON is saved', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'config');
    await userEvent.click(page.getByRole('radio', { name: 'JSON' }));
    await userEvent.fill(page.getByLabelText('Value'), '{"a": ');
    await expect.element(page.getByText(/Not valid JSON/)).toBeVisible();
    await expect.element(page.getByLabelText('Value')).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(page.getByLabelText('Name'));
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
    // Said once, beside the field it is about, and the field gets focus.
    await expect.element(page.getByLabelText('Value')).toHaveFocus();
    expect(document.body.textContent?.match(/Not valid JSON/g)).toHaveLength(1);
    await userEvent.fill(page.getByLabelText('Value'), '{"a": 1}');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect.element(page.getByText(/"a": 1/)).toBeVisible();
  });

  test('a name of only spaces is refused: a record with no name could not be found again', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), '   ');
    await userEvent.fill(page.getByLabelText('Value'), 'hello');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent('Give the record a name.');
    await expect.element(page.getByLabelText('Name')).toHaveFocus();
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
  });

  test('saving an empty JSON value says what is missing instead of doing nothing', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'config');
    await userEvent.click(page.getByRole('radio', { name: 'JSON' }));
    // Not an error before the person tried to save.
    await expect.element(page.getByLabelText('Value')).toHaveAttribute('aria-invalid', 'false');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect.element(page.getByText('Enter a JSON value, for example {} or [].')).toBeVisible();
    await expect.element(page.getByLabelText('Value')).toHaveFocus();
    await expect
      .element(page.getByLabelText('Value'))
      .toHaveAccessibleDescription('Enter a JSON value, for example {} or [].');
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
  });

  test('a new record may not take an existing name: saving would replace that record', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'config' }, { kind: 'json', text: '{"a": 1}' });
    mount(vault);
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), ' config ');
    await userEvent.fill(page.getByLabelText('Value'), 'dup');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect
      .element(page.getByText(/A record named “config” already exists\. Open it and choose Edit/))
      .toBeVisible();
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
    await expect.element(page.getByLabelText('Name')).toHaveFocus();
    // Another name saves.
    await userEvent.fill(page.getByLabelText('Name'), 'config-2');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    expect(vault.calls.find((c) => c.method === 'write')?.args[0]).toBe('config-2');
  });

  test('a file named like an existing record replaces it only after a second, explicit click', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'report.pdf' }, { kind: 'text', text: 'old notes' });
    mount(vault);
    await userEvent.click(page.getByRole('button', { name: 'Attach file' }));
    await userEvent.upload(page.getByLabelText('File'), new File(['x'.repeat(10)], 'report.pdf'));
    await userEvent.click(page.getByRole('button', { name: 'Upload' }));
    await expect
      .element(page.getByText(/A record named “report.pdf” already exists/))
      .toBeVisible();
    expect(vault.calls.some((c) => c.method === 'uploadFile')).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Replace report.pdf' }));
    await expect.poll(() => vault.calls.some((c) => c.method === 'uploadFile')).toBe(true);
  });

  test('a secret is masked until revealed and can be copied', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'token', kind: 'secret' }, { kind: 'secret', text: 's3cr3t-value' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /token/ }));
    const value = page.getByLabelText('Secret value, hidden');
    await expect.element(value).toBeVisible();
    await expect.element(value).not.toMatchTextContent('s3cr3t-value');
    await userEvent.click(page.getByRole('button', { name: 'Reveal' }));
    await expect.element(page.getByLabelText('Secret value')).toHaveTextContent('s3cr3t-value');
    await userEvent.click(page.getByRole('button', { name: 'Hide' }));
    await expect.element(page.getByLabelText('Secret value, hidden')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Copy' }));
    await expect.element(page.getByText(/^Copied$|Copy failed/)).toBeVisible();
  });

  test('a hidden secret shows the same mask whatever its length (the mask must not tell it)', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'pin', kind: 'secret' }, { kind: 'secret', text: '1' });
    vault.seed({ name: 'key', kind: 'secret' }, { kind: 'secret', text: 'k'.repeat(20) });
    vault.seed({ name: 'long', kind: 'secret' }, { kind: 'secret', text: 'x'.repeat(300) });
    mount(vault);
    const masks: Array<string | null> = [];
    for (const name of ['pin', 'key', 'long']) {
      await userEvent.click(page.getByRole('option', { name: new RegExp(`^${name}`) }));
      const hidden = page.getByLabelText('Secret value, hidden');
      await expect.element(hidden).toBeVisible();
      masks.push(hidden.element().textContent);
    }
    expect(masks[0]).toMatch(/^•+$/);
    expect(new Set(masks).size).toBe(1);
  });

  test('edit keeps the name and saves the new value', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'note' }, { kind: 'text', text: 'old' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /note/ }));
    await userEvent.click(page.getByRole('button', { name: 'Edit' }));
    await expect.element(page.getByLabelText('Value')).toHaveValue('old');
    await userEvent.fill(page.getByLabelText('Value'), 'new');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    const writes = vault.calls.filter((c) => c.method === 'write');
    expect(writes.map((c) => c.args)).toEqual([['note', { kind: 'text', text: 'new' }]]);
  });

  test('delete asks for confirmation', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'old' }, { kind: 'text', text: 'x' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /old/ }));
    await userEvent.click(page.getByRole('button', { name: 'Delete' }));
    expect(vault.calls.some((c) => c.method === 'remove')).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Really delete' }));
    await expect.element(page.getByRole('option', { name: /old/ })).not.toBeInTheDocument();
  });

  test('a re-list of the vault does not re-decrypt the shown record or drop a pending delete', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'shown' }, { kind: 'text', text: 'value' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /shown/ }));
    await expect.element(page.getByText('value', { exact: true })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Delete' }));
    const reads = () => vault.calls.filter((c) => c.method === 'read').length;
    const before = reads();
    // A sync elsewhere in the vault: the list is rebuilt with new summary objects.
    vault.seed({ name: 'other' }, { kind: 'text', text: 'x' });
    const relisted = vault.records.getSnapshot().records.map((r) => ({ ...r }));
    vault.records.set({ status: 'ready', records: relisted });
    await expect.element(page.getByText('2 records')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Really delete' })).toBeVisible();
    expect(reads()).toBe(before);
    // A new version of the shown record is read again.
    const current = vault.records.getSnapshot().records;
    vault.records.set({
      status: 'ready',
      records: current.map((r) => (r.name === 'shown' ? { ...r, updatedAt: r.updatedAt + 1 } : r)),
    });
    await expect.poll(reads).toBe(before + 1);
  });

  test('focus never falls to <body>: save, cancel, Escape, delete and keep each put it somewhere useful', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'note');
    await userEvent.fill(page.getByLabelText('Value'), 'hello');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    // Saved: the record shown in place of the form takes focus.
    await expect.element(page.getByRole('heading', { name: 'note', level: 3 })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Edit' }));
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('heading', { name: 'note', level: 3 })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('form', { name: 'New record' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Team', level: 2 })).toHaveFocus();
    await userEvent.click(page.getByRole('option', { name: /note/ }));
    await userEvent.click(page.getByRole('button', { name: 'Delete' }));
    await expect.element(page.getByRole('button', { name: 'Keep' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('button', { name: 'Delete' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Delete' }));
    await userEvent.click(page.getByRole('button', { name: 'Really delete' }));
    await expect.element(page.getByRole('heading', { name: 'Team', level: 2 })).toHaveFocus();
    expect(vault.calls.filter((c) => c.method === 'remove')).toHaveLength(1);
  });

  test('Escape over unsaved text asks before discarding it; Keep writing returns to the text', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'letter');
    await userEvent.fill(page.getByLabelText('Value'), 'three careful paragraphs');
    await userEvent.keyboard('{Escape}');
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect.element(dialog).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Keep writing' })).toHaveFocus();
    // Escape again is the dialog's own cancel: it keeps the text.
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    await expect.element(page.getByLabelText('Value')).toHaveFocus();
    await expect.element(page.getByLabelText('Value')).toHaveValue('three careful paragraphs');
    await userEvent.keyboard('{Escape}');
    await userEvent.click(page.getByRole('button', { name: 'Discard' }));
    await expect.element(page.getByRole('form', { name: 'New record' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Team', level: 2 })).toHaveFocus();
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
  });

  test('Attach file starts in its form, and Escape leaves it for the vault heading', async () => {
    mount();
    await userEvent.click(page.getByRole('button', { name: 'Attach file' }));
    await expect.element(page.getByLabelText('File')).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('form', { name: 'Attach a file' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'Team', level: 2 })).toHaveFocus();
  });

  test('on a phone a tapped record is scrolled into view (it renders below the whole list)', async () => {
    await page.viewport(390, 700);
    try {
      const vault = new FakeVault();
      for (let i = 0; i < 20; i++) vault.seed({ name: `r${i}` }, { kind: 'text', text: `v${i}` });
      mount(vault);
      // The app's header and status bar around it: a page that can scroll.
      const below = document.body.appendChild(document.createElement('div'));
      below.style.height = '2000px';
      await userEvent.click(page.getByRole('option', { name: /^r1 / }));
      const heading = page.getByRole('heading', { name: 'r1', level: 3 });
      await expect.element(heading).toBeVisible();
      await expect
        .poll(() => heading.element().getBoundingClientRect().top)
        .toBeLessThan(window.innerHeight / 2);
      await expect.element(page.getByRole('listbox')).toHaveFocus();
      below.remove();
    } finally {
      await page.viewport(1100, 800);
    }
  });

  test('a record that failed its integrity check is an error, and is never decrypted', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'forged', integrityError: 'The envelope does not open.' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /forged/ }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('Integrity error');
    expect(vault.calls.some((c) => c.method === 'read')).toBe(false);
  });

  test('a file uploads with progress and then downloads', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'Attach file' }));
    await userEvent.upload(page.getByLabelText('File'), new File(['x'.repeat(2048)], 'report.pdf'));
    await userEvent.click(page.getByRole('button', { name: 'Upload' }));
    await expect.element(page.getByRole('heading', { name: 'report.pdf' })).toBeVisible();
    expect(vault.calls.find((c) => c.method === 'uploadFile')?.args).toEqual(['report.pdf', 2048]);
    await expect.element(page.getByText('File, 2.0 KiB')).toBeVisible();
    // No native save dialog in a test: the Blob download path (file-transfer.test.tsx tests both).
    vi.stubGlobal('showSaveFilePicker', undefined);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.poll(() => vault.calls.some((c) => c.method === 'downloadFile')).toBe(true);
    vi.unstubAllGlobals();
  });

  test('opening a record while a file uploads keeps the upload going, and does not jump away when it ends', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'notes' }, { kind: 'text', text: 'read me meanwhile' });
    vault.holdTransfers = true;
    mount(vault);
    await userEvent.click(page.getByRole('button', { name: 'Attach file' }));
    await userEvent.upload(page.getByLabelText('File'), new File(['x'.repeat(4096)], 'big.iso'));
    await userEvent.click(page.getByRole('button', { name: 'Upload' }));
    await expect.element(page.getByLabelText('Upload progress')).toBeVisible();
    await userEvent.click(page.getByRole('option', { name: /notes/ }));
    await expect.element(page.getByText('read me meanwhile')).toBeVisible();
    // Still uploading, and still cancellable: not silently aborted.
    await expect.element(page.getByLabelText('Upload progress')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Cancel upload' })).toBeVisible();
    expect(page.getByText('Upload cancelled.').query()).toBeNull();
    vault.releaseTransfer?.();
    await expect.element(page.getByRole('option', { name: /big\.iso/ })).toBeVisible();
    await expect.element(page.getByLabelText('Upload progress')).not.toBeInTheDocument();
    await expect.element(page.getByRole('heading', { name: 'notes' })).toBeVisible();
  });

  test('picking another record while writing one asks before discarding the text', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'notes' }, { kind: 'text', text: 'old notes' });
    mount(vault);
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'draft');
    await userEvent.fill(page.getByLabelText('Value'), 'three careful paragraphs');
    await userEvent.click(page.getByRole('option', { name: /notes/ }));
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect.element(dialog).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Keep writing' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Keep writing' }));
    await expect.element(page.getByLabelText('Value')).toHaveValue('three careful paragraphs');
    await userEvent.click(page.getByRole('option', { name: /notes/ }));
    await userEvent.click(page.getByRole('button', { name: 'Discard' }));
    await expect.element(page.getByText('old notes')).toBeVisible();
    expect(vault.calls.some((c) => c.method === 'write')).toBe(false);
  });

  test('an editor with nothing typed is replaced without asking', async () => {
    const vault = new FakeVault();
    vault.seed({ name: 'notes' }, { kind: 'text', text: 'old notes' });
    mount(vault);
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.click(page.getByRole('option', { name: /notes/ }));
    await expect.element(page.getByText('old notes')).toBeVisible();
    expect(page.getByRole('dialog').query()).toBeNull();
  });

  test('readers see no write controls', async () => {
    const vault = new FakeVault({ role: 'reader' });
    vault.seed({ name: 'note' }, { kind: 'text', text: 'x' });
    mount(vault);
    await userEvent.click(page.getByRole('option', { name: /note/ }));
    await expect.element(page.getByText('x', { exact: true })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'New record' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });

  test('an upload that cannot reach the server does not claim the file was kept', async () => {
    const vault = mount();
    vault.failTransfers = 'network';
    await userEvent.click(page.getByRole('button', { name: 'Attach file' }));
    await userEvent.upload(page.getByLabelText('File'), new File(['x'], 'a.txt'));
    await userEvent.click(page.getByRole('button', { name: 'Upload' }));
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Cannot reach the server. Check the connection and try again.');
  });

  test('a failed save is explained and the form stays', async () => {
    const vault = mount();
    vault.failNext.set('write', Object.assign(new Error('x'), { code: 'forbidden_by_role' }));
    await userEvent.click(page.getByRole('button', { name: 'New record' }));
    await userEvent.fill(page.getByLabelText('Name'), 'n');
    await userEvent.click(page.getByRole('button', { name: 'Save' }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('does not allow');
    await expect.element(page.getByLabelText('Name')).toHaveValue('n');
  });
});
