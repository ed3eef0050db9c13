// Blob transfers resumed across a "restart": the first client instance stops
// (aborted, or its last PUT landed without an answer), a NEW client instance
// over the same local store continues. The msw mock server counts every byte
// that arrives; nothing acknowledged is sent twice and the blob verifies.
import { generateVaultKey } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { BACKOFF, BASE, useCoffer } from '../../test/mocks/harness.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createSyncCore } from '../sync/core.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { buildKeyring, type VaultKeyring } from '../vault/keyring.ts';
import type { BlobSink } from './blob-download-to.ts';
import { blobEnvelopeSize } from './blob-layout.ts';

const coffer = useCoffer();
const KiB = 1024;

interface Wire {
  puts: Array<{ offset: number; length: number }>;
  ranges: string[];
}

/** Deterministic bytes; `flip` changes one byte (a file edited between runs). */
function bytes(size: number, seed: number, flip?: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  if (flip !== undefined) out[flip] = (out[flip]! + 1) & 0xff;
  return out;
}

/** A stream of `data` in 10 000-byte pieces (not aligned to anything). */
function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + 10_000));
      at += 10_000;
    },
  });
}

/** An in-memory sink that keeps what it was given, like a file. */
function memorySink(): BlobSink & { data: () => Uint8Array; opened: number[] } {
  let parts: Uint8Array[] = [];
  const opened: number[] = [];
  const data = () => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  return {
    opened,
    data,
    open(offset) {
      opened.push(offset);
      parts = [data().slice(0, offset)];
      return new WritableStream({ write: (piece) => void parts.push(piece.slice()) });
    },
  };
}

/** One "process": a client core with its own transport over a shared store. */
function instance(
  store: MemoryStore,
  ring: VaultKeyring,
  token: string,
  wire: Wire,
  hook?: (url: string, init: RequestInit | undefined, response: Response) => Response,
) {
  const transport = new HttpTransport({
    serverUrl: BASE,
    clientName: 'blob-resume',
    clientVersion: '1.0.0',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (init?.method === 'PUT' && url.includes('/chunks')) {
        const offset = Number(new URL(url).searchParams.get('offset'));
        wire.puts.push({ offset, length: (init.body as Uint8Array).length });
      }
      if (url.includes('/content')) wire.ranges.push(new Headers(init?.headers).get('range') ?? '');
      const response = await fetch(input, init);
      return hook ? hook(url, init, response) : response;
    }) as typeof fetch,
  });
  transport.setToken(token);
  return createSyncCore({ store, transport, keyring: async () => ring, backoff: BACKOFF });
}

async function setup() {
  const account = await coffer.mock.createAccount('owner');
  const vaultId = await coffer.mock.createVault(account.accountId);
  const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  const token = () => coffer.mock.db.createSession(account.accountId, 'device').token;
  return { vaultId, ring, token, store: new MemoryStore() };
}

/** Every envelope byte range sent exactly once, in order, covering the blob. */
function expectContiguous(puts: Wire['puts'], total: number) {
  let at = 0;
  for (const p of puts) {
    expect(p.offset).toBe(at);
    at += p.length;
  }
  expect(at).toBe(total);
}

/**
 * Transfer options that "kill the process" (abort with 'process killed') once
 * progress reaches `bytes`.
 */
