// Node only: what the streams' worker pool does when something goes wrong:
// a real worker meets a tampered chunk, a worker dies mid-stream, or no
// worker can start. In every case nothing unauthenticated is emitted and the
// stream finishes (or fails) exactly as on the calling thread alone.
import { execFile } from 'node:child_process';
import * as workerThreads from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChunkOpener } from '../src/cobblestone/chunk-opener.ts';
import { createChunkSealer } from '../src/cobblestone/chunk-sealer.ts';
import {
  chunkWorkerBatchCount,
  chunkWorkerPool,
  chunkWorkersOnline,
  configureChunkWorkers,
  crashChunkWorkers,
} from '../src/cobblestone/chunk-workers.ts';
import {
  CHUNK_SIZE,
  PREFIX_SIZE,
  SEALED_CHUNK_SIZE,
  TAG_SIZE,
} from '../src/cobblestone/constants.ts';
import { nodeBackend } from '../src/cobblestone/node-backend.ts';
import { cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { concat, patternBytes, pieces, sameBytes } from './cobblestone-helpers.ts';

const key = patternBytes(32, 21);
const context = patternBytes(9, 22);
const salt = patternBytes(24, 23);
// 40 full chunks and a short final one.
const plaintext = patternBytes(40 * CHUNK_SIZE + 77, 24);

afterEach(() => {
  vi.restoreAllMocks();
  configureChunkWorkers(undefined);
});

async function useWorkers(batchChunks: number): Promise<void> {
  configureChunkWorkers({ threads: 1, batchChunks });
  expect(await chunkWorkersOnline()).toBe(1);
}

/** What the sealer and the opener share: pieces in, bytes out through `emit`. */
interface PieceSink {
  start?(): void | Promise<void>;
  push(piece: Uint8Array): void | Promise<void>;
  finish(): void | Promise<void>;
}

/** Feed `input` to a sealer or opener in 20 KiB pieces, calling `midway` halfway through. */
async function inPieces(
  input: Uint8Array,
  make: (emit: (bytes: Uint8Array) => void) => PieceSink,
  midway: () => void,
): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const sink = make((bytes) => out.push(bytes.slice()));
  await sink.start?.();
  const all = pieces(input, 20 * 1024);
  for (const [i, piece] of all.entries()) {
    if (i === all.length >> 1) midway();
    await sink.push(piece);
  }
  await sink.finish();
  return concat(out);
}

const sealInPieces = (midway: () => void = () => {}) =>
  inPieces(plaintext, (emit) => createChunkSealer(key, context, salt, emit), midway);

const openInPieces = (ct: Uint8Array, midway: () => void = () => {}) =>
  inPieces(ct, (emit) => createChunkOpener(key, context, emit), midway);

describe('a real chunk worker', () => {
  it('stops at a tampered chunk: only the verified chunks before it come back', async () => {
    await useWorkers(4);
    const pool = chunkWorkerPool()!;
    const aeadKey = patternBytes(32, 25);
    const baseNonce = patternBytes(12, 26);
    const aead = nodeBackend!.sync!.chunkAead(aeadKey, baseNonce);
    const input = pool.buffer(4, true);
    for (let i = 0; i < 4; i++) {
      const chunk = plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
      aead.sealInto(7 + i, chunk, input.bytes, i * SEALED_CHUNK_SIZE);
    }
    input.bytes[2 * SEALED_CHUNK_SIZE + 100]! ^= 1;
    const job = { open: true, key: aeadKey, nonce: baseNonce, counter: 7, count: 4, input };
    const running = pool.trySubmit(job)!;
    expect(running).toBeDefined();
    await running.answered;
    const answer = running.answer;
    if (typeof answer !== 'object') throw new Error(`expected a result, got ${answer}`);
    expect(answer.verified).toBe(2);
    // Chunks 0 and 1 only: nothing of the tampered chunk or the one after it.
    expect(answer.pieces.map((piece) => piece.byteLength)).toEqual([CHUNK_SIZE, CHUNK_SIZE]);
    const opened = concat(answer.pieces.map((piece) => new Uint8Array(piece)));
    expect(sameBytes(opened, plaintext.subarray(0, 2 * CHUNK_SIZE))).toBe(true);
  });
});

