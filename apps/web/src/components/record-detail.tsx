import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { InlineContent, RecordContent, RecordSummary, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { FileDownload } from './file-download.tsx';
import { SecretValue } from './secret-value.tsx';

export interface RecordDetailProps {
  vault: VaultHandle;
  record: RecordSummary;
  canWrite: boolean;
  onEdit: (content: InlineContent) => void;
  onDeleted: () => void;
  /** Take focus when shown (it replaced the form that had it). */
  focusOnOpen?: boolean;
}

function pretty(content: InlineContent): string {
  if (content.kind !== 'json') return content.text;
  try {
    return JSON.stringify(JSON.parse(content.text), null, 2);
  } catch {
    return content.text;
  }
}

/** One record, decrypted on demand; integrity failures are shown as errors, never as data. */
export function RecordDetail({
  vault,
  record,
  canWrite,
  onEdit,
  onDeleted,
  focusOnOpen = false,
}: RecordDetailProps) {
  const [content, setContent] = useState<RecordContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);

  // Only when first shown (later re-renders must not pull focus back here), and
  // before paint, so a key pressed right after the record appears is not taken over.
  useLayoutEffect(() => {
    if (focusOnOpen) heading.current?.focus();
  }, []);

  // Keyed on the record's identity and version, not the summary object: every
  // re-list (any sync, any write elsewhere in the vault) makes new summary
  // objects, and re-reading on each of those flashed "Decrypting…" and
  // dropped a pending "Really delete".
  const { recordId, updatedAt, integrityError } = record;
  useEffect(() => {
    let live = true;
    setContent(null);
    setError(null);
    setConfirming(false);
    if (integrityError) return;
    vault.read(recordId).then(
      (c) => live && setContent(c),
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [vault, recordId, updatedAt, integrityError]);

  async function remove() {
    try {
      await vault.remove(record.recordId);
      onDeleted();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <article className="detail stack" aria-labelledby="detail-heading">
      <h3 id="detail-heading" ref={heading} tabIndex={-1}>
        {record.name}
      </h3>
      {record.notLatest && !record.integrityError ? (
        <p className="error integrity" role="alert">
          {record.notLatest}
        </p>
      ) : null}
      {record.integrityError ? (
        <p className="error integrity" role="alert">
          Integrity error: this record failed its check and is not shown. {record.integrityError}
        </p>
      ) : error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : content === null ? (
        <p role="status">Decrypting…</p>
      ) : content.kind === 'file' ? (
        <FileDownload
          vault={vault}
          recordId={record.recordId}
          name={record.name}
          size={content.size}
        />
      ) : content.kind === 'secret' ? (
        <SecretValue value={content.text} recordId={record.recordId} />
      ) : (
        <pre className={`value value--${content.kind}`}>{pretty(content)}</pre>
      )}
      {canWrite && (
        <div className="row">
          {content && content.kind !== 'file' && (
            <button type="button" onClick={() => onEdit(content)}>
              Edit
            </button>
          )}
          {confirming ? (
            <>
              <button type="button" className="danger" onClick={remove}>
                Really delete
              </button>
              <button
                ref={keep}
                type="button"
                onClick={() => {
                  setConfirming(false);
                  // The Delete button comes back in place of these two: focus it, not <body>.
                  requestAnimationFrame(() => deleteButton.current?.focus());
                }}
              >
                Keep
              </button>
            </>
          ) : (
            <button
              ref={deleteButton}
              type="button"
              className="danger"
              onClick={() => {
                setConfirming(true);
                // The Delete button is replaced: focus the safe choice.
                requestAnimationFrame(() => keep.current?.focus());
              }}
            >
              Delete
            </button>
          )}
        </div>
      )}
    </article>
  );
}
