/**
 * Bad requests below the routes: URLs the router decodes or cannot decode,
 * HTTP framing that does not parse, bodies cut off mid-upload, and blob
 * ranges that are malformed or out of range. Each gets a problem document (or
 * nothing, when the client is gone) and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Problem } from '../../src/protocol.ts';
import { buildWorld, snapshot, type World } from '../support/adversary-world.ts';
import { baseHeaders } from '../support/openapi-routes.ts';
import { rawExchange } from '../support/raw-tls.ts';
import { sendRaw } from '../support/send-raw.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let w: World;
beforeAll(async () => {
  t = await startTestServer({ keepAlive: true, logLevel: 'trace' });
  w = await buildWorld(t);
});
afterAll(async () => {
  await t?.close();
});

const head = (token: string, extra = '') =>
  `host: localhost\r\ncoffer-protocol: 1\r\ncoffer-client: raw/1.0\r\nauthorization: Bearer ${token}\r\n${extra}`;

describe('URLs', () => {
  it('checks the protocol version of a route whose path is spelled another way', async () => {
    // Percent-encoded, or in absolute form (a proxy's request line).
    for (const path of [
      '/%761/vaults',
      '/%76%31/vaults',
      '/v%31/vaults',
      'https://elsewhere/v1/vaults',
    ]) {
      const old = await sendRaw(t.dispatcher, t.url, {
        method: 'GET',
        path,
        headers: { ...baseHeaders(w.alice.owner.token), 'coffer-protocol': '9' },
      });
      expect(old.status, path).toBe(426);
      expect(Problem.parse(JSON.parse(old.text)).code).toBe('version_not_supported');
      const ok = await sendRaw(t.dispatcher, t.url, {
        method: 'GET',
        path,
        headers: baseHeaders(w.alice.owner.token),
      });
      expect(ok.status, path).toBe(200);
      expect(ok.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('answers a URL the router cannot decode with a problem that does not quote it', async () => {
    const res = await sendRaw(t.dispatcher, t.url, {
      method: 'GET',
      path: '/v1/vaults/%zzsecret-looking',
      headers: baseHeaders(w.alice.owner.token),
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(Problem.parse(JSON.parse(res.text)).code).toBe('bad_request');
    expect(res.text).not.toContain('secret-looking');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('HTTP that does not parse', () => {
  const token = () => w.alice.owner.token;
  const cases = () => [
    [
      'duplicate Content-Length',
      `POST /v1/vaults HTTP/1.1\r\n${head(token(), 'content-type: application/json\r\ncontent-length: 2\r\ncontent-length: 3\r\n')}\r\n{}`,
    ],
    [
      'Content-Length with chunked',
      `POST /v1/vaults HTTP/1.1\r\n${head(token(), 'content-type: application/json\r\ntransfer-encoding: chunked\r\ncontent-length: 2\r\n')}\r\n2\r\n{}\r\n0\r\n\r\n`,
    ],
    [
      'a header name with a space',
      `GET /v1/vaults HTTP/1.1\r\n${head(token(), 'bad header: 1\r\n')}\r\n`,
    ],
    [
      'headers over the size limit',
      `GET /v1/vaults HTTP/1.1\r\n${head(token(), `x-pad: ${'a'.repeat(20_000)}\r\n`)}\r\n`,
    ],
    [
      'no Host header',
      `POST /v1/vaults HTTP/1.1\r\n${head(token(), 'content-type: application/json\r\ncontent-length: 2\r\n').replace('host: localhost\r\n', '')}\r\n{}`,
    ],
    [
      'a negative Content-Length',
      `POST /v1/vaults HTTP/1.1\r\n${head(token(), 'content-type: application/json\r\ncontent-length: -1\r\n')}\r\n{}`,
    ],
    [
      'an Expect other than 100-continue',
      `GET /v1/vaults HTTP/1.1\r\n${head(token(), 'expect: 200-ok\r\n')}\r\n`,
    ],
    [
      'a malformed chunk size',
      `POST /v1/vaults HTTP/1.1\r\n${head(token(), 'content-type: application/json\r\ntransfer-encoding: chunked\r\n')}\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ],
  ];

  it('answers each with a problem document, logs no request bytes, and creates nothing', async () => {
    const before = await snapshot(w);
    const logStart = t.logs.length;
    for (const [name, request] of cases()) {
      const res = await rawExchange(t, [request as string]);
      expect(res.status, name).toBe(400);
      expect(res.text, name).toContain('application/problem+json');
      expect(Problem.parse(res.json).code, name).toBe('bad_request');
    }
    expect(await snapshot(w)).toBe(before);
    const logs = t.logs.slice(logStart).join('\n');
    expect(logs).toContain('client error');
    expect(logs).not.toContain(token());
    expect(logs).not.toMatch(/rawPacket|authorization/i);
  });
});

describe('bodies cut off mid-upload', () => {
  const chunkPath = () => `/v1/vaults/${w.alice.vaultId}/blobs/${w.alice.uploadId}/chunks?offset=4`;

  it('stores nothing of a truncated chunk, chunked or with a Content-Length, and the upload resumes', async () => {
    const before = await snapshot(w);
    const octets = 'content-type: application/octet-stream\r\n';
    await rawExchange(t, [
      `PUT ${chunkPath()} HTTP/1.1\r\n${head(w.alice.owner.token, `${octets}transfer-encoding: chunked\r\n`)}\r\n2\r\nab\r\n`,
    ]);
    await rawExchange(t, [
      `PUT ${chunkPath()} HTTP/1.1\r\n${head(w.alice.owner.token, `${octets}content-length: 4\r\n`)}\r\nab`,
    ]);
    const pushPath = `/v1/vaults/${w.alice.vaultId}/push`;
    await rawExchange(t, [
      `POST ${pushPath} HTTP/1.1\r\n${head(w.alice.owner.token, 'content-type: application/json\r\ncontent-length: 1000\r\n')}\r\n{"mutations":[`,
    ]);
    expect(await snapshot(w)).toBe(before);

    // The upload still resumes at 4 and completes with exactly the bytes sent.
    const rest = randomBytes(4);
    const api = w.alice.owner.api;
    const put = await api.call('PUT', chunkPath(), {
      raw: rest,
      contentType: 'application/octet-stream',
    });
    expect(put.body).toMatchObject({ received: 8 });
    const blob = `/v1/vaults/${w.alice.vaultId}/blobs/${w.alice.uploadId}`;
    expect((await api.post(`${blob}/complete`)).body).toMatchObject({ complete: true });
    const tail = await sendRaw(t.dispatcher, t.url, {
      method: 'GET',
      path: `${blob}/content`,
      headers: { ...baseHeaders(w.alice.owner.token), range: 'bytes=4-7' },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe('bytes 4-7/8');
    expect(tail.headers['content-length']).toBe('4');
  });
});

describe('bodies without a Content-Length', () => {
  it('counts a chunked body against the limit as it arrives', async () => {
    const before = await snapshot(w);
    const over = 256 * 1024 + 1;
    const res = await rawExchange(t, [
      `POST /v1/vaults HTTP/1.1\r\n${head(w.alice.owner.token, 'content-type: application/json\r\ntransfer-encoding: chunked\r\n')}\r\n`,
      `${over.toString(16)}\r\n${' '.repeat(over - 2)}{}\r\n0\r\n\r\n`,
    ]);
    expect(res.status).toBe(413);
    expect(Problem.parse(res.json).code).toBe('payload_too_large');
    expect(await snapshot(w)).toBe(before);
  });
});

describe('blob ranges', () => {
  it('answers malformed and unsatisfiable ranges with 416 and the size, and serves good ones', async () => {
    const content = `/v1/vaults/${w.alice.vaultId}/blobs/${w.alice.blobId}/content`;
    const ask = (range: string | string[]) =>
      sendRaw(t.dispatcher, t.url, {
        method: 'GET',
        path: content,
        headers: { ...baseHeaders(w.alice.owner.token), range },
      });
    for (const range of [
      'bytes=abc',
      'bytes=5-1',
      'bytes=0-1,2-3',
      'items=0-1',
      'bytes=16-',
      'bytes=99999999999999999999-',
      'bytes=-0',
      'bytes=-',
      'bytes=--1',
      'bytes=1-2-3',
      'bytes=0x1-2',
      '',
      ['bytes=0-1', 'bytes=2-3'],
    ]) {
      const res = await ask(range);
      const label = JSON.stringify(range);
      expect(res.status, label).toBe(416);
      expect(Problem.parse(JSON.parse(res.text)).code, label).toBe('range_not_satisfiable');
      expect(res.headers['content-range'], label).toBe('bytes */16');
    }
    const last = await ask('bytes=15-99');
    expect(last.status).toBe(206);
    expect(last.headers['content-range']).toBe('bytes 15-15/16');
  });
});

describe('the log stream', () => {
  it('censors query parameters that are not the API own, where a careless client may put a token', async () => {
    const token = w.alice.owner.token;
    const start = t.logs.length;
    const path = `/v1/vaults/${w.alice.vaultId}/changes?cursor=0&access_token=${token}&${token}`;
    const res = await sendRaw(t.dispatcher, t.url, {
      method: 'GET',
      path,
      headers: baseHeaders(token),
    });
    expect(res.status).toBe(400);
    await vi.waitUntil(() => t.logs.slice(start).some((l) => l.includes('request completed')));
    const line = t.logs.slice(start).find((l) => l.includes('request completed')) ?? '';
    expect(line).not.toContain(token);
    expect(JSON.parse(line).req.url).toBe(
      `/v1/vaults/${w.alice.vaultId}/changes?cursor=0&[redacted]&[redacted]`,
    );
  });

  it('holds no token and no error line after all of the above', () => {
    const logs = t.logs.join('\n');
    for (const token of w.allTokens) expect(logs).not.toContain(token);
    const errors = t.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
