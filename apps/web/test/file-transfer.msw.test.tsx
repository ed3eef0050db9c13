// File attachments through the REAL SDK (SdkVault over @coffer/client with an
// IndexedDB replica) against the msw mock server in a Service Worker: upload
// with progress, cancel and a server error; download of authentic bytes, a
// tampered blob refused (nothing saved), and cancel.
import { createClient } from '@coffer/client';
import { IndexedDbStore } from '@coffer/client/indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { SdkVault } from '../src/api/sdk-vault.ts';
import { FileDownload } from '../src/components/file-download.tsx';
import type { SaveTarget } from '../src/components/file-save.ts';
import { FileUpload } from '../src/components/file-upload.tsx';
import { MOCK_BASE, useMockWorker } from './mock-worker.ts';
import { recordingTarget } from './recording-target.ts';
import { cleanup, render } from './render.tsx';

const coffer = useMockWorker();
let vault: SdkVault;

beforeAll(async () => {
  const store = await IndexedDbStore.open(`coffer-file-test-${crypto.randomUUID()}`);
  const client = createClient({
    serverUrl: MOCK_BASE,
    store,
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  await client.accounts.signup('ann', 'correct horse battery staple');
  await client.accounts.login('ann', 'correct horse battery staple');
  const { vaultId } = await client.vaults.create();
  vault = await SdkVault.open(client, store, { vaultId, name: 'Files', role: 'owner' });
}, 60_000);

afterEach(() => {
  cleanup();
  coffer.mock.clearScenario();
});

afterAll(() => {
  vault?.close();
});

function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * seed + (i >> 8)) & 0xff;
  return out;
}

async function upload(name: string, data: Uint8Array, onDone = (_: string | null) => {}) {
  render(<FileUpload vault={vault} onDone={onDone} />);
  await userEvent.upload(page.getByLabelText('File'), new File([data as BlobPart], name));
  await userEvent.click(page.getByRole('button', { name: 'Upload' }));
}

function recordNamed(name: string) {
  const record = vault.records.getSnapshot().records.find((r) => r.name === name);
  if (!record) throw new Error(`no record ${name}`);
  return record;
}

function mountDownload(name: string, size: number, target: SaveTarget) {
  render(
    <FileDownload
      vault={vault}
      recordId={recordNamed(name).recordId}
      name={name}
      size={size}
      openTarget={async () => target}
    />,
  );
}

const SIZE = 200 * 1024 + 3;

describe('file attachments over the SDK and the mock server', () => {
  test('uploads, then downloads exactly the same bytes', async () => {
    const data = bytes(SIZE, 7);
    const done: Array<string | null> = [];
    await upload('photo.raw', data, (name) => done.push(name));
    await expect.poll(() => done, { timeout: 20_000 }).toEqual(['photo.raw']);
    const { target, state, data: got } = recordingTarget();
    mountDownload('photo.raw', SIZE, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByText('Saved photo.raw.')).toBeVisible();
    expect(state).toEqual({ closed: true, aborted: false, finished: true });
    expect(got()).toEqual(data);
  });

  test('an upload waiting on a slow server shows progress and cancels at once', async () => {
    coffer.mock.setScenario({ delayMs: { ms: 120_000, operations: ['uploadChunk'] } });
    const done: Array<string | null> = [];
    await upload('slow.bin', bytes(SIZE, 3), (name) => done.push(name));
    await expect.element(page.getByLabelText('Upload progress')).toBeVisible();
    await expect.element(page.getByText(/^Uploading 0 B of /)).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Cancel upload' }));
    await expect.element(page.getByText('Upload cancelled.')).toBeVisible();
    expect(done).toEqual([]);
  });

  test('a server error on upload is shown in plain words', async () => {
    coffer.mock.setScenario({ serverError: { status: 500, operations: ['createBlob'] } });
    await upload('broken.bin', bytes(1000, 5));
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(vault.records.getSnapshot().records.some((r) => r.name === 'broken.bin')).toBe(false);
  });

  test('a tampered blob is refused: an error, and the destination is discarded', async () => {
    const data = bytes(SIZE, 11);
    const done: Array<string | null> = [];
    await upload('forged.bin', data, (name) => done.push(name));
    await expect.poll(() => done, { timeout: 20_000 }).toEqual(['forged.bin']);
    // The malicious server flips one ciphertext byte in the middle of the blob.
    const blobs = [...coffer.mock.db.uploads.values()].filter((u) => u.complete);
    const stored = blobs.at(-1)!;
    const chunk = stored.chunks[0]!;
    chunk[Math.floor(chunk.length / 2)]! ^= 1;
    const { target, state } = recordingTarget();
    mountDownload('forged.bin', SIZE, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(state.finished).toBe(false);
    expect(state.aborted).toBe(true);
  });

  test('a download waiting on a slow server can be cancelled', async () => {
    const data = bytes(SIZE, 13);
    const done: Array<string | null> = [];
    await upload('later.bin', data, (name) => done.push(name));
    await expect.poll(() => done, { timeout: 20_000 }).toEqual(['later.bin']);
    coffer.mock.setScenario({ delayMs: { ms: 120_000, operations: ['downloadBlob'] } });
    const { target, state } = recordingTarget();
    mountDownload('later.bin', SIZE, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByText('Downloading 0%')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Cancel download' }));
    await expect.element(page.getByText('Download cancelled.')).toBeVisible();
    expect(state).toMatchObject({ aborted: true, finished: false });
  });
});
