import { useEffect, useRef, useState } from 'react';
import type { VaultHandle } from '../api/types.ts';
import { formatBytes, percent } from '../ui/format.ts';
import { describeError } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';
import { fileNameOf, openSaveTarget, type SaveTarget } from './file-save.ts';

export interface FileDownloadProps {
  vault: VaultHandle;
  recordId: string;
  name: string;
  size: number;
  /** Where the file goes (tests inject one; default: a picked file or a Blob download). */
  openTarget?: (name: string) => Promise<SaveTarget | null>;
}

type Notice = { tone: 'error' | 'info'; text: string };

/**
 * Download a file attachment: decrypted as it streams into its destination,
 * with progress and a cancel button. The destination receives only bytes that
 * passed their check, and an error or a cancel discards what it got.
 */
export function FileDownload({
  vault,
  recordId,
  name,
  size,
  openTarget = openSaveTarget,
}: FileDownloadProps) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const running = useRef<AbortController | null>(null);
  // Leaving the record stops its download.
  useEffect(() => () => running.current?.abort(), []);
  const downloadButton = useRef<HTMLButtonElement>(null);
  // Saved, failed or cancelled: Download was disabled and Cancel download is gone.
  useFocusAfterBusy(progress !== null, downloadButton);

  async function download() {
    setNotice(null);
    // First, while the click still counts as the user's gesture: where to save.
    const target = await openTarget(name);
    if (!target) return;
    const controller = new AbortController();
    running.current = controller;
    setProgress({ done: 0, total: size });
    try {
      await vault.downloadFile(
        recordId,
        target.stream,
        (done, total) => setProgress({ done, total }),
        controller.signal,
      );
      target.finish();
      setNotice({ tone: 'info', text: `Saved ${fileNameOf(name)}.` });
    } catch (caught) {
      setNotice(
        controller.signal.aborted
          ? { tone: 'info', text: 'Download cancelled.' }
          : { tone: 'error', text: describeError(caught) },
      );
    } finally {
      running.current = null;
      setProgress(null);
    }
  }

  return (
    <div className="stack">
      <p>File, {formatBytes(size)}</p>
      <div className="row">
        <button ref={downloadButton} type="button" onClick={download} disabled={progress !== null}>
          Download
        </button>
        {progress && (
          <button type="button" onClick={() => running.current?.abort()}>
            Cancel download
          </button>
        )}
      </div>
      {progress && (
        <div role="status" aria-live="polite" className="progress-line">
          <span>Downloading {percent(progress.done, progress.total)}%</span>
          <progress
            aria-label="Download progress"
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
    </div>
  );
}
