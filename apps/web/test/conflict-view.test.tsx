import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { ConflictInfo } from '../src/api/types.ts';
import { ConflictView } from '../src/components/conflict-view.tsx';
import { FakeVault } from './fake-vault.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

const conflict: ConflictInfo = {
  conflictId: 'c1',
  recordId: 'r1',
  name: 'db/url',
  mine: { deleted: false, content: { kind: 'text', text: 'postgres://mine' }, updatedAt: 2 },
  theirs: {
    deleted: false,
    content: { kind: 'text', text: 'postgres://theirs' },
    updatedAt: 1,
    author: 'bob',
  },
};

function mount(conflicts: ConflictInfo[] = [conflict]) {
  const vault = new FakeVault();
  vault.conflicts.set(conflicts);
  render(<ConflictView vault={vault} onClose={() => {}} />);
  return vault;
}

describe('conflict view', () => {
  test('shows both versions side by side', async () => {
    mount();
    await expect
      .element(page.getByRole('region', { name: 'Your version' }))
      .toMatchTextContent('postgres://mine');
    await expect
      .element(page.getByRole('region', { name: 'Their version' }))
      .toMatchTextContent('postgres://theirs');
    await expect
      .element(page.getByRole('region', { name: 'Their version' }))
      .toMatchTextContent('by bob');
  });

  test('starts at its heading; each version says when it was edited', async () => {
    const editedAt = Date.UTC(2026, 0, 2, 9, 30);
    mount([{ ...conflict, mine: { ...conflict.mine, updatedAt: editedAt } }]);
    await expect.element(page.getByRole('heading', { name: 'Conflicts' })).toHaveFocus();
    await expect
      .element(page.getByRole('region', { name: 'Your version' }))
      .toMatchTextContent(`Edited · ${new Date(editedAt).toLocaleString()}`);
    await expect
      .element(page.getByRole('region', { name: 'Their version' }))
      .toMatchTextContent(/^Their versionEdited by bob/);
  });

  test('keep mine resolves and the conflict disappears', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'Keep mine' }));
    expect(vault.calls.at(-1)?.args).toEqual(['c1', { keep: 'mine' }]);
    await expect.element(page.getByText('No conflicts. Everything agrees.')).toBeVisible();
  });

  test('keep theirs', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'Keep theirs' }));
    expect(vault.calls.at(-1)?.args).toEqual(['c1', { keep: 'theirs' }]);
  });

  test('merge edits a combined value', async () => {
    const vault = mount();
    await userEvent.click(page.getByRole('button', { name: 'Merge…' }));
    await userEvent.fill(page.getByRole('textbox'), 'postgres://merged');
    await userEvent.click(page.getByRole('button', { name: 'Save merge' }));
    expect(vault.calls.at(-1)?.args).toEqual([
      'c1',
      { merged: { kind: 'text', text: 'postgres://merged' } },
    ]);
  });

  test('by keyboard, focus follows: Merge… to the merged value, Cancel back to Merge…, a resolve to the heading', async () => {
    mount([conflict, { ...conflict, conflictId: 'c2', name: 'db/user' }]);
    const merge = page.getByRole('button', { name: 'Merge…' }).first();
    await userEvent.click(merge);
    await expect.element(page.getByRole('textbox', { name: 'Merged value' })).toHaveFocus();
    await userEvent.click(page.getByRole('button', { name: 'Cancel' }));
    await expect.element(page.getByRole('button', { name: 'Merge…' }).first()).toHaveFocus();
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    await expect.element(page.getByRole('button', { name: 'Keep theirs' }).first()).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('listitem')).toHaveLength(1);
    await expect.element(page.getByRole('heading', { name: 'Conflicts' })).toHaveFocus();
  });

  test('a merged JSON value must be valid JSON', async () => {
    const vault = mount([
      {
        ...conflict,
        mine: { deleted: false, content: { kind: 'json', text: '{"a":1}' }, updatedAt: 2 },
      },
    ]);
    await userEvent.click(page.getByRole('button', { name: 'Merge…' }));
    await userEvent.fill(page.getByRole('textbox'), '{"a":');
    await userEvent.click(page.getByRole('button', { name: 'Save merge' }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('Not valid JSON');
    expect(vault.calls.some((c) => c.method === 'resolveConflict')).toBe(false);
  });

  test('a deletion on one side is said plainly', async () => {
    mount([{ ...conflict, theirs: { deleted: true, updatedAt: 0 } }]);
    await expect
      .element(page.getByRole('region', { name: 'Their version' }))
      .toMatchTextContent('this version deletes the record');
  });
});
