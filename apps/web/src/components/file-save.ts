/**
 * Where a downloaded file goes, written as it is decrypted so the page never
 * holds the whole file:
 * - Chromium's File System Access API: the user picks the file first, the
 *   bytes stream into it, and the browser only puts the file in place when
 *   the stream closes (an aborted download leaves nothing behind).
 * - elsewhere: the bytes are gathered into Blob slices of a few MiB (the
 *   browser's blob store holds them, on disk when large, not the JS heap) and
 *   saved with one object-URL download at the end, once every byte passed
 *   its authentication check.
 */

/** A download destination: write to `stream`, then `finish()` after it closed. */
export interface SaveTarget {
  kind: 'file' | 'blob';
  stream: WritableStream<Uint8Array>;
  /** Hand the finished file to the user (the blob download; nothing for a picked file). */
  finish(): void;
}

interface WritableFileHandle {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}
type SaveFilePicker = (options?: { suggestedName?: string }) => Promise<WritableFileHandle>;

/** Bytes per Blob slice: large enough for few slices, small enough for a bounded heap. */
export const BLOB_SLICE_BYTES = 4 * 1024 * 1024;

/** The file name part of a record name (`docs/report.pdf` → `report.pdf`). */
export function fileNameOf(name: string): string {
  return name.split('/').pop() || 'download';
}

/**
 * A sink that moves its bytes into Blob slices every `sliceBytes`, and
 * offers the result as one object-URL download.
 *
 * @example
 * const target = blobSaveTarget('report.pdf');
 * await decrypted.pipeTo(target.stream);
 * target.finish();
 */
export function blobSaveTarget(name: string, sliceBytes = BLOB_SLICE_BYTES): SaveTarget {
  let pieces: Uint8Array[] = [];
  let pieceBytes = 0;
  let slices: Blob[] = [];
  let result: Blob | undefined;
  const seal = () => {
    if (pieces.length === 0) return;
    slices.push(new Blob(pieces as BlobPart[]));
    pieces = [];
    pieceBytes = 0;
  };
  return {
    kind: 'blob',
    stream: new WritableStream<Uint8Array>({
      write(piece) {
        pieces.push(piece);
        pieceBytes += piece.length;
        if (pieceBytes >= sliceBytes) seal();
      },
      close() {
        seal();
        result = new Blob(slices);
        slices = [];
      },
      abort() {
        pieces = [];
        slices = [];
      },
    }),
    finish() {
      if (!result) return;
      const url = URL.createObjectURL(result);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileNameOf(name);
      a.click();
      result = undefined;
      // The download reads the blob after the click returns; give it time before releasing it.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  };
}

function savePicker(): SaveFilePicker | undefined {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined;
}

/**
 * Ask where to save `name`: a picked file where the browser can stream into
 * one, else a Blob download. Resolves null if the user closed the picker.
 * Call it straight from the click handler (the picker needs the user's gesture).
 *
 * @example
 * const target = await openSaveTarget('report.pdf');
 * if (target) { await vault.downloadFile(id, target.stream, onProgress); target.finish(); }
 */
export async function openSaveTarget(
  name: string,
  picker: SaveFilePicker | undefined = savePicker(),
): Promise<SaveTarget | null> {
  if (!picker) return blobSaveTarget(name);
  let handle: WritableFileHandle;
  try {
    handle = await picker({ suggestedName: fileNameOf(name) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    // Not allowed here (no gesture, a policy, an embedded frame): fall back.
    return blobSaveTarget(name);
  }
  return { kind: 'file', stream: await handle.createWritable(), finish() {} };
}
