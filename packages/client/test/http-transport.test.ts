import type { IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:https';
import {
  decodeArmor,
  encodeBinaryPullPage,
  PROTOCOL_VERSION,
  PULL_PAGE_BINARY_TYPE,
} from '@coffer/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createNodeClient } from '../src/node.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { inThreadOpener } from '../src/sync/record-opener.ts';
import {
  CofferClientError,
  InvalidResponseError,
  NetworkError,
  ServerProblemError,
  VersionNotSupportedError,
} from '../src/transport/errors.ts';
import { HttpTransport } from '../src/transport/http-transport.ts';
import {
  createTlsFetch,
  createTlsHttp,
  normalizeFingerprint,
  TlsPinMismatchError,
} from '../src/transport/node-tls.ts';
import type { TextRequest } from '../src/transport/text-request.ts';
import { checkServerUrl } from '../src/transport/url.ts';
import { makeSelfSigned, type SelfSigned, startHttps } from './tls-fixture.ts';

const meta = {
  server: { name: 'coffer-server', version: '0.1.0' },
  protocol: { current: 1, min: 1, accepted: [1] },
  envelope: { versions: [1], suites: [{ id: 1, name: 'COFFER-A256' }] },
  limits: {
    maxBodyBytes: 1_000_000,
    maxRecordEnvelopeChars: 350_000,
    maxKeyEnvelopeChars: 65_536,
    maxPushBatch: 500,
    maxPullLimit: 1_000,
    maxBlobChunkBytes: 1_048_576,
    maxBlobBytes: 1_000_000_000,
    accountQuotaBytes: 10_000_000_000,
  },
};

const page = {
  changes: [
    {
      seq: 5,
      recordId: 'ab'.repeat(16),
      revision: 2,
      epoch: 1,
      envelope: 'cfr1.AAAA',
      deleted: false,
      authorId: 'cd'.repeat(16),
    },
  ],
  nextCursor: 5,
  hasMore: false,
};

/** The same page as the binary pull page, and what a client reads from it. */
const binaryPage = encodeBinaryPullPage(
  page.changes.map((c) => ({ ...c, envelope: decodeArmor(c.envelope) })),
  page.nextCursor,
  page.hasMore,
);
const pageWithBytes = {
  ...page,
  changes: page.changes.map((c) => ({ ...c, envelope: decodeArmor(c.envelope) })),
};

let tls: SelfSigned;
let server: Server;
let url: string;
let lastHeaders: IncomingHttpHeaders = {};

beforeAll(async () => {
  tls = makeSelfSigned();
  ({ server, url } = await startHttps(tls, (req, res) => {
    lastHeaders = req.headers;
    const send = (status: number, type: string, body: unknown) => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body));
    };
    const asksBinary = String(req.headers.accept).includes(PULL_PAGE_BINARY_TYPE);
    if (req.headers['coffer-protocol'] !== String(PROTOCOL_VERSION)) {
      return send(426, 'application/problem+json', {
        type: 'urn:coffer:problem:version_not_supported',
        title: 'Protocol version not supported',
        status: 426,
        code: 'version_not_supported',
        protocol: { min: 1, max: 1 },
      });
    }
    if (req.url === '/v1/meta') return send(200, 'application/json', meta);
    if (req.url === '/v1/vaults')
      return send(200, 'application/json', { vaults: [{ vaultId: 'nope' }] });
    if (req.url === '/v1/sessions') {
      return send(401, 'application/problem+json', {
        type: 'urn:coffer:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        code: 'unauthorized',
      });
    }
    if (req.url === '/v1/account') return send(503, 'text/plain', 'down');
    if (req.url?.startsWith('/v1/vaults/aa/changes?')) return send(200, 'application/json', page);
    if (req.url?.startsWith('/v1/vaults/bb/changes?')) {
      return send(410, 'application/problem+json', {
        type: 'urn:coffer:problem:resync_required',
        title: 'Resync required',
        status: 410,
        code: 'resync_required',
      });
    }
    if (req.url?.startsWith('/v1/vaults/cc/changes?')) return send(200, 'application/json', '{"x');
    // A server that knows the binary page: binary when asked, else JSON.
    if (req.url?.startsWith('/v1/vaults/b1/changes?')) {
      return asksBinary
        ? send(200, PULL_PAGE_BINARY_TYPE, binaryPage)
        : send(200, 'application/json', page);
    }
    if (req.url?.startsWith('/v1/vaults/b2/changes?')) {
      return send(200, PULL_PAGE_BINARY_TYPE, binaryPage.subarray(0, binaryPage.length - 1));
    }
    // Binary whatever was asked (a broken server).
    if (req.url?.startsWith('/v1/vaults/b3/changes?')) {
      return send(200, PULL_PAGE_BINARY_TYPE, binaryPage);
    }
    send(404, 'text/plain', 'no');
  }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const transport = (over: { pin?: string; protocolVersion?: number; ca?: boolean } = {}) =>
  new HttpTransport({
    serverUrl: url,
    clientName: 'test-app',
    clientVersion: '1.2.3',
    fetch: createTlsFetch(over.ca ? { caPem: tls.certPem } : { pinSha256: over.pin ?? tls.sha256 }),
    ...(over.protocolVersion ? { protocolVersion: over.protocolVersion } : {}),
  });

describe('HttpTransport over HTTPS', () => {
  it('sends Coffer-Protocol, Coffer-Client and the token, and parses /v1/meta', async () => {
    const t = transport();
    t.setToken('secret-token');
    const answer = await t.getMeta();
    expect(answer.protocol.accepted).toEqual([1]);
    expect(lastHeaders['coffer-protocol']).toBe(String(PROTOCOL_VERSION));
    expect(lastHeaders['coffer-client']).toBe('test-app/1.2.3');
    // /v1/meta is unauthenticated: the token is not sent where it is not needed.
    expect(lastHeaders.authorization).toBeUndefined();
    await expect(t.listSessions()).rejects.toThrow(ServerProblemError);
    expect(lastHeaders.authorization).toBe('Bearer secret-token');
  });

  it('a server that accepts the request and never answers: a NetworkError after the answer timeout', async () => {
    const silent = await startHttps(tls, () => {});
    try {
      const t = new HttpTransport({
        serverUrl: silent.url,
        clientName: 'test-app',
        clientVersion: '1.2.3',
        fetch: createTlsFetch({ pinSha256: tls.sha256, answerTimeoutMs: 300 }),
      });
      const error = await t.getMeta().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      // The request reached the server: it may have been acted on.
      expect(error).toMatchObject({ unsent: false });
    } finally {
      silent.server.closeAllConnections();
      await new Promise<void>((resolve) => silent.server.close(() => resolve()));
    }
  });

  it('trusts a CA PEM (the self-signed certificate) with hostname checks', async () => {
    expect((await transport({ ca: true }).getMeta()).server.name).toBe('coffer-server');
  });

  it('refuses a server whose certificate does not match the pin', async () => {
    const error = await transport({ pin: 'ab'.repeat(32) })
      .getMeta()
      .catch((e) => e);
    // The typed error itself: the server was reached, and may be an impostor.
    expect(error).toBeInstanceOf(TlsPinMismatchError);
    expect(error).not.toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'tls_pin_mismatch' });
    expect(error.message).toMatch(/does not match the pinned SHA-256 fingerprint/);
  });

  it("createClient from '@coffer/client/node' with a wrong pin: handshake rejects with TlsPinMismatchError", async () => {
    const client = createNodeClient({
      serverUrl: url,
      store: new MemoryStore(),
      clientName: 'test-app',
      clientVersion: '1.2.3',
      tls: { pinSha256: 'ab'.repeat(32) },
      opener: inThreadOpener,
    });
    await expect(client.handshake()).rejects.toThrow(TlsPinMismatchError);
    await client.close();
  });

  it('refuses an unpinned self-signed certificate with the system roots', async () => {
    const t = new HttpTransport({ serverUrl: url, clientName: 'a', clientVersion: '1' });
    await expect(t.getMeta()).rejects.toThrow(NetworkError);
  });

  it('maps 426 to VersionNotSupportedError saying what to upgrade', async () => {
    const error = await transport({ protocolVersion: PROTOCOL_VERSION + 1 })
      .getMeta()
      .catch((e) => e);
    expect(error).toBeInstanceOf(VersionNotSupportedError);
    expect(error.code).toBe('version_not_supported');
    expect(error.upgrade).toBe('server');
    expect(error.message).toContain('upgrade coffer-server');
  });

  it('maps problems to typed errors with stable codes, other errors by status', async () => {
    const t = transport();
    const problem = await t.listSessions().catch((e) => e);
    expect(problem).toMatchObject({ code: 'unauthorized', status: 401 });
    const down = await t.getAccount().catch((e) => e);
    expect(down).toBeInstanceOf(ServerProblemError);
    expect(down).toMatchObject({ code: 'unavailable', status: 503 });
  });

  it('rejects an answer that does not match the wire schema', async () => {
    await expect(transport().listVaults()).rejects.toThrow(InvalidResponseError);
  });
});

