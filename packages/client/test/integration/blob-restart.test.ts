// Blob transfers survive a killed process (SIGKILL, not a polite abort): a
// child process uploads (or downloads) with a resume key over a SQLite replica
// and is killed mid-way; a new client over the same replica file finishes the
// job against the real server. The resumed run sends only what the server did
// not acknowledge (downloads: asks only for what the file lacks) and the
// result is byte-identical.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { blobEnvelopeSize } from '../../src/index.ts';
import { createTlsFetch, fileSink } from '../../src/node.ts';
import { startChildJob } from './child-job.ts';
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
const CHILD = fileURLToPath(new URL('./blob-transfer-child.ts', import.meta.url));

/** Run the child until it prints `stalled`, then SIGKILL it. */
async function runUntilStalled(job: Record<string, unknown>): Promise<void> {
  const run = startChildJob(CHILD, job);
  run.onOut((out) => {
    if (out.includes('stalled')) run.child.kill('SIGKILL');
  });
  const { code, signal } = await run.exited;
  if (signal !== 'SIGKILL' || !run.out().includes('stalled'))
    throw new Error(`child ended (${code ?? signal}) before stalling: ${run.out()}${run.err()}`);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An account with a vault, a random file of `size` bytes, and the child's job. */
async function setup(prefix: string, size: number) {
  const owner = await signedUp(server, prefix);
  const { vaultId } = await owner.client.vaults.create();
  const dir = tempDirSync('coffer-blob-restart-');
  const data = randomBytes(size);
  const file = join(dir, 'upload.bin');
  writeFileSync(file, data);
  const job = {
    serverUrl: server.url,
    pinSha256: server.pinSha256,
    replica: join(dir, 'replica.sqlite3'),
    username: owner.username,
    passphrase: owner.passphrase,
    vaultId,
    name: 'movie.bin',
    size,
  };
  return { owner, vaultId, dir, data, file, job };
}

const pinned = () => createTlsFetch({ pinSha256: server.pinSha256 });

describe('blob transfers across a killed process', () => {
  it('an upload continues from what the server acknowledged', async () => {
    const size = 6 * MiB + 321;
    const { owner, vaultId, data, file, job } = await setup('restart-up', size);
    await runUntilStalled({ ...job, mode: 'upload', file, stallAfter: MiB });

    // A new process over the same replica: only the rest goes up.
    const fetchPinned = pinned();
    const puts: Array<{ offset: number; length: number }> = [];
    let serverHad = -1;
    const watching = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const response = await fetchPinned(input, init);
      if (init?.method === 'PUT' && url.includes('/chunks')) {
        const offset = Number(new URL(url).searchParams.get('offset'));
        puts.push({ offset, length: (init.body as Uint8Array).length });
      } else if ((init?.method ?? 'GET') === 'GET' && /\/blobs\/[0-9a-f]+$/.test(url)) {
        serverHad = ((await response.clone().json()) as { received: number }).received;
      }
      return response;
    }) as typeof fetch;
    const resumed = device(server, { file: job.replica, fetch: watching });
    await resumed.client.accounts.login(owner.username, owner.passphrase);
    await resumed.client.blobs.put(
      vaultId,
      'movie.bin',
      () => Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      { size, chunkBytes: 256 * 1024, resumeKey: file },
    );
    expect(serverHad).toBeGreaterThanOrEqual(MiB);
    let at = serverHad;
    for (const p of puts) {
      expect(p.offset).toBe(at);
      at += p.length;
    }
    expect(at).toBe(blobEnvelopeSize(size));
    const found = await resumed.client.blobs.get(vaultId, 'movie.bin');
    const got = new Uint8Array(await new Response(found!.stream).arrayBuffer());
    expect(sha256(got)).toBe(sha256(data));
  });

  it('a download continues from what the file holds, with a Range request', async () => {
    const size = 5 * MiB + 99;
    const { owner, vaultId, dir, data, file, job } = await setup('restart-down', size);
    const { blobId } = await owner.client.blobs.put(
      vaultId,
      'movie.bin',
      Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      { size },
    );
    await owner.client.sync(vaultId);
    const out = join(dir, 'download.bin');
    await runUntilStalled({ ...job, mode: 'download', file: out, stallAfter: 2 * MiB });
    const partial = statSync(out).size;
    expect(partial).toBeGreaterThanOrEqual(2 * MiB);
    expect(partial).toBeLessThan(size);

    const fetchPinned = pinned();
    const ranges: string[] = [];
    const rangeWatch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/content')) {
        ranges.push(new Headers(init?.headers).get('range') ?? '');
      }
      return fetchPinned(input, init);
    }) as typeof fetch;
    const again = device(server, { file: job.replica, fetch: rangeWatch });
    await again.client.accounts.login(owner.username, owner.passphrase);
    const entry = await again.client.blobs.download(vaultId, 'movie.bin', fileSink(out), {
      resumeKey: out,
      windowBytes: 256 * 1024,
    });
    expect(entry?.blob).toEqual({ blobId, size });
    expect(sha256(readFileSync(out))).toBe(sha256(data));
    // The header, then the body from the chunk holding the first missing byte.
    const starts = ranges.map((r) => Number(/bytes=(\d+)-/.exec(r)?.[1] ?? 0));
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThanOrEqual(2 * MiB);
  });
});
