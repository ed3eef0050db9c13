// Node only: ChunkBatches against a scripted pool, so that taking a batch back
// from a worker, waiting for one, and a worker's partial answer are each
// exercised deterministically (the real pool's timing decides which happens).
import { describe, expect, it } from 'vitest';
import { DecryptionError } from '../errors.ts';
import { ChunkBatches } from './chunk-batches.ts';
import type { BatchBuffer, BatchJob, ChunkWorkerPool, RunningBatch } from './chunk-workers.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE } from './constants.ts';
import { nodeBackend } from './node-backend.ts';

const keys = { aeadKey: new Uint8Array(32).fill(3), baseNonce: new Uint8Array(12).fill(4) };
const aead = () => nodeBackend!.sync!.chunkAead(keys.aeadKey, keys.baseNonce);
const chunks = 6;
const plaintext = Uint8Array.from({ length: chunks * CHUNK_SIZE }, (_, i) => (i * 31) & 0xff);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// Byte equality without toEqual's element-by-element diff of 100 KB arrays on failure.
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);

/** What a worker would answer: sealed (or opened) chunks of the job, computed here, in the worker's layout. */
function workerAnswer(job: BatchJob, failAt?: number) {
  const reference = new ChunkBatches(job.open, aead(), keys, scripted('run-here').pool, () => {});
  const done = reference.runHere(job.counter, job.count, job.input.bytes);
  const verified = failAt ?? job.count;
  const own = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;
  if (job.open) return { pieces: done.pieces.slice(0, verified).map(own), verified };
  // Sealed: ciphertext, tag, ciphertext, tag... becomes every ciphertext, then all tags.
  const bodies = done.pieces.filter((_, i) => i % 2 === 0).map(own);
  const tags = concat(done.pieces.filter((_, i) => i % 2 === 1));
  return { pieces: [...bodies, own(tags)], verified };
}

/**
 * A pool with one batch per chunk whose "worker" behaves as `mode` says.
 * 'busy-head': the worker has started every third batch (it answers once
 * the stream waits for it) and the others are still queued (taken back when asked).
 * 'lost': the worker claims every batch and dies before answering.
 */
function scripted(
  mode: 'run-here' | 'take-back' | 'answer-later' | 'busy-head' | 'lost',
  failChunk?: number,
) {
  let submitted = 0;
  // Batches taken back while an earlier one was still running on the "worker".
  let takenBehindBusy = 0;
  const busy = new Set<number>();
  const pool: ChunkWorkerPool = {
    batchChunks: 1,
    depth: 3,
    poll() {},
    buffer: (count, open): BatchBuffer => ({
      bytes: new Uint8Array(count * (open ? SEALED_CHUNK_SIZE : CHUNK_SIZE)),
      state: new Int32Array(1),
    }),
    recycle() {},
    trySubmit(job) {
      if (mode === 'run-here') return undefined;
      submitted++;
      // Copy: the caller may reuse nothing, but the answer must not depend on that.
      const copy = { ...job, input: { ...job.input, bytes: job.input.bytes.slice() } };
      let release: () => void = () => {};
      const answered = new Promise<void>((resolve) => {
        release = resolve;
      });
      const finish = () => {
        if (running.answer) return;
        busy.delete(job.counter);
        const fails = failChunk !== undefined && failChunk === job.counter;
        running.answer = workerAnswer(copy, fails ? 0 : undefined);
        release();
      };
      const busyHead = mode === 'busy-head' && job.counter % 3 === 0;
      const running: RunningBatch = {
        answer: undefined,
        // A busy batch finishes only once the stream waits for it.
        get answered() {
          if (busyHead) finish();
          return answered;
        },
        takeBack: () => {
          const queued = mode === 'take-back' || (mode === 'busy-head' && !busyHead);
          if (queued && busy.size > 0 && Math.min(...busy) < job.counter) takenBehindBusy++;
          return queued;
        },
      };
      if (busyHead) busy.add(job.counter);
      if (mode === 'answer-later') void Promise.resolve().then(finish);
      if (mode === 'lost') {
        void Promise.resolve().then(() => {
          running.answer = 'lost';
          release();
        });
      }
      return running;
    },
  };
  return { pool, submitted: () => submitted, takenBehindBusy: () => takenBehindBusy };
}

async function run(open: boolean, input: Uint8Array, pool: ChunkWorkerPool) {
  const out: Uint8Array[] = [];
  const batches = new ChunkBatches(open, aead(), keys, pool, (bytes) => out.push(bytes.slice()));
  const size = open ? SEALED_CHUNK_SIZE : CHUNK_SIZE;
  let error: unknown;
  try {
    for (let i = 0; i < chunks; i++) {
      const buffer = pool.buffer(1, open);
      buffer.bytes.set(input.subarray(i * size, (i + 1) * size));
      await batches.submit(i, 1, buffer);
    }
    await batches.drain();
  } catch (caught) {
    error = caught;
  }
  return { output: concat(out), error };
}

describe('ChunkBatches', () => {
  it('gives the same bytes whether batches run here, are taken back, answered by a worker or lost with it', async () => {
    const here = await run(false, plaintext, scripted('run-here').pool);
    const sealed = here.output;
    expect(sealed.length).toBe(chunks * SEALED_CHUNK_SIZE);
    for (const mode of ['take-back', 'answer-later', 'busy-head', 'lost'] as const) {
      const script = scripted(mode);
      const sealedThere = await run(false, plaintext, script.pool);
      expect(sealedThere.error).toBeUndefined();
      expect(same(sealedThere.output, sealed)).toBe(true);
      expect(script.submitted()).toBeGreaterThan(0);
      const opened = await run(true, sealed, scripted(mode).pool);
      expect(opened.error).toBeUndefined();
      expect(same(opened.output, plaintext)).toBe(true);
    }
  });

  it('runs queued batches here while a worker holds the head, and still emits in order', async () => {
    const sealed = (await run(false, plaintext, scripted('run-here').pool)).output;
    const script = scripted('busy-head');
    const opened = await run(true, sealed, script.pool);
    expect(opened.error).toBeUndefined();
    expect(same(opened.output, plaintext)).toBe(true);
    // Batches queued behind a busy head were taken back and run here, not waited for.
    expect(script.takenBehindBusy()).toBeGreaterThan(0);
  });

  it("emits only the chunks before a worker's failed chunk, then throws", async () => {
    const sealed = (await run(false, plaintext, scripted('run-here').pool)).output;
    const opened = await run(true, sealed, scripted('answer-later', 3).pool);
    expect(opened.error).toBeInstanceOf(DecryptionError);
    expect(same(opened.output, plaintext.subarray(0, 3 * CHUNK_SIZE))).toBe(true);
  });
});
