import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { InlineContent, VaultHandle } from '../api/types.ts';
import type { EditorValues } from '../ui/draft.ts';
import { describeError } from '../ui/plain-words.ts';
import { DiscardConfirm } from './discard-confirm.tsx';
import { FormMessages } from './form-messages.tsx';
import { checkJson } from './json-check.ts';

export interface RecordEditorProps {
  vault: VaultHandle;
  /** Editing an existing record: its name is fixed (the record id derives from it). */
  initial?: { name: string; content: InlineContent };
  /**
   * Names already in the vault: a NEW record may not take one (saving would
   * silently replace that record's value, and its kind, with this one).
   */
  existingNames?: ReadonlySet<string>;
  onDone: (name: string | null) => void;
  /** Told whether the form holds anything not saved (so nothing replaces it silently). */
  onDirty?: (dirty: boolean) => void;
  /**
   * Text kept from a session that ended while it was being written: the form
   * starts with it (still unsaved) and says so.
   */
  restored?: EditorValues;
  /** Told what the form holds whenever it is unsaved (null once nothing is). */
  onDraft?: (values: EditorValues | null) => void;
}

/** Create or edit a text, JSON or secret record. */
export function RecordEditor({
  vault,
  initial,
  existingNames,
  onDone,
  onDirty,
  restored,
  onDraft,
}: RecordEditorProps) {
  const [name, setName] = useState(initial?.name ?? restored?.name ?? '');
  const [kind, setKind] = useState<InlineContent['kind']>(
    restored?.kind ?? initial?.content.kind ?? 'text',
  );
  const [text, setText] = useState(restored?.text ?? initial?.content.text ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Save was pressed: an empty JSON value is now an error worth saying, not just a blank field. */
  const [attempted, setAttempted] = useState(false);
  /** Escape was pressed over unsaved text: a stray key must not throw it away unasked. */
  const [confirmingEscape, setConfirmingEscape] = useState(false);
  // Leave only once the confirmation is closed: while its modal is open, focus
  // cannot move to the vault heading and would fall to <body>.
  const [discarded, setDiscarded] = useState(false);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    if (discarded) done.current(null);
  }, [discarded]);
  const first = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  // A separate label (not wrapping) so the field's accessible name is not its content.
  const valueId = useId();
  const restoredId = useId();
  /** The field that takes focus first also reads out why the form came back filled in. */
  const describeFirst = restored ? restoredId : undefined;

  useEffect(() => first.current?.focus(), []);

  const dirty =
    name !== (initial?.name ?? '') ||
    kind !== (initial?.content.kind ?? 'text') ||
    text !== (initial?.content.text ?? '');
  const reportDirty = useRef(onDirty);
  reportDirty.current = onDirty;
  useEffect(() => reportDirty.current?.(dirty), [dirty]);
  const reportDraft = useRef(onDraft);
  reportDraft.current = onDraft;
  useEffect(
    () => reportDraft.current?.(dirty ? { name, kind, text } : null),
    [dirty, name, kind, text],
  );
  // Gone (saved, cancelled or discarded): nothing of it is left to lose.
  useEffect(
    () => () => {
      reportDirty.current?.(false);
      reportDraft.current?.(null);
    },
    [],
  );

  const jsonError =
    kind !== 'json'
      ? null
      : text.trim() === ''
        ? attempted
          ? 'Enter a JSON value, for example {} or [].'
          : null
        : checkJson(text);

  async function save(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    const trimmed = name.trim();
    if (!initial && trimmed === '') {
      // `required` lets spaces through; a record with no name cannot be found or opened.
      setError('Give the record a name.');
      first.current?.focus();
      return;
    }
    if (kind === 'json' && text.trim() === '') {
      document.getElementById(valueId)?.focus();
      return;
    }
    if (jsonError) {
      // The field already shows (and is described by) the JSON error: send the person there.
      document.getElementById(valueId)?.focus();
      return;
    }
    if (!initial && existingNames?.has(trimmed)) {
      setError(
        `A record named “${trimmed}” already exists. Open it and choose Edit to change it, or pick another name.`,
      );
      first.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await vault.write(trimmed, { kind, text });
      onDone(trimmed);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  return (
    <>
      <form
        className="editor stack"
        onSubmit={save}
        onKeyDown={(e) => {
          // Escape while composing (an input method) or in the confirmation belongs to them.
          if (e.key !== 'Escape' || busy || e.nativeEvent.isComposing || confirmingEscape) return;
          e.preventDefault();
          if (dirty) setConfirmingEscape(true);
          else onDone(null);
        }}
        aria-label={initial ? `Edit ${initial.name}` : 'New record'}
      >
        <h3>{initial ? `Edit ${initial.name}` : 'New record'}</h3>
        {restored && (
          <p id={restoredId} className="notice" role="status">
            Put back after you logged in again: this text had not been saved when Coffer locked or
            your session ended. Save it, or Cancel to discard it.
          </p>
        )}
        {!initial && (
          <label>
            Name
            <input
              ref={first}
              name="record-name"
              aria-describedby={describeFirst}
              required
              maxLength={500}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
        )}
        <fieldset className="kinds">
          <legend>Kind</legend>
          {(['text', 'json', 'secret'] as const).map((k) => (
            <label key={k} className="radio">
              <input
                type="radio"
                name="kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              {k === 'json' ? 'JSON' : k === 'text' ? 'Text' : 'Secret'}
            </label>
          ))}
        </fieldset>
        <div className="stack field">
          <label htmlFor={valueId}>Value</label>
          {kind === 'secret' ? (
            <input
              ref={initial ? first : undefined}
              id={valueId}
              name="record-value"
              type="password"
              autoComplete="off"
              aria-describedby={initial ? describeFirst : undefined}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          ) : (
            <textarea
              ref={initial ? first : undefined}
              id={valueId}
              name="record-value"
              rows={kind === 'json' ? 10 : 6}
              spellCheck={kind === 'text'}
              aria-invalid={jsonError !== null}
              aria-describedby={
                [jsonError ? 'json-error' : '', initial ? (describeFirst ?? '') : '']
                  .filter(Boolean)
                  .join(' ') || undefined
              }
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </div>
        {jsonError && (
          <p id="json-error" className="hint error">
            {jsonError}
          </p>
        )}
        <FormMessages error={error} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => onDone(null)} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
      {confirmingEscape && (
        <DiscardConfirm
          onKeep={() => setConfirmingEscape(false)}
          onDiscard={() => {
            setConfirmingEscape(false);
            setDiscarded(true);
          }}
        />
      )}
    </>
  );
}
