/**
 * A catalogue of bad requests, generated for one route of the OpenAPI
 * document: broken protocol headers, dead credentials, ids of another tenant
 * or in the wrong format, roles too low, malformed and wrongly typed bodies,
 * bodies just over the route's limit, and bad query numbers. Each case
 * differs from a well-formed request in one thing and names the one problem
 * `code` it must be answered with.
 */
import { randomBytes } from 'node:crypto';
import type { ProblemCode } from '../../src/protocol.ts';
import type { TestUser } from './accounts.ts';
import type { World } from './adversary-world.ts';
import {
  baseHeaders,
  bodyLimitOf,
  fill,
  jsonOfSize,
  neededRole,
  paramsFor,
  plainBody,
  type Route,
} from './openapi-routes.ts';

/** A value of the wrong JSON type for a property declared as `type`. */
const WRONG_TYPE: Record<string, unknown> = {
  string: 12345,
  integer: '1',
  number: '1',
  boolean: 'true',
  array: { 0: 'x' },
  object: ['x'],
};

export interface BadRequest {
  name: string;
  method: string;
  path: string;
  /** Header values; an array sends the header several times; null leaves it out. */
  headers: Record<string, string | string[] | null>;
  body?: string | Buffer;
  expect: ProblemCode;
  /** For `validation_failed`: a path the problem's issues must name. */
  issue?: string;
}

/**
 * Every bad request for one route, as `who` (alice, the owner, unless the
 * case is about another caller).
 */