function killedAt(bytes: number) {
  const stop = new AbortController();
  return {
    signal: stop.signal,
    onProgress: (done: number) => {
      if (done >= bytes) stop.abort(new Error('process killed'));
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const chunkBytes = 64 * KiB;
const size = 300 * KiB + 7;
const total = blobEnvelopeSize(size);

describe('blob upload resumed by a new client instance', () => {
  it('continues after the last acknowledged PUT and sends no byte twice', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 1);
    const wire: Wire = { puts: [], ranges: [] };
    const first = instance(store, ring, token(), wire);
    const killed = first.blobs.put(vaultId, 'a.bin', streamOf(data), {
      size,
      chunkBytes,
      resumeKey: 'a',
      ...killedAt(2 * chunkBytes),
    });
    await expect(killed).rejects.toThrow('process killed');
    expect(wire.puts).toHaveLength(2);

    const second = instance(store, ring, token(), wire);
    const { blobId } = await second.blobs.put(vaultId, 'a.bin', streamOf(data), {
      size,
      chunkBytes,
      resumeKey: 'a',
    });
    expectContiguous(wire.puts, total);
    expect(wire.puts[2]?.offset).toBe(2 * chunkBytes);
    // The journal is gone once the record exists.
    expect(await store.getMeta(`blob-upload:${vaultId}:a`)).toBeUndefined();
    const found = await second.blobs.get(vaultId, 'a.bin');
    expect(found?.entry.blob).toEqual({ blobId, size });
    expect(await readAll(found!.stream)).toEqual(data);
  });

  it('counts a PUT that landed without an answer as sent', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 2);
    const wire: Wire = { puts: [], ranges: [] };
    const first = instance(store, ring, token(), wire, (url, init, response) => {
      // The third PUT reaches the server; its answer never comes back.
      if (init?.method === 'PUT' && url.includes('/chunks') && wire.puts.length === 3) {
        throw new TypeError('connection reset');
      }
      return response;
    });
    await expect(
      first.blobs.put(vaultId, 'b.bin', streamOf(data), {
        size,
        chunkBytes,
        maxAttempts: 1,
        resumeKey: 'b',
      }),
    ).rejects.toMatchObject({ code: 'network' });

    const second = instance(store, ring, token(), wire);
    await second.blobs.put(vaultId, 'b.bin', streamOf(data), { size, chunkBytes, resumeKey: 'b' });
    expectContiguous(wire.puts, total);
    expect(wire.puts[3]?.offset).toBe(3 * chunkBytes);
    const found = await second.blobs.get(vaultId, 'b.bin');
    expect(await readAll(found!.stream)).toEqual(data);
  });

  it('refuses a changed source before sending anything, or starts over from a factory', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 3);
    const edited = bytes(size, 3, 5);
    const wire: Wire = { puts: [], ranges: [] };
    const first = instance(store, ring, token(), wire);
    await expect(
      first.blobs.put(vaultId, 'c.bin', streamOf(data), {
        size,
        chunkBytes,
        resumeKey: 'c',
        ...killedAt(chunkBytes),
      }),
    ).rejects.toThrow('process killed');
    const sent = wire.puts.length;

    const second = instance(store, ring, token(), wire);
    const options = { size, chunkBytes, resumeKey: 'c' };
    await expect(
      second.blobs.put(vaultId, 'c.bin', streamOf(edited), options),
    ).rejects.toMatchObject({ code: 'blob_source_changed' });
    expect(wire.puts).toHaveLength(sent);

    await second.blobs.put(vaultId, 'c.bin', () => streamOf(edited), options);
    // A new blob (new salt) from its first byte.
    expectContiguous(wire.puts.slice(sent), total);
    const found = await second.blobs.get(vaultId, 'c.bin');
    expect(await readAll(found!.stream)).toEqual(edited);
  });
  it('a PUT that may have left is never sealed again from changed bytes', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 6);
    const wire: Wire = { puts: [], ranges: [] };
    const failing = instance(store, ring, token(), wire);
    await expect(
      failing.blobs.put(vaultId, 'f.bin', streamOf(data), {
        size,
        chunkBytes,
        resumeKey: 'f',
        ...killedAt(2 * chunkBytes),
      }),
    ).rejects.toThrow('process killed');
    const journal = JSON.parse((await store.getMeta(`blob-upload:${vaultId}:f`))!) as {
      acked: number;
      pending: { end: number } | null;
    };
    // Killed right after PUT 2 was acknowledged, before the journal caught up with it.
    expect(journal.acked).toBe(chunkBytes);
    expect(journal.pending?.end).toBe(2 * chunkBytes);
    // The server now claims it holds only PUT 1 (lost, or lying), and the file changed inside PUT 2.
    const server = [...coffer.mock.db.uploads.values()].at(-1)!;
    server.chunks.pop();
    server.received = chunkBytes;
    const sent = wire.puts.length;
    const second = instance(store, ring, token(), wire);
    await expect(
      second.blobs.put(vaultId, 'f.bin', streamOf(bytes(size, 6, chunkBytes + 5)), {
        size,
        chunkBytes,
        resumeKey: 'f',
      }),
    ).rejects.toMatchObject({ code: 'blob_source_changed' });
    expect(wire.puts).toHaveLength(sent);
  });
});

