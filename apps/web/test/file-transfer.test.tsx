// File attachments in the UI: progress, cancel and error states of uploads
// and downloads, and the two download destinations (a picked file through
// the File System Access API, backed here by the origin-private file system;
// Blob slices saved with one object-URL download).
import { afterEach, describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { FileDownload } from '../src/components/file-download.tsx';
import { blobSaveTarget, openSaveTarget, type SaveTarget } from '../src/components/file-save.ts';
import { FileUpload } from '../src/components/file-upload.tsx';
import { FakeVault } from './fake-vault.ts';
import { recordingTarget } from './recording-target.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);
afterEach(() => vi.restoreAllMocks());

async function pickFile(vault: FakeVault, onDone = (_: string | null) => {}) {
  render(<FileUpload vault={vault} onDone={onDone} />);
  await userEvent.upload(page.getByLabelText('File'), new File(['y'.repeat(4096)], 'big.iso'));
  await userEvent.click(page.getByRole('button', { name: 'Upload' }));
}

describe('file upload', () => {
  test('shows progress, then hands the name back', async () => {
    const vault = new FakeVault();
    const done: Array<string | null> = [];
    await pickFile(vault, (name) => done.push(name));
    await expect.poll(() => done).toEqual(['big.iso']);
    expect(vault.calls.find((c) => c.method === 'uploadFile')?.args).toEqual(['big.iso', 4096]);
  });

  test('a running upload shows its progress and can be cancelled', async () => {
    const vault = new FakeVault();
    vault.holdTransfers = true;
    const done: Array<string | null> = [];
    await pickFile(vault, (name) => done.push(name));
    await expect.element(page.getByText('Uploading 2.0 KiB of 4.0 KiB')).toBeVisible();
    await expect.element(page.getByLabelText('Upload progress')).toHaveValue(50);
    await expect.element(page.getByRole('button', { name: 'Upload' })).toBeDisabled();
    await userEvent.click(page.getByRole('button', { name: 'Cancel upload' }));
    await expect.element(page.getByText('Upload cancelled.')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Upload' })).toBeEnabled();
    // The pressed button is the same element, now Cancel: focus stays on it.
    await expect.element(page.getByRole('button', { name: 'Cancel', exact: true })).toHaveFocus();
    expect(done).toEqual([]);
  });

  test('a failed upload says why in plain words and keeps the form', async () => {
    const vault = new FakeVault();
    vault.failTransfers = 'payload_too_large';
    await pickFile(vault);
    await expect.element(page.getByRole('alert')).toBeVisible();
    await expect.element(page.getByRole('alert')).not.toHaveTextContent('payload_too_large');
    await expect.element(page.getByRole('button', { name: 'Upload' })).toBeEnabled();
    await expect.element(page.getByRole('button', { name: 'Upload' })).toHaveFocus();
  });
});

describe('file download', () => {
  function mount(vault: FakeVault, target: SaveTarget | null) {
    render(
      <FileDownload
        vault={vault}
        recordId="r1"
        name="docs/report.pdf"
        size={10}
        openTarget={async () => target}
      />,
    );
  }

  test('streams into the destination, then saves it', async () => {
    const vault = new FakeVault();
    const { target, got, state } = recordingTarget();
    mount(vault, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByText('Saved report.pdf.')).toBeVisible();
    // Download was disabled while it ran: focus comes back to it, not <body>.
    await expect.element(page.getByRole('button', { name: 'Download' })).toHaveFocus();
    expect(new TextDecoder().decode(got[0])).toBe('file-bytes');
    expect(state).toEqual({ closed: true, aborted: false, finished: true });
  });

  test('closing the save dialog downloads nothing', async () => {
    const vault = new FakeVault();
    mount(vault, null);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    expect(vault.calls.some((c) => c.method === 'downloadFile')).toBe(false);
    await expect.element(page.getByRole('button', { name: 'Download' })).toBeEnabled();
  });

  test('a running download shows progress; cancel discards the destination', async () => {
    const vault = new FakeVault();
    vault.holdTransfers = true;
    const { target, state } = recordingTarget();
    mount(vault, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByText('Downloading 50%')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Cancel download' }));
    await expect.element(page.getByText('Download cancelled.')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Download' })).toHaveFocus();
    expect(state).toEqual({ closed: false, aborted: true, finished: false });
  });

  test('a failed download is an error, and nothing is saved', async () => {
    const vault = new FakeVault();
    vault.failTransfers = 'decryption_failed';
    const { target, state } = recordingTarget();
    mount(vault, target);
    await userEvent.click(page.getByRole('button', { name: 'Download' }));
    await expect.element(page.getByRole('alert')).toBeVisible();
    expect(state.finished).toBe(false);
  });
});

describe('download destinations', () => {
  test('Blob slices: bounded pieces, one object-URL download of the exact bytes', async () => {
    const target = blobSaveTarget('a/b/data.bin', 4096);
    const writer = target.stream.getWriter();
    const expected = new Uint8Array(10 * 1000);
    for (let i = 0; i < 10; i++) {
      const piece = new Uint8Array(1000).fill(i);
      expected.set(piece, i * 1000);
      await writer.write(piece);
    }
    await writer.close();
    let saved: { href: string; name: string } | undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved = { href: this.href, name: this.download };
    });
    target.finish();
    expect(saved?.name).toBe('data.bin');
    const bytes = new Uint8Array(await (await fetch(saved!.href)).arrayBuffer());
    expect(bytes).toEqual(expected);
  });

  test('a picked file (File System Access API) receives the stream', async () => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('picked.bin', { create: true });
    const asked: Array<string | undefined> = [];
    const target = await openSaveTarget('x/picked.bin', async (options) => {
      asked.push(options?.suggestedName);
      return handle as unknown as { createWritable(): Promise<WritableStream<Uint8Array>> };
    });
    expect(target?.kind).toBe('file');
    const data = new Uint8Array(70_000).map((_, i) => i % 251);
    await new Blob([data]).stream().pipeTo(target!.stream);
    expect(asked).toEqual(['picked.bin']);
    expect(new Uint8Array(await (await handle.getFile()).arrayBuffer())).toEqual(data);
    await root.removeEntry('picked.bin');
  });

  test('a closed picker is null; a refused one falls back to Blob slices', async () => {
    const closed = await openSaveTarget('f', async () => {
      throw new DOMException('closed', 'AbortError');
    });
    expect(closed).toBeNull();
    const refused = await openSaveTarget('f', async () => {
      throw new DOMException('no gesture', 'SecurityError');
    });
    expect(refused?.kind).toBe('blob');
  });
});
