import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { ConfigSchema } from '../../src/config/options.ts';
import { ROUTES } from '../../src/protocol.ts';
import { createUser, createVault, newHexId, newRecordPush } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let webRoot: string;
beforeAll(async () => {
  // The secret sits next to the web root: what a `..` in a path would reach.
  const parent = tempDirSync('coffer-web-');
  webRoot = join(parent, 'web');
  mkdirSync(join(webRoot, 'assets'), { recursive: true });
  writeFileSync(
    join(webRoot, 'index.html'),
    '<!doctype html><title>Coffer</title><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(parent, 'coffer-outside-secret.txt'), 'outside');
  t = await startTestServer({ config: { webRoot } });
});
afterAll(async () => {
  await t?.close();
});

describe('operations', () => {
  it('healthz and readyz', async () => {
    expect((await t.api().get('/healthz', { noProtocolHeaders: true })).text).toBe('ok\n');
    expect((await t.api().get('/readyz', { noProtocolHeaders: true })).status).toBe(200);
  });

  it('metrics count requests by route pattern and records pushed and pulled', async () => {
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    await alice.api.post(`/v1/vaults/${vaultId}/push`, await newRecordPush(vaultId, recordId));
    await alice.api.get(`/v1/vaults/${vaultId}/changes`);
    const metrics = (await t.api().get('/metrics', { noProtocolHeaders: true })).text;
    expect(metrics).toMatch(
      /coffer_http_requests_total\{method="POST",route="\/v1\/vaults\/:vaultId\/push",status="200"\} 1/,
    );
    expect(metrics).toContain(
      'coffer_http_request_duration_seconds_bucket{method="GET",route="/v1/vaults/:vaultId/changes",le="+Inf"} 1',
    );
    expect(metrics).toContain('coffer_records_pushed_total 1');
    expect(metrics).toContain('coffer_records_pulled_total 1');
    expect(metrics).not.toContain(vaultId);
  });

  it('serves an OpenAPI document generated from the wire schemas, covering every route', async () => {
    const res = await t.api().get('/openapi.json', { noProtocolHeaders: true });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of ROUTES)
      expect(res.body.paths[route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
    const push = res.body.components.schemas.PushRequest;
    expect(push.additionalProperties).toBe(false);
    expect(res.body.components.schemas.Problem.properties.code).toBeDefined();
  });

  it('serves a CSP-safe API page (no inline script or style)', async () => {
    const res = await t.api().get('/docs', { noProtocolHeaders: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.text).toContain('/v1/vaults/{vaultId}/push');
    expect(res.text).not.toMatch(/<script|<style|style=/);
  });

  it('serves the web app with a strict CSP, falls back to index.html and never leaves the root', async () => {
    const index = await t.api().get('/', { noProtocolHeaders: true });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // 'wasm-unsafe-eval' (WebAssembly compilation, for Argon2id) is allowed; JS eval is not.
    expect(csp).not.toContain("'unsafe-eval'");
    expect((await t.api().get('/assets/app.js', { noProtocolHeaders: true })).text).toBe(
      'console.log(1)',
    );
    expect((await t.api().get('/vaults/some/route', { noProtocolHeaders: true })).text).toContain(
      '<title>Coffer',
    );
    expect((await t.api().get('/assets/missing.js', { noProtocolHeaders: true })).status).toBe(404);
    for (const path of [
      '/../coffer-outside-secret.txt',
      '/%2e%2e/coffer-outside-secret.txt',
      '/assets/..%2f..%2fcoffer-outside-secret.txt',
    ]) {
      const res = await t.api().get(path, { noProtocolHeaders: true });
      expect(res.text).not.toContain('outside');
    }
  });
});

describe('who may read /metrics', () => {
  const from = (address: string) => ({
    noProtocolHeaders: true,
    headers: { 'x-forwarded-for': address },
  });

  it('without a token: loopback clients only (the client address behind a trusted proxy counts)', async () => {
    const proxied = await startTestServer({ config: { trustProxy: true } });
    try {
      expect((await proxied.api().get('/metrics', from('127.0.0.1'))).status).toBe(200);
      expect((await proxied.api().get('/metrics', from('::1'))).status).toBe(200);
      // The client wrote the first entry itself; the proxy appended the real address.
      const spoofed = await proxied.api().get('/metrics', from('127.0.0.1, 203.0.113.7'));
      expect(spoofed.status).toBe(403);
      const outside = await proxied.api().get('/metrics', from('203.0.113.7'));
      expect(outside.status).toBe(403);
      expect(outside.body).toMatchObject({ code: 'forbidden' });
      expect(outside.text).toContain('--metrics-token');
      expect(outside.text).not.toContain('coffer_http_requests_total');
    } finally {
      await proxied.close();
    }
  });

  it('with --metrics-token: the bearer token, from anywhere, and nothing else', async () => {
    const token = 'metrics-token-0123456789abcdefghijklmnop';
    const guarded = await startTestServer({ config: { trustProxy: true, metricsToken: token } });
    try {
      const scrape = (address: string, authorization?: string) =>
        guarded.api().get('/metrics', {
          noProtocolHeaders: true,
          headers: {
            'x-forwarded-for': address,
            ...(authorization === undefined ? {} : { authorization }),
          },
        });
      const ok = await scrape('203.0.113.7', `Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('coffer_http_requests_total');
      // A token makes no exception for loopback, and a near miss is as wrong as none.
      for (const authorization of [
        undefined,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token}x`,
        `Basic ${token}`,
        token,
      ]) {
        const refused = await scrape('127.0.0.1', authorization);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ code: 'unauthorized' });
      }
      expect(guarded.logs.join('\n')).not.toContain(token);
    } finally {
      await guarded.close();
    }
  });

  it('refuses a token too short to be a secret, without echoing it', () => {
    const parsed = ConfigSchema.safeParse({ dataDir: '/tmp/x', metricsToken: 'short-secret' });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('short-secret');
  });
});
