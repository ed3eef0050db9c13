import { MetaResponse, Problem, ROUTES } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { ROUTE_DEFS } from '../src/index.ts';
import { call, useMockServer } from './support.ts';

useMockServer();

describe('the route catalog', () => {
  it('has exactly one mock for every operation of the protocol catalog', () => {
    const mocked = new Set(ROUTE_DEFS.map((d) => d.operationId));
    const missing = ROUTES.map((r) => r.operationId).filter((id) => !mocked.has(id));
    expect(missing).toEqual([]);
    expect(ROUTE_DEFS.length).toBe(new Set(ROUTE_DEFS.map((d) => d.operationId)).size);
  });
});

describe('GET /v1/meta', () => {
  it('answers without protocol headers and matches the wire schema', async () => {
    const res = await call('GET', '/v1/meta', { noProtocolHeaders: true });
    expect(res.status).toBe(200);
    const meta = MetaResponse.parse(res.body);
    expect(meta.protocol).toEqual({ current: 1, min: 1, accepted: [1] });
    expect(meta.envelope.suites[0]?.name).toBe('COFFER-A256');
  });

  it('serves the ops routes', async () => {
    expect((await call('GET', '/healthz')).text).toBe('ok\n');
    expect((await call('GET', '/readyz')).text).toBe('ready\n');
    expect((await call('GET', '/metrics')).text).toContain('coffer_mock_requests_total');
    expect((await call('GET', '/openapi.json')).body.openapi).toMatch(/^3\.1/);
    expect((await call('GET', '/docs')).headers.get('content-type')).toContain('text/html');
  });
});

describe('protocol headers (the server version hook)', () => {
  it('426 version_not_supported without Coffer-Protocol, with the accepted range', async () => {
    const res = await call('POST', '/v1/auth/prelogin', {
      json: { username: 'alice' },
      noProtocolHeaders: true,
    });
    expect(res.status).toBe(426);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = Problem.parse(res.body);
    expect(problem).toMatchObject({ code: 'version_not_supported', protocol: { min: 1, max: 1 } });
  });

  it('says which side to upgrade, and never echoes the header', async () => {
    const newer = await call('GET', '/v1/vaults', { headers: { 'coffer-protocol': '2' } });
    expect(newer.status).toBe(426);
    expect(newer.body.detail).toContain('upgrade the server');
    const older = await call('GET', '/v1/vaults', { headers: { 'coffer-protocol': '0' } });
    expect(older.body.detail).toContain('upgrade the client');
    const junk = await call('GET', '/v1/vaults', {
      headers: { 'coffer-protocol': '1; drop table' },
    });
    expect(junk.status).toBe(426);
    expect(junk.text).not.toContain('drop table');
  });

  it('400 bad_request without a well-formed Coffer-Client', async () => {
    const res = await call('GET', '/v1/vaults', { headers: { 'coffer-client': 'no slash here' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
  });
});

describe('problem+json for every failure', () => {
  it('unknown routes are not_found, after the version check', async () => {
    const res = await call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(Problem.parse(res.body).code).toBe('not_found');
    expect((await call('GET', '/v1/nothing-here', { noProtocolHeaders: true })).status).toBe(426);
    expect((await call('PUT', '/v1/meta')).status).toBe(404);
  });

  it('malformed JSON is bad_request and the input is not echoed', async () => {
    const res = await call('POST', '/v1/auth/prelogin', { raw: '{"username": "secret-input-xyz' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
    expect(res.text).not.toContain('secret-input-xyz');
    expect((await call('POST', '/v1/auth/prelogin', { raw: '' })).body.code).toBe('bad_request');
  });

  it('prototype poisoning is refused', async () => {
    const res = await call('POST', '/v1/auth/prelogin', {
      raw: '{"username":"alice","__proto__":{"x":1}}',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad_request');
  });

  it('wrong content type is unsupported_media_type', async () => {
    const res = await call('POST', '/v1/auth/prelogin', {
      raw: 'username=alice',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('oversize bodies are payload_too_large', async () => {
    const res = await call('POST', '/v1/auth/prelogin', {
      raw: JSON.stringify({ username: 'a'.repeat(400_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('validation failures list paths and messages, never values', async () => {
    const res = await call('POST', '/v1/auth/prelogin', {
      json: { username: 'Not Valid!', extra: 'sneaky-value' },
    });
    expect(res.status).toBe(400);
    const problem = Problem.parse(res.body);
    expect(problem.code).toBe('validation_failed');
    expect(problem.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['username']));
    expect(res.text).not.toContain('sneaky-value');
    expect(res.text).not.toContain('Not Valid!');
  });
});
