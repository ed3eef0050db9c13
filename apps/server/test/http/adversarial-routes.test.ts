/**
 * Every route of the published OpenAPI document, walked with a catalogue of
 * bad requests (test/support/bad-requests.ts): each must be answered with
 * problem+json and the one stable `code` the case names, never a 5xx or a
 * stack trace, and must change nothing any tenant can see. Another tenant's
 * ids get the same answer as ids of nothing. The log stream never carries a
 * token or an envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CODES, Problem, type ProblemCode } from '../../src/protocol.ts';
import { newHexId } from '../support/accounts.ts';
import { buildWorld, snapshot, type World } from '../support/adversary-world.ts';
import { badRequests } from '../support/bad-requests.ts';
import {
  baseHeaders,
  fill,
  goodParams,
  type OpenApiDocument,
  plainBody,
  type Route,
  routesOf,
} from '../support/openapi-routes.ts';
import { type RawAnswer, sendRaw } from '../support/send-raw.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const CHUNK_LIMIT = 64 * 1024;

let t: TestServer;
let w: World;
let routes: Route[];

beforeAll(async () => {
  t = await startTestServer({
    keepAlive: true,
    logLevel: 'trace',
    overrides: { limits: { maxBlobChunkBytes: CHUNK_LIMIT } },
  });
  w = await buildWorld(t);
  routes = routesOf(JSON.parse((await t.api().get('/openapi.json')).text) as OpenApiDocument);
});
afterAll(async () => {
  await t?.close();
});

/** What is wrong with an answer to a bad request, or null. */
function judge(answer: RawAnswer, expected: ProblemCode, issue?: string): string | null {
  const type = String(answer.headers['content-type'] ?? '');
  let code = '(none)';
  let issues: Array<{ path: string }> = [];
  try {
    const problem = Problem.parse(JSON.parse(answer.text));
    code = problem.code;
    issues = problem.issues ?? [];
    if (problem.status !== answer.status)
      return `status ${answer.status}, document ${problem.status}`;
  } catch {
    return `${answer.status} ${type}: not a problem document: ${answer.text.slice(0, 120)}`;
  }
  if (!type.startsWith('application/problem+json')) return `content-type ${type}`;
  if (answer.status !== PROBLEM_CODES[expected] || code !== expected)
    return `${answer.status} ${code}, expected ${PROBLEM_CODES[expected]} ${expected}`;
  if (/\bat .+:\d+:\d+|node_modules|SQLITE|stack/i.test(answer.text)) return 'leaks internals';
  if (issue !== undefined && !issues.some((i) => i.path.split('.')[0] === issue))
    return `no issue at ${issue}: ${JSON.stringify(issues)}`;
  return null;
}

/** A problem must not quote a token or the (padded) body it refused. */
function echoes(answer: RawAnswer): boolean {
  return (
    w.allTokens.some((token) => answer.text.includes(token)) ||
    answer.text.includes('aaaaaaaaaaaaaaaa')
  );
}

const EXPECTED_ROUTES = 37;

describe('every route of the OpenAPI document', () => {
  it('is covered, the web app and docs aside', () => {
    expect(routes).toHaveLength(EXPECTED_ROUTES);
    expect(routes.filter((r) => r.secured)).toHaveLength(27);
    const push = routes.find((r) => r.path.endsWith('/push'));
    expect(push?.bodyProperties).toEqual({ mutations: 'array', atomic: 'boolean' });
  });

  it('answers every bad request with the stable problem code and changes nothing', async () => {
    const failures: string[] = [];
    let before = await snapshot(w);
    let count = 0;
    for (const route of routes) {
      const requests = badRequests(route, w, CHUNK_LIMIT);
      if (requests.length === 0) continue;
      for (const request of requests) {
        count++;
        const answer = await sendRaw(t.dispatcher, t.url, request);
        const problem = judge(answer, request.expect, request.issue);
        if (problem) failures.push(`${route.method} ${route.path} [${request.name}]: ${problem}`);
        if (echoes(answer))
          failures.push(`${route.method} ${route.path} [${request.name}]: echoes input`);
      }
      // A GET has no effect to look for; the next check would still see one.
      if (route.method === 'GET') continue;
      const after = await snapshot(w);
      if (after !== before) failures.push(`${route.method} ${route.path}: state changed`);
      before = after;
    }
    if ((await snapshot(w)) !== before) failures.push('state changed by a GET');
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(1000);
  });

  it("answers another tenant's ids exactly as ids of nothing", async () => {
    const failures: string[] = [];
    const mine = goodParams(w);
    // Each swap: whose request, and which of their parameters names the other tenant's thing.
    const swaps: Array<{ param: string; token: string; theirs: string }> = [
      { param: 'vaultId', token: w.mallory.owner.token, theirs: w.alice.vaultId },
      { param: 'vaultId', token: w.alice.owner.token, theirs: w.mallory.vaultId },
      { param: 'blobId', token: w.alice.owner.token, theirs: w.mallory.blobId },
      { param: 'blobId', token: w.alice.owner.token, theirs: w.mallory.uploadId },
      { param: 'accountId', token: w.alice.owner.token, theirs: w.mallory.owner.accountId },
      { param: 'sessionId', token: w.alice.owner.token, theirs: w.mallory.owner.sessionId },
    ];
    const before = await snapshot(w);
    for (const route of routes.filter((r) => r.secured)) {
      for (const swap of swaps.filter((s) => route.params.includes(s.param))) {
        const own = swap.param === 'vaultId' && swap.token === w.mallory.owner.token;
        const params = own ? { ...mine, vaultId: w.mallory.vaultId } : { ...mine };
        const body = plainBody(route);
        const ask = (value: string) =>
          sendRaw(t.dispatcher, t.url, {
            method: route.method,
            path: fill(route.path, { ...params, [swap.param]: value }),
            headers: { ...baseHeaders(swap.token), ...(body ? { 'content-type': body.type } : {}) },
            ...(body ? { body: body.body } : {}),
          });
        const theirs = await ask(swap.theirs);
        const nothing = await ask(newHexId());
        const label = `${route.method} ${route.path} with another tenant's ${swap.param}`;
        if (theirs.status !== 404) failures.push(`${label}: ${theirs.status} ${theirs.text}`);
        if (theirs.text !== nothing.text || theirs.status !== nothing.status)
          failures.push(`${label}: ${theirs.text} differs from ${nothing.text}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(w)).toBe(before);
  });

  it('never logs a token, an envelope or a raw request, and never fails internally', () => {
    const logs = t.logs.join('\n');
    for (const token of w.allTokens) expect(logs).not.toContain(token);
    for (const envelope of w.allEnvelopes) expect(logs).not.toContain(envelope.slice(5, 60));
    expect(logs).not.toMatch(/authorization|rawPacket/i);
    const errors = t.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
