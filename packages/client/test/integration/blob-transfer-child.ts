/**
 * A separate process for blob-restart.test.ts: logs in over a SQLite replica
 * and uploads (or downloads) one blob with a resume key. It prints `stalled`
 * once the server acknowledged `stallAfter` bytes of the upload (whose source
 * never closes, so it cannot finish), or once the
 * download's sink took `stallAfter` bytes (and stops taking more), so the test
 * can SIGKILL it at a known point.
 * Run with: node --conditions=@coffer/source blob-transfer-child.ts '<json>'
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileSink } from '../../src/node.ts';
import { type AccountJob, clientForJob } from './child-job.ts';

interface Job extends AccountJob {
  mode: 'upload' | 'download';
  name: string;
  file: string;
  size: number;
  stallAfter: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const never = new Promise<never>(() => {});
// A stalled stream is no pending I/O: keep the process alive until it is killed.
setInterval(() => {}, 60_000);
const stalled = () => {
  process.stdout.write('stalled\n');
  return never;
};

const { client } = clientForJob(job, 'blob-child');
await client.accounts.login(job.username, job.passphrase);
if (job.mode === 'upload') {
  await client.vaults.list();
  const file = Readable.toWeb(
    createReadStream(job.file),
  ).getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await file.read();
      // Never closed: the upload cannot complete before the kill.
      if (done) return never;
      controller.enqueue(value);
    },
  });
  await client.blobs.put(job.vaultId, job.name, source, {
    size: job.size,
    chunkBytes: 256 * 1024,
    resumeKey: job.file,
    onProgress: (done) => {
      if (done >= job.stallAfter) void stalled();
    },
  });
} else {
  await client.sync(job.vaultId);
  const sink = fileSink(job.file);
  await client.blobs.download(
    job.vaultId,
    job.name,
    {
      async open(offset) {
        const inner = (await sink.open(offset)).getWriter();
        let taken = offset;
        return new WritableStream<Uint8Array>({
          async write(piece) {
            if (taken >= job.stallAfter) return stalled();
            taken += piece.length;
            await inner.write(piece);
          },
          close: () => inner.close(),
        });
      },
    },
    { resumeKey: job.file, windowBytes: 256 * 1024 },
  );
}
process.stdout.write('finished\n');
process.exit(0);
