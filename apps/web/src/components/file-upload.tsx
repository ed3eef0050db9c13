import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { VaultHandle } from '../api/types.ts';
import { formatBytes, percent } from '../ui/format.ts';
import { describeError } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';

type Notice = { tone: 'error' | 'info'; text: string };

/**
 * Attach a file: read as a stream (never whole into memory), encrypted and
 * uploaded by the SDK chunk by chunk, with progress and a cancel button.
 */
export function FileUpload({
  vault,
  existingNames,
  onBusy,
  onDone,
}: {
  vault: VaultHandle;
  /** Names already in the vault: replacing one of them takes a second, explicit click. */
  existingNames?: ReadonlySet<string>;
  /** Told when an upload starts, and when it was cancelled (the form must stay mounted meanwhile). */
  onBusy?: (busy: boolean) => void;
  onDone: (name: string | null) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const running = useRef<AbortController | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // The name the person agreed to replace (a second click on the same file name).
  const [replacing, setReplacing] = useState<string | null>(null);
  // Leaving the form stops its upload.
  useEffect(() => () => running.current?.abort(), []);
  // Opened with Attach file: start in the form (as New record does), not back at the button.
  useEffect(() => input.current?.focus(), []);
  const uploadButton = useRef<HTMLButtonElement>(null);
  // Failed or cancelled: Cancel upload went away and the rest was disabled.
  useFocusAfterBusy(progress !== null, uploadButton);

  async function upload(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    if (existingNames?.has(file.name) && replacing !== file.name) {
      setReplacing(file.name);
      setNotice({
        tone: 'info',
        text: `A record named “${file.name}” already exists. Choose Replace to overwrite it with this file, or rename the file first.`,
      });
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    setNotice(null);
    setProgress({ done: 0, total: file.size });
    onBusy?.(true);
    try {
      await vault.uploadFile(
        file.name,
        file,
        (done, total) => setProgress({ done, total }),
        controller.signal,
      );
      running.current = null;
      onDone(file.name);
    } catch (caught) {
      running.current = null;
      // Cancelled by the person: nothing to read. A failure keeps the form (and
      // its error) up until they choose Cancel, wherever they went meanwhile.
      if (controller.signal.aborted) onBusy?.(false);
      setNotice(
        controller.signal.aborted
          ? { tone: 'info', text: 'Upload cancelled.' }
          : { tone: 'error', text: describeError(caught) },
      );
      setProgress(null);
    }
  }

  return (
    <form
      className="stack"
      onSubmit={upload}
      aria-label="Attach a file"
      onKeyDown={(e) => {
        // As in the record editor, Escape cancels; a running upload has its own Cancel upload.
        if (e.key === 'Escape' && progress === null) {
          e.preventDefault();
          onDone(null);
        }
      }}
    >
      <h3>Attach a file</h3>
      <label>
        File
        <input
          ref={input}
          type="file"
          name="file"
          required
          disabled={progress !== null}
          onChange={() => {
            // Another file: its name is checked afresh.
            setReplacing(null);
            setNotice(null);
          }}
        />
      </label>
      {progress && (
        <div role="status" aria-live="polite" className="progress-line">
          <span>
            Uploading {formatBytes(progress.done)} of {formatBytes(progress.total)}
          </span>
          <progress
            aria-label="Upload progress"
            max={100}
            value={percent(progress.done, progress.total)}
          />
        </div>
      )}
      {notice?.tone === 'error' && (
        <p className="error" role="alert">
          {notice.text}
        </p>
      )}
      {notice?.tone === 'info' && <p role="status">{notice.text}</p>}
      <div className="row">
        <button ref={uploadButton} type="submit" className="primary" disabled={progress !== null}>
          {replacing === null ? 'Upload' : `Replace ${replacing}`}
        </button>
        {progress ? (
          <button type="button" onClick={() => running.current?.abort()}>
            Cancel upload
          </button>
        ) : (
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
