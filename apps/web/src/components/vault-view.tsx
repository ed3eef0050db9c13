import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { InlineContent, RecordSummary, VaultHandle } from '../api/types.ts';
import type { EditorValues, KeptDraft } from '../ui/draft.ts';
import { useObservable } from '../ui/use-observable.ts';
import { ConflictView } from './conflict-view.tsx';
import { DiscardConfirm } from './discard-confirm.tsx';
import { FileUpload } from './file-upload.tsx';
import { RecordDetail } from './record-detail.tsx';
import { RecordEditor } from './record-editor.tsx';
import { RecordList } from './record-list.tsx';
import { ShareDialog } from './share-dialog.tsx';

type Pane =
  | { kind: 'none' }
  | { kind: 'detail'; recordId: string }
  /** Just saved: shown as soon as the replica lists it (the write is async). */
  | { kind: 'saved'; name: string }
  /** `restored`: text kept from a session that ended while it was being written. */
  | { kind: 'new'; restored?: EditorValues }
  | { kind: 'edit'; record: RecordSummary; content: InlineContent; restored?: EditorValues }
  | { kind: 'upload' };

export interface VaultViewProps {
  vault: VaultHandle;
  self: string;
  showConflicts: boolean;
  onShowConflicts: (show: boolean) => void;
  onBack: () => void;
  /** Told whether the record editor holds unsaved text (the app asks before leaving then). */
  onUnsaved?: (unsaved: boolean) => void;
  /** Told what the record editor holds while it is unsaved (kept if the session ends under it). */
  onDraft?: (draft: KeptDraft | null) => void;
  /** Unsaved text of this vault kept across a re-login: open the editor with it. */
  restore?: KeptDraft;
}

function restoredPane(draft: KeptDraft | undefined): Pane {
  if (!draft) return { kind: 'none' };
  return draft.editing
    ? { kind: 'edit', ...draft.editing, restored: draft.values }
    : { kind: 'new', restored: draft.values };
}

/** The layout's one-column breakpoint (layout.css switches to two columns at 800 px). */
const ONE_COLUMN = '(max-width: 799px)';

function recordCount(n: number): string {
  return n === 1 ? '1 record' : `${n} records`;
}

