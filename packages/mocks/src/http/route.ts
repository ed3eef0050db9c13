/**
 * One msw handler per route of the protocol's catalog. Every request goes
 * through the same pipeline: the scenario's network faults first (offline,
 * delay, 5xx), then what the server does in order (version headers, body
 * parsing, session), then the route, then the scenario's answer faults
 * (malformed bodies).
 */
import { ROUTES, type RouteSpec } from '@coffer/protocol';
import { delay, type HttpHandler, HttpResponse, http } from 'msw';
import type { MockCoffer } from '../mock-coffer.ts';
import { type ParsedBody, readBody, SMALL_BODY_BYTES } from './body.ts';
import { authenticate, type Caller, checkVersion } from './guards.ts';
import { ApiError, problemResponse, toApiError } from './problem.ts';

/** What a route handler gets. */
export interface RouteContext {
  mock: MockCoffer;
  request: Request;
  url: URL;
  params: Record<string, string>;
  body: ParsedBody;
  /** Present on routes that need a session. */
  caller: Caller;
}

/** A route of the mock: which catalog entry it serves, and how. */
export interface RouteDef {
  operationId: string;
  /** Body size limit (default: the server's 256 KiB). */
  bodyLimit?: number;
  handle: (ctx: RouteContext) => Response | Promise<Response>;
}

const METHODS = {
  GET: http.get,
  POST: http.post,
  PUT: http.put,
  PATCH: http.patch,
  DELETE: http.delete,
} as const;

/** The catalog entry of an operation (the mock serves exactly the catalog's paths and methods). */
export function specOf(operationId: string): RouteSpec {
  const spec = ROUTES.find((r) => r.operationId === operationId);
  if (!spec) throw new Error(`mock: no route ${operationId} in the protocol catalog`);
  return spec;
}

/** `/v1/vaults/{vaultId}` → `/v1/vaults/:vaultId` (msw path syntax). */
const mswPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** A 5xx as the scenario asks: problem documents from the server, plain text from a proxy. */
function serverFailure(status: number): Response {
  if (status === 500) return problemResponse(new ApiError('internal', 'internal error'));
  if (status === 503)
    return problemResponse(new ApiError('unavailable', 'the store is not reachable'));
  return new Response(status === 502 ? 'Bad Gateway' : 'Gateway Timeout', {
    status,
    headers: { 'content-type': 'text/plain' },
  });
}

/** Valid HTTP, invalid protocol: a JSON body of the wrong shape, or no JSON at all. */
function malformedAnswer(status: number, kind: 'shape' | 'not-json'): Response {
  if (kind === 'not-json') {
    return new Response('<html>oops</html>', {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }
  return HttpResponse.json({ unexpected: true, results: 'not-an-array' }, { status });
}

/** Mutation ids of a push body, read before any fault (so failed attempts are logged too). */
async function peekMutationIds(request: Request): Promise<string[] | undefined> {
  const json: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
  const mutations = (json as { mutations?: unknown } | undefined)?.mutations;
  if (!Array.isArray(mutations)) return undefined;
  return mutations.map((m) => String((m as { mutationId?: unknown }).mutationId));
}

/**
 * Run a request through the scenario and the server's checks (shared by the
 * catch-all handler, which serves unknown paths as the server does).
 */
export async function servePipeline(
  mock: MockCoffer,
  operationId: string,
  request: Request,
  run: (body: ParsedBody) => Promise<Response>,
  options: { auth: boolean; bodyLimit: number },
): Promise<Response> {
  const url = new URL(request.url);
  const entry = mock.requests.push({
    operationId,
    method: request.method,
    path: url.pathname,
    status: 'network-error',
  });
  const logged = mock.requests[entry - 1];
  if (logged && operationId === 'push') {
    const mutationIds = await peekMutationIds(request);
    if (mutationIds) logged.mutationIds = mutationIds;
  }
  const scenario = mock.scenario;
  if (scenario.take('offline', operationId)) return HttpResponse.error();
  const slow = scenario.take('delayMs', operationId);
  if (slow && slow.ms > 0) await delay(slow.ms);
  let response: Response;
  const failure = scenario.take('serverError', operationId);
  if (failure) response = serverFailure(failure.status);
  else {
    try {
      checkVersion(request, mock.protocolRange);
      const body = await readBody(request, options.bodyLimit);
      response = await run(body);
    } catch (error) {
      response = problemResponse(toApiError(error));
    }
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    const bad = response.ok && json ? scenario.take('malformed', operationId) : undefined;
    if (bad) response = malformedAnswer(response.status, bad.kind);
  }
  if (logged) logged.status = response.status;
  return response;
}

/**
 * The msw handler of one route.
 *
 * @example
 * const handler = defineRoute('https://coffer.test', mock, { operationId: 'getMeta', handle: () => HttpResponse.json(meta) });
 */
export function defineRoute(baseUrl: string, mock: MockCoffer, def: RouteDef): HttpHandler {
  const spec = specOf(def.operationId);
  const bodyLimit = def.bodyLimit ?? SMALL_BODY_BYTES;
  return METHODS[spec.method](`${baseUrl}${mswPath(spec.path)}`, ({ request, params }) =>
    servePipeline(
      mock,
      def.operationId,
      request,
      async (body) => {
        // Session before the handler, after body parsing: the server's preHandler order.
        const caller = spec.auth
          ? authenticate(mock.db, request)
          : { accountId: '', sessionId: '' };
        const stringParams: Record<string, string> = {};
        for (const [k, v] of Object.entries(params)) if (typeof v === 'string') stringParams[k] = v;
        return def.handle({
          mock,
          request,
          url: new URL(request.url),
          params: stringParams,
          body,
          caller,
        });
      },
      { auth: spec.auth, bodyLimit },
    ),
  );
}