describe('a worker that dies mid-stream', () => {
  it('leaves its batches to the calling thread: the same bytes, sealing and opening', async () => {
    const whole = await cobblestoneSeal(key, context, plaintext, { salt });
    await useWorkers(2);
    const sealed = await sealInPieces(() => {
      expect(chunkWorkerBatchCount()).toBeGreaterThan(0);
      crashChunkWorkers();
    });
    expect(sameBytes(sealed, whole)).toBe(true);

    await useWorkers(2);
    const opened = await openInPieces(whole, () => {
      expect(chunkWorkerBatchCount()).toBeGreaterThan(0);
      crashChunkWorkers();
    });
    expect(sameBytes(opened, plaintext)).toBe(true);

    // The pool carries on without the dead worker: nothing more is handed out.
    const handedOut = chunkWorkerBatchCount();
    expect(sameBytes(await openInPieces(whole), plaintext)).toBe(true);
    expect(chunkWorkerBatchCount()).toBe(handedOut);
  });
});

describe('no worker can start', () => {
  it('runs every batch on the calling thread', async () => {
    const builtin = process.getBuiltinModule.bind(process);
    const failing = {
      ...workerThreads,
      Worker: class {
        constructor() {
          throw new Error('threads are not available here');
        }
      },
    };
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
      id === 'node:worker_threads' ? failing : builtin(id)) as typeof process.getBuiltinModule);
    configureChunkWorkers({ threads: 1, batchChunks: 2 });
    expect(await chunkWorkersOnline()).toBe(0);
    const whole = await cobblestoneSeal(key, context, plaintext, { salt });
    expect(sameBytes(await sealInPieces(), whole)).toBe(true);
    expect(sameBytes(await openInPieces(whole), plaintext)).toBe(true);
    expect(chunkWorkerBatchCount()).toBe(0);
  });
});

describe('idle workers', () => {
  it('do not keep the process alive once the streams are done', async () => {
    const url = (path: string) => new URL(path, import.meta.url).href;
    // A child that starts the pool, streams through it and then simply ends.
    // As an ES module (--input-type=module, which workers inherit): the
    // worker's own code must run there too.
    const script = `
      import { chunkWorkerStats, chunkWorkersOnline, configureChunkWorkers } from '${url('../src/cobblestone/chunk-workers.ts')}';
      import { createCobblestoneSealStream } from '${url('../src/cobblestone/seal-stream.ts')}';
      configureChunkWorkers({ threads: 1, batchChunks: 2 });
      if ((await chunkWorkersOnline()) !== 1) throw new Error('no worker');
      // Until the worker has answered a batch: on a loaded machine the calling
      // thread may take back every batch of one stream before the worker runs.
      let bytes = 0;
      for (let round = 0; round < 100 && chunkWorkerStats().answered === 0; round++) {
        const input = new Blob([new Uint8Array(20 * 16384)]).stream();
        bytes = 0;
        for await (const piece of input.pipeThrough(createCobblestoneSealStream(new Uint8Array(32), new Uint8Array(1)))) bytes += piece.length;
      }
      console.log(JSON.stringify({ bytes, answered: chunkWorkerStats().answered }));
    `;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        // The timeout only guards against a hang: a child kept alive fails the test.
        const child = execFile(
          process.execPath,
          ['--experimental-strip-types', '--input-type=module', '-e', script],
          { timeout: 20_000 },
          (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
        );
      },
    );
    expect(result.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe(
      '',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { bytes: number; answered: number };
    expect(report.bytes).toBe(PREFIX_SIZE + 20 * SEALED_CHUNK_SIZE + TAG_SIZE);
    // The worker really ran batches (it is alive and idle at the end, not dead).
    expect(report.answered).toBeGreaterThan(0);
  }, 30_000);
});
