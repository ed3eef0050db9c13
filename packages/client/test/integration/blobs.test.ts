// Blobs against the real server: a few-MB blob streamed up and down with
// progress, an upload resumed after interruptions, a tampered blob rejected.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsFetch } from '../../src/node.ts';
import { device, signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

const MiB = 1024 * 1024;

/** `size` pseudo-random bytes in 64 KiB pieces, generated as they are read. */
function source(
  size: number,
  seed: number,
): { stream: ReadableStream<Uint8Array>; sha256: string } {
  const hash = createHash('sha256');
  let sent = 0;
  let x = seed;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const n = Math.min(64 * 1024, size - sent);
      if (n === 0) return controller.close();
      const piece = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x = (x * 1_103_515_245 + 12_345) >>> 0;
        piece[i] = x >>> 24;
      }
      hash.update(piece);
      sent += n;
      controller.enqueue(piece);
    },
  });
  return {
    stream,
    get sha256() {
      return hash.copy().digest('hex');
    },
  };
}

async function sha256Of(
  stream: ReadableStream<Uint8Array>,
): Promise<{ hex: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of stream) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { hex: hash.digest('hex'), bytes };
}

describe('blobs over HTTPS', () => {
  it('streams a few-MB blob up and down with progress; another device reads it', async () => {
    const a = await signedUp(server, 'blob');
    const { vaultId } = await a.client.vaults.create();
    const size = 3 * MiB + 123;
    const input = source(size, 7);
    const up: number[] = [];
    const { blobId } = await a.client.blobs.put(vaultId, 'video.bin', input.stream, {
      size,
      type: 'video/mp4',
      value: { title: 'holiday' },
      chunkBytes: 512 * 1024,
      onProgress: (done) => up.push(done),
    });
    expect(up.at(-1)).toBeGreaterThan(size);
    expect(up).toEqual([...up].sort((x, y) => x - y));
    expect(a.client.state.getSnapshot().transfers).toEqual([]);
    await a.client.sync(vaultId);

    const b = device(server);
    await b.client.accounts.login(a.username, a.passphrase);
    await b.client.sync(vaultId);
    const down: number[] = [];
    const found = await b.client.blobs.get(vaultId, 'video.bin', {
      onProgress: (done) => down.push(done),
    });
    expect(found?.entry).toMatchObject({ type: 'video/mp4', value: { title: 'holiday' } });
    expect(found?.entry.blob).toEqual({ blobId, size });
    const got = await sha256Of(found!.stream);
    expect(got).toEqual({ hex: input.sha256, bytes: size });
    expect(down.at(-1)).toBe(up.at(-1));
  });

  it('resumes an interrupted upload from the size the server received', async () => {
    const a = await signedUp(server, 'resume');
    const { vaultId } = await a.client.vaults.create();
    const pinned = createTlsFetch({ pinSha256: server.pinSha256 });
    let puts = 0;
    const flaky = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const isChunk = init?.method === 'PUT' && String(input).includes('/chunks');
      if (isChunk) puts++;
      // 2nd chunk: delivered, but the answer is lost. 4th: never leaves.
      if (isChunk && puts === 2) {
        await pinned(input, init);
        throw new TypeError('connection reset');
      }
      if (isChunk && puts === 4) throw new TypeError('connection refused');
      return pinned(input, init);
    }) as typeof fetch;
    const d = device(server, { fetch: flaky });
    await d.client.accounts.login(a.username, a.passphrase);
    const size = 2 * MiB;
    const input = source(size, 11);
    await d.client.blobs.put(vaultId, 'resumed.bin', input.stream, {
      size,
      chunkBytes: 256 * 1024,
    });
    // 9 chunks of envelope, one resent after the refusal; the lost answer resent nothing.
    expect(puts).toBe(10);
    const found = await d.client.blobs.get(vaultId, 'resumed.bin');
    expect(await sha256Of(found!.stream)).toEqual({ hex: input.sha256, bytes: size });
  });

  it('resumes a dropped download with a range request', async () => {
    const a = await signedUp(server, 'ranged');
    const { vaultId } = await a.client.vaults.create();
    const pinned = createTlsFetch({ pinSha256: server.pinSha256 });
    const ranges: string[] = [];
    let drops = 0;
    const dropping = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await pinned(input, init);
      if (!String(input).includes('/content')) return response;
      ranges.push(new Headers(init?.headers).get('range') ?? 'none');
      if (drops++ > 0) return response;
      // The first connection breaks after ~300 KB.
      let passed = 0;
      const reader = response.body!.getReader();
      const broken = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          passed += value.length;
          if (passed > 300_000) {
            await reader.cancel();
            return controller.error(new TypeError('terminated'));
          }
          controller.enqueue(value);
        },
      });
      return new Response(broken, { status: response.status, headers: response.headers });
    }) as typeof fetch;
    const size = MiB + 5;
    const input = source(size, 5);
    await a.client.blobs.put(vaultId, 'big.bin', input.stream, { size });
    await a.client.sync(vaultId);
    const d = device(server, { fetch: dropping });
    await d.client.accounts.login(a.username, a.passphrase);
    await d.client.sync(vaultId);
    const found = await d.client.blobs.get(vaultId, 'big.bin');
    expect(await sha256Of(found!.stream)).toEqual({ hex: input.sha256, bytes: size });
    expect(ranges[0]).toBe('none');
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(ranges[1]!)![0])).toBeGreaterThan(0);
  });

  it('a tampered blob is rejected', async () => {
    const a = await signedUp(server, 'tamper');
    const { vaultId } = await a.client.vaults.create();
    const size = MiB;
    const { blobId } = await a.client.blobs.put(vaultId, 'doc.bin', source(size, 3).stream, {
      size,
    });
    server.tamperBlob(blobId, 200_000);
    const found = await a.client.blobs.get(vaultId, 'doc.bin');
    await expect(sha256Of(found!.stream)).rejects.toMatchObject({ name: 'DecryptionError' });
  });
});
