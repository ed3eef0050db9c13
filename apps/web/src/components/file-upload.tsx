import { type FormEvent, useRef, useState } from 'react';
import type { VaultHandle } from '../api/types.ts';
import { formatBytes, percent } from '../ui/format.ts';
import { describeError } from '../ui/plain-words.ts';

/** Attach a file: streamed through encryption by the SDK, with progress. */
export function FileUpload({
  vault,
  onDone,
}: {
  vault: VaultHandle;
  onDone: (name: string | null) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    setError(null);
    setProgress({ done: 0, total: file.size });
    try {
      await vault.uploadFile(file.name, file, (done, total) => setProgress({ done, total }));
      onDone(file.name);
    } catch (caught) {
      setError(describeError(caught));
      setProgress(null);
    }
  }

  return (
    <form className="stack" onSubmit={upload} aria-label="Attach a file">
      <h3>Attach a file</h3>
      <label>
        File
        <input ref={input} type="file" name="file" required disabled={progress !== null} />
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={progress !== null}>
          Upload
        </button>
        <button type="button" onClick={() => onDone(null)} disabled={progress !== null}>
          Cancel
        </button>
      </div>
    </form>
  );
}
