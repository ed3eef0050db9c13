import { type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react';
import type { RecordSummary } from '../api/types.ts';
import { formatBytes } from '../ui/format.ts';

/** Fixed row height keeps virtualization arithmetic trivial (matches .record-row in CSS). */
export const ROW_HEIGHT = 56;
const OVERSCAN = 8;

const KIND_LABEL: Record<RecordSummary['kind'], string> = {
  text: 'Text',
  json: 'JSON',
  secret: 'Secret',
  file: 'File',
};

export interface RecordListProps {
  records: ReadonlyArray<RecordSummary>;
  selectedId: string | null;
  /** `pointer`: a tap or click (on a phone the record is then scrolled to); `keyboard`: arrows. */
  onSelect: (record: RecordSummary, how: 'pointer' | 'keyboard') => void;
}

/**
 * A virtualized listbox: only the rows in view (plus a margin) are in the
 * DOM, so 10 000 records render as fast as 30. Arrow keys move the
 * selection; the active row is scrolled into view. Row offsets are set
 * through the style object (CSSOM), which the CSP allows, unlike inline
 * style attributes.
 */
export function RecordList({ records, selectedId, onSelect }: RecordListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const empty = records.length === 0;
  // Keys can arrive faster than React re-renders (key repeat, typed sequences):
  // later keys continue from the last move, not from the stale selectedId.
  const lastMove = useRef<{ from: string | null; id: string; index: number } | null>(null);

  // Measure the real viewport once it exists (phone screens are short).
  useLayoutEffect(() => {
    if (!empty && viewport.current) setHeight(viewport.current.clientHeight || 600);
  }, [empty]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(records.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const selectedIndex = records.findIndex((r) => r.recordId === selectedId);
  const rows: Array<{ record: RecordSummary; index: number }> = [];
  // The selected row stays in the DOM even when scrolled away, so that
  // aria-activedescendant always names an element screen readers can find.
  if (selectedIndex >= 0 && selectedIndex < first) {
    rows.push({ record: records[selectedIndex] as RecordSummary, index: selectedIndex });
  }
  for (let i = first; i < last; i++) rows.push({ record: records[i] as RecordSummary, index: i });
  if (selectedIndex >= last) {
    rows.push({ record: records[selectedIndex] as RecordSummary, index: selectedIndex });
  }

  function onKeyDown(event: KeyboardEvent) {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    const move = lastMove.current;
    const current =
      move && move.from === selectedId && records[move.index]?.recordId === move.id
        ? move.index
        : selectedIndex;
    let next: number | undefined;
    // With nothing selected yet, the first move lands on the first row.
    if (event.key in moves) next = current < 0 ? 0 : current + (moves[event.key] ?? 0);
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = records.length - 1;
    if (next === undefined || records.length === 0) return;
    event.preventDefault();
    const index = Math.min(records.length - 1, Math.max(0, next));
    const record = records[index];
    if (!record) return;
    lastMove.current = { from: selectedId, id: record.recordId, index };
    onSelect(record, 'keyboard');
    const el = viewport.current;
    if (el) {
      const top = index * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
  }

  if (empty) return <p className="empty">No records match.</p>;
  return (
    <div
      ref={viewport}
      className="record-list"
      role="listbox"
      aria-label="Records"
      aria-activedescendant={selectedIndex >= 0 ? `record-${selectedId}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        setScrollTop(e.currentTarget.scrollTop);
        setHeight(e.currentTarget.clientHeight);
      }}
    >
      <div className="record-list__spacer" style={{ height: records.length * ROW_HEIGHT }}>
        {rows.map(({ record, index }) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles keys (aria-activedescendant)
          <div
            key={record.recordId}
            tabIndex={-1}
            id={`record-${record.recordId}`}
            role="option"
            aria-selected={record.recordId === selectedId}
            aria-setsize={records.length}
            aria-posinset={index + 1}
            className="record-row"
            data-problem={
              record.integrityError
                ? 'integrity'
                : record.conflicted
                  ? 'conflict'
                  : record.notLatest
                    ? 'not-latest'
                    : undefined
            }
            style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
            onClick={() => {
              // Focus belongs to the listbox (aria-activedescendant): a focused row
              // would take the focus with it when it scrolls out and unmounts.
              viewport.current?.focus({ preventScroll: true });
              onSelect(record, 'pointer');
            }}
          >
            <span className="record-row__name">{record.name}</span>
            <span className="record-row__meta">
              {record.integrityError
                ? 'Integrity error'
                : record.conflicted
                  ? 'Conflict'
                  : record.notLatest
                    ? 'Newer version refused'
                    : record.kind === 'file' && record.size !== undefined
                      ? `File · ${formatBytes(record.size)}`
                      : KIND_LABEL[record.kind]}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
