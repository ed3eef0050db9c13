import { useState } from 'react';
import type { VaultHandle } from '../api/types.ts';
import { formatBytes, percent } from '../ui/format.ts';
import { describeError } from '../ui/plain-words.ts';

/** Save a blob through a temporary object URL (revoked right after the click). */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name.split('/').pop() || 'download';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export interface FileDownloadProps {
  vault: VaultHandle;
  recordId: string;
  name: string;
  size: number;
}

/** Download and decrypt a file attachment with progress. */
export function FileDownload({ vault, recordId, name, size }: FileDownloadProps) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setError(null);
    setProgress({ done: 0, total: size });
    try {
      const blob = await vault.downloadFile(recordId, (done, total) =>
        setProgress({ done, total }),
      );
      save(blob, name);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="stack">
      <p>File, {formatBytes(size)}</p>
      <button type="button" onClick={download} disabled={progress !== null}>
        Download
      </button>
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