describe('blob download resumed by a new client instance', () => {
  it('continues with a Range request from the last byte the sink took', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 4);
    const wire: Wire = { puts: [], ranges: [] };
    await instance(store, ring, token(), wire).blobs.put(vaultId, 'd.bin', streamOf(data), {
      size,
    });
    const sink = memorySink();
    const first = instance(store, ring, token(), wire);
    const windowBytes = 48 * KiB;
    await expect(
      first.blobs.download(vaultId, 'd.bin', sink, {
        resumeKey: 'd',
        windowBytes,
        ...killedAt(3 * windowBytes + 1),
      }),
    ).rejects.toThrow('process killed');
    const kept = sink.data().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept % windowBytes).toBe(0);

    const second = instance(store, ring, token(), wire);
    const ranges = wire.ranges.length;
    await second.blobs.download(vaultId, 'd.bin', sink, { resumeKey: 'd', windowBytes });
    expect(sink.opened).toEqual([0, kept]);
    expect(sink.data()).toEqual(data);
    // The header comes first, then the body from the chunk holding byte `kept`.
    const resumedAt = wire.ranges
      .slice(ranges)
      .map((r) => Number(/bytes=(\d+)-/.exec(r)?.[1] ?? 0));
    expect(resumedAt).toEqual([0, 30 + 56 + Math.floor(kept / 16_384) * 16_400]);
    expect(await store.getMeta(`blob-download:${vaultId}:d`)).toBeUndefined();
  });

  it('a tampered chunk fails the resumed download and the sink gets no forged byte', async () => {
    const { vaultId, ring, token, store } = await setup();
    const data = bytes(size, 5);
    const wire: Wire = { puts: [], ranges: [] };
    const { blobId } = await instance(store, ring, token(), wire).blobs.put(
      vaultId,
      'e.bin',
      streamOf(data),
      { size },
    );
    const flipAt = total - 20_000;
    const tampering = instance(store, ring, token(), wire, (url, _init, response) => {
      if (!url.includes(`/blobs/${blobId}/content`)) return response;
      const start = Number(
        /bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1] ?? 0,
      );
      let at = start;
      const flipped = response.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(piece, controller) {
            const copy = piece.slice();
            if (flipAt >= at && flipAt < at + copy.length) copy[flipAt - at]! ^= 1;
            at += copy.length;
            controller.enqueue(copy);
          },
        }),
      );
      return new Response(flipped, { status: response.status, headers: response.headers });
    });
    const sink = memorySink();
    await expect(
      tampering.blobs.download(vaultId, 'e.bin', sink, { resumeKey: 'e', windowBytes: 32 * KiB }),
    ).rejects.toMatchObject({ name: 'DecryptionError' });
    const kept = sink.data();
    expect(kept.length).toBeLessThan(size);
    expect(kept).toEqual(data.subarray(0, kept.length));
  });
});

describe('transfer state', () => {
  it('a download that fails midway is no longer listed as running', async () => {
    const { vaultId, ring, token, store } = await setup();
    const wire: Wire = { puts: [], ranges: [] };
    await instance(store, ring, token(), wire).blobs.put(
      vaultId,
      'g.bin',
      streamOf(bytes(size, 8)),
      {
        size,
      },
    );
    // Every connection breaks after 20 000 bytes.
    const breaking = instance(store, ring, token(), wire, (url, _init, response) => {
      if (!url.includes('/content')) return response;
      const reader = response.body!.getReader();
      let passed = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          if (passed + value.length > 20_000) {
            controller.enqueue(value.subarray(0, 20_000 - passed));
            await reader.cancel();
            return controller.error(new TypeError('terminated'));
          }
          passed += value.length;
          controller.enqueue(value);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    });
    const seen: number[] = [];
    breaking.state.subscribe(() => seen.push(breaking.state.getSnapshot().transfers.length));
    const found = await breaking.blobs.get(vaultId, 'g.bin', { maxAttempts: 1 });
    await expect(readAll(found!.stream)).rejects.toThrow('terminated');
    expect(seen).toContain(1);
    expect(breaking.state.getSnapshot().transfers).toEqual([]);
  });
});
