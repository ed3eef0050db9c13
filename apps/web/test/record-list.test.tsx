import { useState } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { RecordSummary } from '../src/api/types.ts';
import { RecordList } from '../src/components/record-list.tsx';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

const many: RecordSummary[] = Array.from({ length: 10_000 }, (_, i) => ({
  recordId: `r${i}`,
  name: `record ${String(i).padStart(5, '0')}`,
  kind: 'text',
  updatedAt: 0,
  conflicted: false,
}));

/** The list as the vault view drives it: selection held by the parent. */
function Selectable({
  records,
  initial = null,
}: {
  records: RecordSummary[];
  initial?: string | null;
}) {
  const [selected, setSelected] = useState<string | null>(initial);
  return (
    <RecordList records={records} selectedId={selected} onSelect={(r) => setSelected(r.recordId)} />
  );
}

describe('record list', () => {
  test('10 000 records keep only the visible rows in the DOM', async () => {
    const host = render(<RecordList records={many} selectedId={null} onSelect={() => {}} />);
    await expect.element(page.getByRole('option', { name: /record 00000/ })).toBeVisible();
    const rows = host.querySelectorAll('[role="option"]').length;
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(100);
    expect(host.querySelector('[role="option"]')?.getAttribute('aria-setsize')).toBe('10000');
  });

  test('scrolling renders the rows that come into view', async () => {
    const host = render(<RecordList records={many} selectedId={null} onSelect={() => {}} />);
    const viewport = host.querySelector<HTMLElement>('[role="listbox"]')!;
    viewport.scrollTop = 56 * 5000;
    viewport.dispatchEvent(new Event('scroll'));
    await expect.element(page.getByRole('option', { name: /record 05000/ })).toBeInTheDocument();
  });

  test('arrow keys move the selection', async () => {
    const selected: string[] = [];
    render(
      <RecordList
        records={many.slice(0, 5)}
        selectedId="r1"
        onSelect={(r) => selected.push(r.recordId)}
      />,
    );
    await userEvent.click(page.getByRole('option', { name: /record 00001/ }));
    await userEvent.keyboard('{ArrowDown}');
    await userEvent.keyboard('{End}');
    expect(selected).toEqual(['r1', 'r2', 'r4']);
  });

  test('integrity failures and conflicts are labelled, not shown as data', async () => {
    const rows: RecordSummary[] = [
      { ...many[0]!, name: 'forged', integrityError: 'does not open' },
      { ...many[1]!, name: 'both edited', conflicted: true },
    ];
    render(<RecordList records={rows} selectedId={null} onSelect={() => {}} />);
    await expect
      .element(page.getByRole('option', { name: /forged/ }))
      .toMatchTextContent('Integrity error');
    await expect
      .element(page.getByRole('option', { name: /both edited/ }))
      .toMatchTextContent('Conflict');
  });

  test('an empty list says nothing matches', async () => {
    render(<RecordList records={[]} selectedId={null} onSelect={() => {}} />);
    await expect.element(page.getByText('No records match.')).toBeVisible();
  });

  test('keyboard walks all 10 000 rows: the active row is rendered, in view and announced', async () => {
    const host = render(<Selectable records={many} />);
    const listbox = page.getByRole('listbox', { name: 'Records' });
    await userEvent.click(page.getByRole('option', { name: /record 00000/ }));
    await userEvent.keyboard('{End}');
    const lastRow = page.getByRole('option', { name: /record 09999/ });
    await expect.element(lastRow).toBeVisible();
    await expect.element(lastRow).toHaveAttribute('aria-selected', 'true');
    await expect.element(lastRow).toHaveAttribute('aria-posinset', '10000');
    await expect.element(listbox).toHaveAttribute('aria-activedescendant', 'record-r9999');
    expect(host.querySelectorAll('[role="option"]').length).toBeLessThan(100);
    await userEvent.keyboard('{PageUp}{ArrowUp}');
    await expect.element(listbox).toHaveAttribute('aria-activedescendant', 'record-r9988');
    await expect.element(page.getByRole('option', { name: /record 09988/ })).toBeVisible();
    await userEvent.keyboard('{Home}');
    await expect.element(page.getByRole('option', { name: /record 00000/ })).toBeVisible();
  });

  test('the selected row stays in the DOM when scrolled away, so the active descendant exists', async () => {
    const host = render(<Selectable records={many} initial="r2" />);
    const viewport = host.querySelector<HTMLElement>('[role="listbox"]')!;
    viewport.scrollTop = 56 * 7000;
    viewport.dispatchEvent(new Event('scroll'));
    await expect.element(page.getByRole('option', { name: /record 07000/ })).toBeInTheDocument();
    const active = viewport.getAttribute('aria-activedescendant') ?? '';
    expect(active).toBe('record-r2');
    expect(host.querySelector(`#${active}`)?.getAttribute('aria-selected')).toBe('true');
  });

  test('the first arrow press with nothing selected selects the first row', async () => {
    const selected: string[] = [];
    render(
      <RecordList
        records={many.slice(0, 5)}
        selectedId={null}
        onSelect={(r) => selected.push(r.recordId)}
      />,
    );
    await userEvent.click(page.getByRole('listbox', { name: 'Records' }));
    selected.length = 0; // the click itself may land on a row
    (document.querySelector('[role="listbox"]') as HTMLElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(selected).toEqual(['r0']);
  });
});
