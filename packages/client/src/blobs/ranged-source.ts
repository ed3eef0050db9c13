/**
 * A random-access view (the protocol's `CobblestoneSource`) of a blob's
 * envelope on the server, for the range reader. Reads are served from one
 * open ranged response while they continue where the last one ended; a read
 * anywhere else opens a new `Range: bytes=N-` request, and so does a dropped
 * connection (retried with backoff). Nothing read is trusted here:
 * the range reader authenticates every chunk.
 */
import type { CobblestoneSource } from '@coffer/protocol';
import { backoffDelay } from '../sync/backoff.ts';
import type { SyncContext } from '../sync/context.ts';
import { CofferClientError, isTransient } from '../transport/errors.ts';
import { sleep } from '../util/sleep.ts';

/** A {@link CobblestoneSource} over the blob's content route, and a way to close it. */
export interface RangedSource extends CobblestoneSource {
  close(): Promise<void>;
}

/**
 * @example
 * const source = rangedSource(ctx, vaultId, blobId, blobEnvelopeSize(size), { maxAttempts: 8 });
 * const reader = await createEnvelopeRangeReader(source, { keys, context, contentType: 'blob' });
 */
export function rangedSource(
  ctx: SyncContext,
  vaultId: string,
  blobId: string,
  size: number,
  options: { maxAttempts?: number; signal?: AbortSignal; onBytes?: (end: number) => void } = {},
): RangedSource {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Envelope offset of the next byte `reader` delivers. */
  let position = 0;
  /** Bytes read from the response but not yet handed out. */
  let spare: Uint8Array = new Uint8Array(0);
  /** The last block handed out, for a read that overlaps it (the header read). */
  let last: { start: number; bytes: Uint8Array } = { start: 0, bytes: new Uint8Array(0) };

  async function drop(): Promise<void> {
    const r = reader;
    reader = undefined;
    spare = new Uint8Array(0);
    await r?.cancel().catch(() => {});
  }

  /** The next `n` bytes of the response at `position`, reopening it as needed. */
  async function take(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    for (let attempt = 1; filled < n; ) {
      options.signal?.throwIfAborted();
      try {
        if (spare.length === 0) {
          reader ??= (await ctx.transport.downloadBlob(vaultId, blobId, position)).getReader();
          const { value, done } = await reader.read();
          if (done) throw new TypeError('blob download ended early');
          spare = value;
        }
        const used = Math.min(spare.length, n - filled);
        out.set(spare.subarray(0, used), filled);
        spare = spare.subarray(used);
        filled += used;
        position += used;
        options.onBytes?.(position);
      } catch (error) {
        await drop();
        // Errors of the body stream itself (reset, terminated) are not typed.
        const transient = isTransient(error) || !(error instanceof CofferClientError);
        if (!transient || options.signal?.aborted || attempt >= (options.maxAttempts ?? 8)) {
          throw error;
        }
        await sleep(backoffDelay(attempt, ctx.backoff, ctx.random), options.signal);
        attempt++;
      }
    }
    return out;
  }

  return {
    size,
    async read(offset, length) {
      const lastEnd = last.start + last.bytes.length;
      if (offset >= last.start && offset + length <= lastEnd) {
        return last.bytes.subarray(offset - last.start, offset - last.start + length);
      }
      const parts: Uint8Array[] = [];
      let from = offset;
      if (offset >= last.start && offset < lastEnd && lastEnd === position) {
        parts.push(last.bytes.subarray(offset - last.start));
        from = lastEnd;
      }
      if (from !== position) {
        await drop();
        position = from;
      }
      parts.push(await take(offset + length - from));
      const bytes = parts.length === 1 ? parts[0]! : joined(parts, length);
      last = { start: offset, bytes };
      return bytes;
    },
    close: drop,
  };
}

function joined(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