export function badRequests(route: Route, w: World, chunkLimit: number): BadRequest[] {
  const cases: BadRequest[] = [];
  const params = paramsFor(route, w);
  const path = fill(route.path, params);
  const query = route.query.includes('offset') ? '?offset=4' : '';
  const plain = plainBody(route);
  const add = (
    name: string,
    expect: ProblemCode,
    change: {
      path?: string;
      as?: TestUser | string;
      headers?: Record<string, string | string[] | null>;
      body?: string | Buffer;
      type?: string;
      issue?: string;
    } = {},
  ): void => {
    const token = typeof change.as === 'string' ? change.as : (change.as ?? w.alice.owner).token;
    const headers = { ...baseHeaders(route.secured ? token : undefined), ...change.headers };
    const body = change.body ?? plain?.body;
    const type = change.type ?? plain?.type;
    if (body !== undefined && type !== undefined && !('content-type' in (change.headers ?? {})))
      headers['content-type'] = type;
    cases.push({
      name,
      method: route.method,
      path: change.path ?? `${path}${query}`,
      headers,
      ...(body === undefined ? {} : { body }),
      expect,
      ...(change.issue === undefined ? {} : { issue: change.issue }),
    });
  };

  if (route.path.startsWith('/v1/')) {
    const isMeta = route.path === '/v1/meta';
    if (!isMeta)
      add('no Coffer-Protocol', 'version_not_supported', { headers: { 'coffer-protocol': null } });
    for (const version of ['0', '2', '1.0', '']) {
      add(`Coffer-Protocol ${JSON.stringify(version)}`, 'version_not_supported', {
        headers: { 'coffer-protocol': version },
      });
    }
    add('Coffer-Protocol sent twice', 'version_not_supported', {
      headers: { 'coffer-protocol': ['1', '1'] },
    });
    for (const client of ['no-slash', 'café/1.0', 'a/1 b/2']) {
      add(`Coffer-Client ${JSON.stringify(client)}`, 'bad_request', {
        headers: { 'coffer-client': client },
      });
    }
    add('Coffer-Client sent twice', 'bad_request', {
      headers: { 'coffer-client': ['a/1.0', 'b/2.0'] },
    });
    if (!isMeta) add('no Coffer-Client', 'bad_request', { headers: { 'coffer-client': null } });
  }

  if (route.secured) {
    const forged = randomBytes(32).toString('base64url');
    const live = w.alice.owner.token;
    for (const [name, value] of [
      ['no Authorization', null],
      ['Bearer without token', 'Bearer'],
      ['Basic credentials', `Basic ${Buffer.from('alice:pw').toString('base64')}`],
      ['forged token', `Bearer ${forged}`],
      ['truncated token', `Bearer ${live.slice(0, 42)}`],
      ['token with a suffix', `Bearer ${live}x`],
      ['token and junk', `Bearer ${live} ${live}`],
      ['revoked session', `Bearer ${w.dead.revoked}`],
      ['expired session', `Bearer ${w.dead.expired}`],
      ['deleted account', `Bearer ${w.dead.deletedAccount}`],
      ['token in the wrong scheme', `Token ${live}`],
    ] as const) {
      add(name, 'unauthorized', { headers: { authorization: value } });
    }
    add('a dead token first, a live one second', 'unauthorized', {
      headers: { authorization: [`Bearer ${w.dead.revoked}`, `Bearer ${live}`] },
    });
  }

  // Ids in the wrong format, or of nothing: the same 404 as any missing thing.
  for (const param of route.params) {
    const wrong = [
      ['upper-case hex', params[param]?.toUpperCase() ?? 'X'],
      ['31 hex digits', '0'.repeat(31)],
      ['33 hex digits', '0'.repeat(33)],
      ['not hex', 'z'.repeat(32)],
      ['unicode', encodeURIComponent('é'.repeat(16))],
      ['NUL', '%00'],
      ['dot-dot', '..'],
      ['encoded slash', `${params[param]?.slice(0, 16)}%2F${params[param]?.slice(16)}`],
      ['129 characters', 'a'.repeat(129)],
      ['random id', randomBytes(16).toString('hex')],
    ];
    for (const [name, value] of wrong) {
      if (param === 'username' && name === 'upper-case hex') continue;
      add(`${param}: ${name}`, 'not_found', {
        path: `${fill(route.path, { ...params, [param]: value ?? '' })}${query}`,
      });
    }
    add(`${param}: bad percent-encoding`, 'bad_request', {
      path: `${fill(route.path, { ...params, [param]: '%zz' })}${query}`,
    });
  }

  // Members below the route's role; a removed member is a stranger.
  if (route.params.includes('vaultId')) {
    add('removed member', 'not_found', { as: w.removed });
    const role = neededRole(route);
    if (role !== 'reader') add('a reader', 'forbidden', { as: w.reader });
    if (role === 'admin') add('a writer', 'forbidden', { as: w.writer });
  }

  if (route.body === 'application/json') {
    for (const [name, raw, code] of [
      ['truncated JSON', '{"grants":[{"accountId":', 'bad_request'],
      ['not JSON', "{'single': 'quotes'}", 'bad_request'],
      ['empty body', '', 'bad_request'],
      ['JSON null', 'null', 'validation_failed'],
      ['JSON array', '[]', 'validation_failed'],
      ['JSON string', '"x"', 'validation_failed'],
      ['JSON number', '42', 'validation_failed'],
      ['JSON true', 'true', 'validation_failed'],
      ['unknown field', '{"unexpected":1}', 'validation_failed'],
      ['prototype poisoning', '{"__proto__":{"role":"owner"}}', 'bad_request'],
      ['constructor poisoning', '{"constructor":{"prototype":{"x":1}}}', 'bad_request'],
      ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'validation_failed'],
      ['lone surrogate', '{"username":"\\ud800abc"}', 'validation_failed'],
    ] as const) {
      add(name, code, { body: raw });
    }
    for (const [property, type] of Object.entries(route.bodyProperties)) {
      const wrong = WRONG_TYPE[type ?? ''] ?? null;
      add(`${property}: wrong type`, 'validation_failed', {
        body: JSON.stringify({ [property]: wrong }),
        issue: property,
      });
    }
    add('form body', 'unsupported_media_type', {
      body: 'role=owner',
      type: 'application/x-www-form-urlencoded',
    });
    add('XML body', 'unsupported_media_type', { body: '<a/>', type: 'application/xml' });
    // Bytes and text are not read as JSON (only the chunk route takes bytes).
    add('octet-stream body', 'unsupported_media_type', {
      body: Buffer.from('{}'),
      type: 'application/octet-stream',
    });
    add('text/plain body', 'unsupported_media_type', { body: '{}', type: 'text/plain' });
    // Read as UTF-8, like every JSON body: not JSON.
    add('JSON in UTF-16', 'bad_request', {
      body: Buffer.from('{}', 'utf16le'),
      type: 'application/json; charset=utf-16',
    });
  }
  if (route.body === 'application/octet-stream') {
    add('JSON instead of bytes', 'unsupported_media_type', {
      body: '{}',
      type: 'application/json',
    });
    add('empty chunk', 'bad_request', { body: Buffer.alloc(0) });
  }
  if (route.body !== undefined) {
    const limit = bodyLimitOf(route, chunkLimit);
    const over = route.body === 'application/json' ? jsonOfSize(limit + 1) : randomBytes(limit + 1);
    add(`body of ${limit + 1} bytes (limit + 1)`, 'payload_too_large', { body: over });
  }

  for (const q of route.query) {
    const bad =
      q === 'resync'
        ? ['resync=0', 'resync=true', 'resync=1&resync=1']
        : [
            `${q}=-1`,
            `${q}=abc`,
            `${q}=1.5`,
            `${q}=1e400`,
            `${q}=9007199254740993`,
            `${q}=99999999999999999999999999`,
            `${q}=1&${q}=2`,
            ...(q === 'limit' ? ['limit=0', 'limit=1001'] : []),
            ...(q === 'offset' ? [''] : []),
            // Numbers that only a lenient Number() reads, at a value the
            // route would otherwise accept (the world's uploads are at 4).
            ...lenientNumbers(q, q === 'offset' ? 4 : q === 'limit' ? 16 : 0),
          ];
    for (const text of bad) {
      add(`query ${JSON.stringify(text)}`, 'validation_failed', {
        path: `${path}?${text}`,
      });
    }
  }
  if (route.query.length > 0) {
    add('unknown query parameter', 'validation_failed', {
      path: `${path}${query ? `${query}&` : '?'}sneaky=1`,
    });
  }
  return cases;
}

/** `q=` empty, hex, exponent, padded, signed and fractional spellings of `n`. */
function lenientNumbers(q: string, n: number): string[] {
  return [
    `${q}=`,
    `${q}=0x${n.toString(16)}`,
    `${q}=${n}e0`,
    `${q}=%20${n}`,
    `${q}=%2B${n}`,
    `${q}=${n}.0`,
  ];
}