describe('pull pages through the text request (Node)', () => {
  const pulling = (pin = tls.sha256, binaryPulls = true) => {
    const { fetch, request } = createTlsHttp({ pinSha256: pin });
    const t = new HttpTransport({
      serverUrl: url,
      clientName: 'test-app',
      clientVersion: '1.2.3',
      fetch,
      request,
      binaryPulls,
    });
    t.setToken('secret-token');
    return t;
  };

  it('sends the same headers and parses the page with the wire schema', async () => {
    expect(await pulling().pull('aa', 0, 1000, { resync: true })).toEqual(page);
    expect(lastHeaders['coffer-protocol']).toBe(String(PROTOCOL_VERSION));
    expect(lastHeaders['coffer-client']).toBe('test-app/1.2.3');
    expect(lastHeaders.authorization).toBe('Bearer secret-token');
  });

  it('keeps the typed errors: problems, bad JSON, the pin', async () => {
    await expect(pulling().pull('bb', 0, 10)).rejects.toMatchObject({
      code: 'resync_required',
      status: 410,
    });
    await expect(pulling().pull('cc', 0, 10)).rejects.toThrow(InvalidResponseError);
    await expect(pulling().pull('dd', 0, 10)).rejects.toThrow(ServerProblemError);
    const error = await pulling('ab'.repeat(32))
      .pull('aa', 0, 10)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TlsPinMismatchError);
    expect(error).toMatchObject({ code: 'tls_pin_mismatch' });
  });
});

