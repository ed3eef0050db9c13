import { useEffect, useRef, useState } from 'react';
import type { ConflictChoice, ConflictInfo, InlineContent, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { useObservable } from '../ui/use-observable.ts';
import { ConflictSideView } from './conflict-side.tsx';
import { checkJson } from './json-check.ts';

function inlineOf(conflict: ConflictInfo): InlineContent | null {
  const c = conflict.mine.content ?? conflict.theirs.content;
  return c && c.kind !== 'file' ? c : null;
}

/** One conflict: both versions side by side; keep one, or edit a merge of both. */
function ConflictCard({
  vault,
  conflict,
  onResolved,
}: {
  vault: VaultHandle;
  conflict: ConflictInfo;
  /** This card is about to go: whoever had focus in it needs somewhere to be. */
  onResolved: () => void;
}) {
  const [merging, setMerging] = useState<InlineContent | null>(null);
  const mergedField = useRef<HTMLTextAreaElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  /** Where focus goes once the buttons it was on are replaced (they unmount with it). */
  const [focusNext, setFocusNext] = useState<'field' | 'merge' | null>(null);
  useEffect(() => {
    if (focusNext === 'field') mergedField.current?.focus();
    if (focusNext === 'merge') mergeButton.current?.focus();
    setFocusNext(null);
  }, [focusNext]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function resolve(choice: ConflictChoice) {
    if ('merged' in choice && choice.merged.kind === 'json') {
      const bad = checkJson(choice.merged.text);
      if (bad) return setError(bad);
    }
    setBusy(true);
    setError(null);
    try {
      await vault.resolveConflict(conflict.conflictId, choice);
      onResolved();
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  const base = inlineOf(conflict);
  return (
    <li className="conflict stack" aria-label={`Conflict on ${conflict.name}`}>
      <h3>{conflict.name}</h3>
      <div className="conflict__sides">
        <ConflictSideView side={conflict.mine} label="Your version" />
        <ConflictSideView side={conflict.theirs} label="Their version" />
      </div>
      {merging ? (
        <div className="stack">
          <label>
            Merged value
            <textarea
              ref={mergedField}
              rows={6}
              value={merging.text}
              onChange={(e) => setMerging({ ...merging, text: e.target.value })}
            />
          </label>
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => resolve({ merged: merging })}
            >
              Save merge
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setMerging(null);
                setFocusNext('merge');
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => resolve({ keep: 'mine' })}>
            Keep mine
          </button>
          <button type="button" disabled={busy} onClick={() => resolve({ keep: 'theirs' })}>
            Keep theirs
          </button>
          {base && (
            <button
              ref={mergeButton}
              type="button"
              disabled={busy}
              onClick={() => {
                setMerging({ ...base });
                setFocusNext('field');
              }}
            >
              Merge…
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** Every unresolved conflict of a vault. */
export function ConflictView({ vault, onClose }: { vault: VaultHandle; onClose: () => void }) {
  const conflicts = useObservable(vault.conflicts);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from the status bar: start at this screen's heading.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="conflicts stack" aria-labelledby="conflicts-heading">
      <div className="row spread">
        <h2 id="conflicts-heading" ref={heading} tabIndex={-1}>
          Conflicts
        </h2>
        <button type="button" onClick={onClose}>
          Back to records
        </button>
      </div>
      {conflicts.length === 0 ? (
        <p role="status">No conflicts. Everything agrees.</p>
      ) : (
        <>
          <p role="status">
            The same record was changed in two places. Choose which version to keep, or merge them.
          </p>
          <ul className="plain stack">
            {conflicts.map((c) => (
              <ConflictCard
                key={c.conflictId}
                vault={vault}
                conflict={c}
                onResolved={() => heading.current?.focus()}
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
