import { BlobStatus } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { call, createUser, createVault, hexId, useMockServer } from './support.ts';

const coffer = useMockServer();

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('blobs', () => {
  it('uploads in resumable chunks and downloads whole or by range', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const created = await call('POST', `/v1/vaults/${vaultId}/blobs`, {
      token: alice.token,
      json: { size: 10 },
    });
    expect(created.status).toBe(201);
    const base = `/v1/vaults/${vaultId}/blobs/${BlobStatus.parse(created.body).blobId}`;
    const chunk = (offset: number, data: Uint8Array) =>
      call('PUT', `${base}/chunks?offset=${offset}`, {
        token: alice.token,
        raw: data,
        contentType: 'application/octet-stream',
      });
    expect((await chunk(0, bytes(4, 1))).body).toMatchObject({ received: 4, complete: false });
    const stale = await chunk(0, bytes(4, 1));
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    expect((await call('POST', `${base}/complete`, { token: alice.token })).status).toBe(409);
    expect((await chunk(4, bytes(7, 2))).status).toBe(413);
    expect((await chunk(4, new Uint8Array(0))).status).toBe(400);
    expect((await call('GET', base, { token: alice.token })).body.received).toBe(4);
    expect((await chunk(4, bytes(6, 2))).body.received).toBe(10);
    expect((await call('POST', `${base}/complete`, { token: alice.token })).body.complete).toBe(
      true,
    );
    const whole = await fetch(`https://coffer.test${base}/content`, {
      headers: {
        'coffer-protocol': '1',
        'coffer-client': 't/1',
        authorization: `Bearer ${alice.token}`,
      },
    });
    expect(whole.status).toBe(200);
    expect([...new Uint8Array(await whole.arrayBuffer())]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    const part = await call('GET', `${base}/content`, {
      token: alice.token,
      headers: { range: 'bytes=3-5' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 3-5/10');
    const bad = await call('GET', `${base}/content`, {
      token: alice.token,
      headers: { range: 'bytes=20-' },
    });
    expect(bad.status).toBe(416);
    expect(bad.body.code).toBe('range_not_satisfiable');
    expect(bad.headers.get('content-range')).toBe('bytes */10');
    // Deleting frees it: gone for everyone, quota released.
    expect(coffer.mock.db.usedBytes(alice.accountId)).toBe(10);
    expect((await call('DELETE', base, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `${base}/content`, { token: alice.token })).status).toBe(404);
    expect(coffer.mock.db.usedBytes(alice.accountId)).toBe(0);
  });

  it('only the uploader, an admin or the owner deletes a blob', async () => {
    const owner = await createUser('owner');
    const writer = await createUser('writer');
    const vaultId = await createVault(owner);
    await coffer.mock.addMember(vaultId, writer.accountId, 'writer');
    const created = await call('POST', `/v1/vaults/${vaultId}/blobs`, {
      token: owner.token,
      json: { size: 2 },
    });
    const base = `/v1/vaults/${vaultId}/blobs/${created.body.blobId}`;
    await call('PUT', `${base}/chunks?offset=0`, {
      token: owner.token,
      raw: bytes(2, 7),
      contentType: 'application/octet-stream',
    });
    // An unfinished upload is not a blob yet: it does not exist for anyone but its uploader.
    expect((await call('DELETE', base, { token: writer.token })).status).toBe(404);
    await call('POST', `${base}/complete`, { token: owner.token });
    const denied = await call('DELETE', base, { token: writer.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
    expect((await call('DELETE', base, { token: owner.token })).status).toBe(204);
    expect((await call('DELETE', base, { token: owner.token })).status).toBe(404);
  });

  it('the uploader may abandon an unfinished upload (frees its quota); nobody else finds it', async () => {
    const owner = await createUser('owner');
    const writer = await createUser('writer');
    const vaultId = await createVault(owner);
    await coffer.mock.addMember(vaultId, writer.accountId, 'writer');
    const created = await call('POST', `/v1/vaults/${vaultId}/blobs`, {
      token: writer.token,
      json: { size: 6 },
    });
    const base = `/v1/vaults/${vaultId}/blobs/${created.body.blobId}`;
    await call('PUT', `${base}/chunks?offset=0`, {
      token: writer.token,
      raw: bytes(2, 7),
      contentType: 'application/octet-stream',
    });
    expect(coffer.mock.db.usedBytes(writer.accountId)).toBe(6);
    // The owner outranks the writer but an unfinished upload is not theirs to see.
    const byOwner = await call('DELETE', base, { token: owner.token });
    expect(byOwner.status).toBe(404);
    expect(byOwner.body.code).toBe('not_found');
    expect(coffer.mock.db.usedBytes(writer.accountId)).toBe(6);
    expect((await call('DELETE', base, { token: writer.token })).status).toBe(204);
    expect(coffer.mock.db.usedBytes(writer.accountId)).toBe(0);
    expect((await call('GET', base, { token: writer.token })).status).toBe(404);
    expect((await call('DELETE', base, { token: writer.token })).status).toBe(404);
  });

  it('enforces size limits, roles and tenancy', async () => {
    const alice = await createUser();
    const mallory = await createUser('mallory');
    const vaultId = await createVault(alice);
    expect(
      (await call('POST', `/v1/vaults/${vaultId}/blobs`, { token: alice.token, json: { size: 0 } }))
        .status,
    ).toBe(400);
    const huge = await call('POST', `/v1/vaults/${vaultId}/blobs`, {
      token: alice.token,
      json: { size: 2 * 1024 ** 3 },
    });
    expect(huge.status).toBe(413);
    const created = await call('POST', `/v1/vaults/${vaultId}/blobs`, {
      token: alice.token,
      json: { size: 4 },
    });
    const base = `/v1/vaults/${vaultId}/blobs/${created.body.blobId}`;
    expect((await call('GET', base, { token: mallory.token })).status).toBe(404);
    const json = await call('PUT', `${base}/chunks?offset=0`, {
      token: alice.token,
      json: { a: 1 },
    });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('unsupported_media_type');
    expect((await call('GET', `${base}/content`, { token: alice.token })).status).toBe(404);
    expect(
      (await call('GET', `/v1/vaults/${vaultId}/blobs/${hexId()}`, { token: alice.token })).status,
    ).toBe(404);
  });
});
