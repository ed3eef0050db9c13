import { afterEach, describe, expect, it, vi } from 'vitest';
import { ed25519Sign, ed25519Verify, generateEd25519KeyPair } from './ed25519.ts';
import { importOwnKey } from './import-own-key.ts';

const dataError = () => new DOMException('Invalid keyData', 'DataError');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('importOwnKey', () => {
  it('retries one spurious DataError: a valid signature still verifies', async () => {
    const { seed, publicKey } = await generateEd25519KeyPair();
    const message = new Uint8Array([1, 2, 3]);
    const signature = await ed25519Sign(seed, message);
    const real = crypto.subtle.importKey.bind(crypto.subtle);
    const spy = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockImplementationOnce(() => Promise.reject(dataError()))
      .mockImplementation(real as typeof crypto.subtle.importKey);
    expect(await ed25519Verify(publicKey, message, signature)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('a DataError both times is the error (no endless retry)', async () => {
    const spy = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockImplementation(() => Promise.reject(dataError()));
    await expect(
      importOwnKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']),
    ).rejects.toMatchObject({ name: 'DataError' });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('any other error is not retried', async () => {
    const spy = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockImplementation(() => Promise.reject(new DOMException('no', 'NotSupportedError')));
    await expect(
      importOwnKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']),
    ).rejects.toMatchObject({ name: 'NotSupportedError' });
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