describe('binary pull pages', () => {
  const withFetch = (binaryPulls = true) =>
    new HttpTransport({
      serverUrl: url,
      clientName: 'test-app',
      clientVersion: '1.2.3',
      fetch: createTlsFetch({ pinSha256: tls.sha256 }),
      binaryPulls,
    });
  const withRequest = (binaryPulls = true, readsBytes = true) => {
    const { fetch, request } = createTlsHttp({ pinSha256: tls.sha256 });
    // A caller's own text request that cannot hand back bytes is never sent asking for them.
    const textOnly: TextRequest = (u, init) => request(u, init);
    return new HttpTransport({
      serverUrl: url,
      clientName: 'test-app',
      clientVersion: '1.2.3',
      fetch,
      request: readsBytes ? request : textOnly,
      binaryPulls,
    });
  };

  it('asks for them and reads them, through fetch and through the text request', async () => {
    for (const t of [withFetch(), withRequest()]) {
      expect(await t.pull('b1', 0, 10)).toEqual(pageWithBytes);
      expect(lastHeaders.accept).toContain(PULL_PAGE_BINARY_TYPE);
      expect(lastHeaders.accept).toContain('application/json');
    }
  });

  it('reads JSON from a server that answers JSON (an older server)', async () => {
    expect(await withFetch().pull('aa', 0, 10)).toEqual(page);
    expect(await withRequest().pull('aa', 0, 10)).toEqual(page);
  });

  it('asks for JSON only when told to, or when its text request cannot read bytes', async () => {
    for (const t of [withFetch(false), withRequest(false), withRequest(true, false)]) {
      expect(await t.pull('b1', 0, 10)).toEqual(page);
      expect(lastHeaders.accept).not.toContain(PULL_PAGE_BINARY_TYPE);
    }
  });

  it('refuses a broken binary page, and one that was not asked for, with a typed error', async () => {
    for (const t of [withFetch(), withRequest()]) {
      await expect(t.pull('b2', 0, 10)).rejects.toThrow(InvalidResponseError);
    }
    for (const t of [withFetch(false), withRequest(false)]) {
      await expect(t.pull('b3', 0, 10)).rejects.toThrow(InvalidResponseError);
    }
  });
});

describe('server URL and pins', () => {
  it('refuses http:// except to loopback', () => {
    expect(checkServerUrl('https://coffer.example.com/x')).toBe('https://coffer.example.com');
    expect(checkServerUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(checkServerUrl('http://localhost:1')).toBe('http://localhost:1');
    expect(checkServerUrl('http://[::1]:1')).toBe('http://[::1]:1');
    expect(() => checkServerUrl('http://coffer.example.com')).toThrow(
      expect.objectContaining({ code: 'insecure_url' }),
    );
    expect(() => checkServerUrl('http://127.0.0.1.evil.com')).toThrow(CofferClientError);
    expect(() => checkServerUrl('ftp://x')).toThrow(CofferClientError);
    expect(() => checkServerUrl('https://u:p@x')).toThrow(CofferClientError);
  });

  it('normalises fingerprints and rejects malformed ones', () => {
    expect(normalizeFingerprint(`SHA256:${'AB:'.repeat(31)}AB\n`)).toBe('ab'.repeat(32));
    expect(() => normalizeFingerprint('abc')).toThrow(CofferClientError);
  });
});
