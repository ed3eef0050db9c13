import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetaResponse, Problem } from '../../src/protocol.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /v1/meta', () => {
  it('answers without headers and matches the wire schema', async () => {
    const res = await t.api().get('/v1/meta', { noProtocolHeaders: true });
    expect(res.status).toBe(200);
    const meta = MetaResponse.parse(res.body);
    expect(meta.protocol.accepted).toContain(meta.protocol.current);
    expect(meta.envelope.suites[0]?.name).toBe('COFFER-A256');
    expect(meta.limits.maxPushBatch).toBeGreaterThan(0);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('protocol headers', () => {
  it('426 version_not_supported without Coffer-Protocol on API routes', async () => {
    const res = await t
      .api()
      .post('/v1/auth/prelogin', { username: 'alice' }, { noProtocolHeaders: true });
    expect(res.status).toBe(426);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = Problem.parse(res.body);
    expect(problem.code).toBe('version_not_supported');
    expect(problem.protocol).toEqual({ min: 1, max: 1 });
  });

  it('426 says to upgrade the server for a newer client, the client for an older one', async () => {
    const newer = await t.api().get('/v1/vaults', { headers: { 'coffer-protocol': '2' } });
    expect(newer.status).toBe(426);
    expect(newer.body.detail).toContain('upgrade the server');
    const older = await t.api().get('/v1/vaults', { headers: { 'coffer-protocol': '0' } });
    expect(older.status).toBe(426);
    expect(older.body.detail).toContain('upgrade the client');
    const junk = await t
      .api()
      .get('/v1/vaults', { headers: { 'coffer-protocol': '1; drop table' } });
    expect(junk.status).toBe(426);
    expect(junk.text).not.toContain('drop table');
    // Not a version at all: neither side is told to upgrade.
    for (const unreadable of ['1.0', 'v1', '1, 2']) {
      const res = await t.api().get('/v1/vaults', { headers: { 'coffer-protocol': unreadable } });
      expect(res.status).toBe(426);
      expect(res.body.detail).toBe(
        'send Coffer-Protocol once, as a whole number such as 1 (this server accepts 1..1)',
      );
    }
  });

  it('400 without a well-formed Coffer-Client', async () => {
    const res = await t.api().get('/v1/vaults', { headers: { 'coffer-client': 'no slash here' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
  });
});

describe('problem+json for every failure', () => {
  it('unknown routes are not_found problems', async () => {
    const res = await t.api().get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(Problem.parse(res.body).code).toBe('not_found');
  });

  it('malformed JSON is bad_request and the input is not echoed', async () => {
    const res = await t
      .api()
      .call('POST', '/v1/auth/prelogin', { raw: '{"username": "secret-input-xyz' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
    expect(res.text).not.toContain('secret-input-xyz');
  });

  it('prototype poisoning is refused', async () => {
    const res = await t
      .api()
      .call('POST', '/v1/auth/prelogin', { raw: '{"username":"alice","__proto__":{"x":1}}' });
    expect(res.status).toBe(400);
  });

  it('wrong content type is unsupported_media_type', async () => {
    const res = await t.api().call('POST', '/v1/auth/prelogin', {
      raw: 'username=alice',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('oversize bodies are payload_too_large', async () => {
    const res = await t.api().call('POST', '/v1/auth/prelogin', {
      raw: JSON.stringify({ username: 'a'.repeat(400_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('validation failures list paths and messages, never values', async () => {
    const res = await t
      .api()
      .post('/v1/auth/prelogin', { username: 'Not Valid!', extra: 'sneaky-value' });
    expect(res.status).toBe(400);
    const problem = Problem.parse(res.body);
    expect(problem.code).toBe('validation_failed');
    expect(problem.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['username']));
    expect(res.text).not.toContain('sneaky-value');
    expect(res.text).not.toContain('Not Valid!');
  });
});
