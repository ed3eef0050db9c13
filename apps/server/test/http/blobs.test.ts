import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStatus } from '../../src/protocol.ts';
import { UPLOAD_EXPIRY_MS } from '../../src/server.ts';
import { createUser, createVault, keyGrant, newHexId } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    config: { accountQuotaBytes: 3 * 1024 * 1024 },
    overrides: { limits: { maxBlobChunkBytes: 1024 * 1024 } },
  });
});
afterAll(async () => {
  await t?.close();
});

const chunk = (api: import('../support/api.ts').Api, path: string, bytes: Buffer) =>
  api.call('PUT', path, { raw: bytes, contentType: 'application/octet-stream' });

describe('blobs', () => {
  it('uploads in resumable chunks and downloads whole or by range', async () => {
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const data = randomBytes(2.5 * 1024 * 1024);
    const created = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: data.length });
    expect(created.status).toBe(201);
    const { blobId } = BlobStatus.parse(created.body);
    const base = `/v1/vaults/${vaultId}/blobs/${blobId}`;
    expect(
      (await chunk(alice.api, `${base}/chunks?offset=0`, data.subarray(0, 1024 * 1024))).body
        .received,
    ).toBe(1024 * 1024);
    // A retried chunk at a stale offset is refused and changes nothing; the status says where to resume.
    const stale = await chunk(alice.api, `${base}/chunks?offset=0`, data.subarray(0, 1024 * 1024));
    expect(stale.status).toBe(409);
    expect((await alice.api.get(base)).body).toMatchObject({
      received: 1024 * 1024,
      complete: false,
    });
    expect((await alice.api.post(`${base}/complete`)).status).toBe(409);
    const tooBig = await chunk(
      alice.api,
      `${base}/chunks?offset=${1024 * 1024}`,
      data.subarray(1024 * 1024, 1024 * 1024 + 1024 * 1024 + 1),
    );
    expect(tooBig.status).toBe(413);
    await chunk(
      alice.api,
      `${base}/chunks?offset=${1024 * 1024}`,
      data.subarray(1024 * 1024, 2 * 1024 * 1024),
    );
    await chunk(
      alice.api,
      `${base}/chunks?offset=${2 * 1024 * 1024}`,
      data.subarray(2 * 1024 * 1024),
    );
    const done = await alice.api.post(`${base}/complete`);
    expect(done.body).toMatchObject({ complete: true, received: data.length });

    const whole = await alice.api.call('GET', `${base}/content`);
    expect(whole.status).toBe(200);
    const raw = await fetchBytes(alice.api, `${base}/content`);
    expect(Buffer.compare(raw.bytes, data)).toBe(0);
    const part = await fetchBytes(alice.api, `${base}/content`, 'bytes=1048570-1048585');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1048570-1048585/${data.length}`);
    expect(Buffer.compare(part.bytes, data.subarray(1048570, 1048586))).toBe(0);
    const suffix = await fetchBytes(alice.api, `${base}/content`, 'bytes=-10');
    expect(Buffer.compare(suffix.bytes, data.subarray(data.length - 10))).toBe(0);
    const bad = await fetchBytes(alice.api, `${base}/content`, `bytes=${data.length}-`);
    expect(bad.status).toBe(416);
  });

  it('enforces size limits, quota and tenancy', async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const mallory = await createUser(t.api());
    const vaultId = await createVault(alice);
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: bob.accountId,
      role: 'reader',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    expect((await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 0 })).status).toBe(400);
    const errorLines = () => t.logs.filter((l) => l.includes('"level":50')).length;
    const errorsBefore = errorLines();
    const overQuota = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, {
      size: 4 * 1024 * 1024,
    });
    expect(overQuota.status).toBe(507);
    expect(overQuota.body.code).toBe('quota_exceeded');
    // A user at their quota is not a server fault: no error line (with a stack) to page on.
    expect(errorLines()).toBe(errorsBefore);
    expect((await bob.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 10 })).status).toBe(403);

    const { body } = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 4 });
    const base = `/v1/vaults/${vaultId}/blobs/${body.blobId}`;
    expect((await mallory.api.get(base)).status).toBe(404);
    expect((await chunk(mallory.api, `${base}/chunks?offset=0`, Buffer.from('evil'))).status).toBe(
      404,
    );
    expect((await bob.api.get(base)).status).toBe(404); // unfinished uploads are the uploader's
    expect(
      (await alice.api.call('PUT', `${base}/chunks?offset=0`, { json: { a: 1 } })).status,
    ).toBe(415);
    await chunk(alice.api, `${base}/chunks?offset=0`, Buffer.from('data'));
    await alice.api.post(`${base}/complete`);
    expect((await bob.api.get(base)).body.complete).toBe(true);
    expect((await fetchBytes(bob.api, `${base}/content`)).bytes.toString()).toBe('data');
    expect((await mallory.api.get(`${base}/content`)).status).toBe(404);
    expect((await alice.api.get(`/v1/vaults/${vaultId}/blobs/${newHexId()}/content`)).status).toBe(
      404,
    );
  });
});

describe('abandoned uploads', () => {
  it('the uploader deletes an unfinished upload and gets its quota back; nobody else can', async () => {
    const alice = await createUser(t.api());
    const admin = await createUser(t.api());
    const vaultId = await createVault(alice);
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: admin.accountId,
      role: 'admin',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    const quota = 3 * 1024 * 1024;
    const { body } = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: quota });
    const base = `/v1/vaults/${vaultId}/blobs/${body.blobId}`;
    await chunk(alice.api, `${base}/chunks?offset=0`, randomBytes(1024));
    expect((await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 1 })).status).toBe(507);
    // Unfinished uploads are the uploader's: the admin sees none to delete.
    expect((await admin.api.delete(base)).status).toBe(404);
    expect((await alice.api.delete(base)).status).toBe(204);
    expect((await alice.api.get(base)).status).toBe(404);
    expect((await alice.api.delete(base)).status).toBe(404);
    expect((await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: quota })).status).toBe(201);
  });

  it("housekeeping expires uploads untouched for UPLOAD_EXPIRY_MS, a removed member's included", async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const vaultId = await createVault(alice);
    const bobsVault = await createVault(bob);
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: bob.accountId,
      role: 'writer',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    const quota = 3 * 1024 * 1024;
    const bobs = await bob.api.post(`/v1/vaults/${vaultId}/blobs`, { size: quota });
    const bobsBase = `/v1/vaults/${vaultId}/blobs/${bobs.body.blobId}`;
    await chunk(bob.api, `${bobsBase}/chunks?offset=0`, randomBytes(1024));
    // Removed, bob can no longer reach the upload, which still holds his whole quota.
    expect((await alice.api.delete(`/v1/vaults/${vaultId}/members/${bob.accountId}`)).status).toBe(
      204,
    );
    expect((await bob.api.delete(bobsBase)).status).toBe(404);
    expect((await bob.api.post(`/v1/vaults/${bobsVault}/blobs`, { size: 1 })).status).toBe(507);
    const mine = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 2048 });
    const mineBase = `/v1/vaults/${vaultId}/blobs/${mine.body.blobId}`;
    const start = t.clock.now;
    try {
      // Alice touches hers an hour before the limit; a day after creation only bob's goes.
      t.clock.now = start + UPLOAD_EXPIRY_MS - 3600_000;
      await chunk(alice.api, `${mineBase}/chunks?offset=0`, randomBytes(1024));
      await t.server.housekeeping();
      expect((await bob.api.post(`/v1/vaults/${bobsVault}/blobs`, { size: 1 })).status).toBe(507);
      t.clock.now = start + UPLOAD_EXPIRY_MS + 1;
      await t.server.housekeeping();
      expect((await alice.api.get(mineBase)).body).toMatchObject({ received: 1024 });
      expect((await alice.api.get(bobsBase)).status).toBe(404);
      expect((await bob.api.post(`/v1/vaults/${bobsVault}/blobs`, { size: quota })).status).toBe(
        201,
      );
      expect(t.logs.some((l) => l.includes('expired unfinished uploads'))).toBe(true);
      // A day after its last chunk, hers goes too.
      t.clock.now = start + 2 * UPLOAD_EXPIRY_MS;
      await t.server.housekeeping();
      expect((await alice.api.get(mineBase)).status).toBe(404);
    } finally {
      t.clock.now = start;
    }
  });
});

async function fetchBytes(api: import('../support/api.ts').Api, path: string, range?: string) {
  const { request } = await import('undici');
  const res = await request(`${api.baseUrl}${path}`, {
    dispatcher: api.dispatcher,
    headers: {
      'coffer-protocol': '1',
      'coffer-client': 'coffer-server-tests/0.0.0',
      authorization: `Bearer ${api.token}`,
      ...(range ? { range } : {}),
    },
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    bytes: Buffer.from(await res.body.arrayBuffer()),
  };
}
