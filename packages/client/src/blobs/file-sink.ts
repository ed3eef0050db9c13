/**
 * A {@link BlobSink} over a file (Node only): a resumed download truncates the
 * file to the bytes the journal says were written, then appends from there.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { BlobSink } from './blob-download-to.ts';

/**
 * @example
 * await client.blobs.download(vaultId, 'video.mp4', fileSink('/tmp/video.mp4.part'), { resumeKey: 'video' });
 */
export function fileSink(path: string): BlobSink {
  return {
    async open(offset) {
      const handle = await open(path, 'a+');
      try {
        await handle.truncate(offset);
      } finally {
        await handle.close();
      }
      const file = createWriteStream(path, { flags: 'r+', start: offset });
      return Writable.toWeb(file) as WritableStream<Uint8Array>;
    },
  };
}