/** A vault: searchable record list on one side, the selected record or an editor on the other. */
export function VaultView({
  vault,
  self,
  showConflicts,
  onShowConflicts,
  onBack,
  onUnsaved,
  onDraft,
  restore,
}: VaultViewProps) {
  const list = useObservable(vault.records);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [pane, setPane] = useState<Pane>(() => restoredPane(restore));
  const [sharing, setSharing] = useState(false);
  /**
   * A file is uploading: its form stays (with progress and Cancel upload) while
   * the person looks at records or writes another one. Unmounting it would
   * abort the upload without a word.
   */
  const [uploading, setUploading] = useState(false);
  const paneNow = useRef(pane);
  paneNow.current = pane;
  /** The editor holds unsaved text: whatever would replace it asks first. */
  const [editorDirty, setEditorDirty] = useState(false);
  const [discarding, setDiscarding] = useState<(() => void) | null>(null);
  const tellUnsaved = useRef(onUnsaved);
  tellUnsaved.current = onUnsaved;
  const tellDraft = useRef(onDraft);
  tellDraft.current = onDraft;
  /** The editor's unsaved values, with what the app needs to open the same editor again. */
  function reportDraft(values: EditorValues | null) {
    const now = paneNow.current;
    tellDraft.current?.(
      values === null
        ? null
        : {
            vaultId: vault.info.vaultId,
            values,
            ...(now.kind === 'edit'
              ? { editing: { record: now.record, content: now.content } }
              : {}),
          },
    );
  }
  useEffect(() => tellUnsaved.current?.(editorDirty), [editorDirty]);
  function guardEditor(action: () => void) {
    if ((pane.kind === 'new' || pane.kind === 'edit') && editorDirty) setDiscarding(() => action);
    else action();
  }
  const heading = useRef<HTMLHeadingElement>(null);
  const paneRef = useRef<HTMLDivElement>(null);
  const canWrite = vault.info.role !== 'reader';

  // On opening, and on coming back from the conflicts screen (its heading is gone);
  // not when opened with restored text: the editor takes focus to say so.
  const restoring = useRef(restore !== undefined);
  useEffect(() => {
    if (restoring.current) restoring.current = false;
    else if (!showConflicts) heading.current?.focus();
  }, [showConflicts]);

  const filtered = useMemo(() => {
    const q = deferredQuery.trim().toLowerCase();
    return q ? list.records.filter((r) => r.name.toLowerCase().includes(q)) : list.records;
  }, [list.records, deferredQuery]);

  const names = useMemo(() => new Set(list.records.map((r) => r.name)), [list.records]);

  const selected =
    pane.kind === 'detail'
      ? list.records.find((r) => r.recordId === pane.recordId)
      : pane.kind === 'saved'
        ? list.records.find((r) => r.name === pane.name)
        : undefined;

  /** Move focus to the record shown next (after a save, an upload or an edit). */
  const [focusDetail, setFocusDetail] = useState(false);

  /**
   * On one column (a phone) the record shows below the whole list: a tap
   * would change nothing in view. Bring it up once it has rendered.
   */
  function revealPaneOnPhone() {
    if (!matchMedia(ONE_COLUMN).matches) return;
    requestAnimationFrame(() => paneRef.current?.scrollIntoView({ block: 'start' }));
  }

  function selectByName(name: string | null) {
    setPane(name ? { kind: 'saved', name } : { kind: 'none' });
    setFocusDetail(name !== null);
    // Cancelled: the form that had focus is gone; keep the person in this vault.
    if (!name) heading.current?.focus();
  }

  if (showConflicts) return <ConflictView vault={vault} onClose={() => onShowConflicts(false)} />;

  return (
    <section className="vault" aria-labelledby="vault-heading">
      <div className="vault__head row spread">
        {/* Leaving the vault: the app asks, for unsaved text as for a running transfer. */}
        <button type="button" className="link" onClick={onBack}>
          ← Vaults
        </button>
        <h2 id="vault-heading" ref={heading} tabIndex={-1}>
          {vault.info.name}
        </h2>
        <div className="row">
          {canWrite && (
            <>
              <button
                type="button"
                className="primary"
                onClick={() => guardEditor(() => setPane({ kind: 'new' }))}
              >
                New record
              </button>
              <button type="button" onClick={() => guardEditor(() => setPane({ kind: 'upload' }))}>
                Attach file
              </button>
            </>
          )}
          <button type="button" onClick={() => setSharing(true)}>
            Share
          </button>
        </div>
      </div>
      <div className="vault__body">
        <div className="vault__list stack">
          <label className="search">
            Search records
            <input
              type="search"
              name="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Name contains…"
            />
          </label>
          {list.status === 'loading' ? (
            <p role="status">Opening vault…</p>
          ) : (
            <>
              <p className="muted" aria-live="polite">
                {filtered.length === list.records.length
                  ? recordCount(list.records.length)
                  : `${filtered.length} of ${recordCount(list.records.length)}`}
              </p>
              {list.records.length === 0 ? (
                <p className="empty">
                  {canWrite
                    ? 'No records yet. Add one with New record or Attach file.'
                    : 'No records yet.'}
                </p>
              ) : (
                <RecordList
                  records={filtered}
                  selectedId={selected?.recordId ?? null}
                  onSelect={(r, how) =>
                    guardEditor(() => {
                      // Picked from the list: focus stays in the list.
                      setFocusDetail(false);
                      setPane({ kind: 'detail', recordId: r.recordId });
                      if (how === 'pointer') revealPaneOnPhone();
                    })
                  }
                />
              )}
            </>
          )}
        </div>
        <div className="vault__pane" ref={paneRef}>
          {pane.kind === 'new' && (
            <RecordEditor
              vault={vault}
              existingNames={names}
              onDone={selectByName}
              onDirty={setEditorDirty}
              onDraft={reportDraft}
              {...(pane.restored ? { restored: pane.restored } : {})}
            />
          )}
          {pane.kind === 'edit' && (
            <RecordEditor
              vault={vault}
              initial={{ name: pane.record.name, content: pane.content }}
              onDirty={setEditorDirty}
              onDraft={reportDraft}
              {...(pane.restored ? { restored: pane.restored } : {})}
              onDone={() => {
                setFocusDetail(true);
                setPane({ kind: 'detail', recordId: pane.record.recordId });
              }}
            />
          )}
          {(pane.kind === 'upload' || uploading) && (
            <FileUpload
              vault={vault}
              existingNames={names}
              onBusy={setUploading}
              onDone={(name) => {
                setUploading(false);
                // Show the uploaded file only if the person is still on the upload
                // form: never replace a record they opened or an editor they type in.
                if (paneNow.current.kind === 'upload') selectByName(name);
              }}
            />
          )}
          {selected && (
            <RecordDetail
              vault={vault}
              record={selected}
              canWrite={canWrite}
              onEdit={(content) => setPane({ kind: 'edit', record: selected, content })}
              focusOnOpen={focusDetail}
              onDeleted={() => {
                setPane({ kind: 'none' });
                heading.current?.focus();
              }}
            />
          )}
          {!selected &&
            (pane.kind === 'none' || pane.kind === 'detail' || pane.kind === 'saved') && (
              <p className="muted">Select a record to see it.</p>
            )}
        </div>
      </div>
      {sharing && <ShareDialog vault={vault} self={self} onClose={() => setSharing(false)} />}
      {discarding && (
        <DiscardConfirm
          onKeep={() => setDiscarding(null)}
          onDiscard={() => {
            setDiscarding(null);
            setEditorDirty(false);
            discarding();
          }}
        />
      )}
    </section>
  );
}
