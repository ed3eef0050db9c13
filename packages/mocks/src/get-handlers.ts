/**
 * `getHandlers({ baseUrl })`: msw handlers for every route of the protocol's
 * catalog, backed by one in-memory {@link MockCoffer}, plus a catch-all that
 * answers unknown paths as the server does and a small control endpoint for
 * switching scenarios from outside the process (e.g. a browser test).
 */
import { type HttpHandler, HttpResponse, http } from 'msw';
import { SMALL_BODY_BYTES } from './http/body.ts';
import { ApiError, parseInput } from './http/problem.ts';
import { defineRoute, type RouteDef, servePipeline } from './http/route.ts';
import { MockCoffer } from './mock-coffer.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import { blobRoutes } from './routes/blobs.ts';
import { liveRoutes } from './routes/live.ts';
import { metaRoutes } from './routes/meta.ts';
import { recordRoutes } from './routes/records.ts';
import { vaultRoutes } from './routes/vaults.ts';
import { type Scenario, ScenarioSchema } from './scenario.ts';

/** Options of {@link getHandlers}. */
export interface GetHandlersOptions {
  /** Origin (and optional path prefix) the client talks to, e.g. `https://coffer.test`. */
  baseUrl: string;
  /** Initial scenario (ignored when `mock` is given: set it there). */
  scenario?: Scenario;
  /** The mock to serve (default: a new one); keep it to control and inspect the server. */
  mock?: MockCoffer;
}

/** Path of the runtime control endpoint (`GET`/`PUT` a scenario as JSON, `POST …/reset`). */
export const CONTROL_PATH = '/__coffer-mock';

/** Every route definition of the mock (one per catalog operation). */
export const ROUTE_DEFS: readonly RouteDef[] = [
  ...metaRoutes,
  ...authRoutes,
  ...accountRoutes,
  ...vaultRoutes,
  ...recordRoutes,
  ...liveRoutes,
  ...blobRoutes,
];

function controlHandlers(base: string, mock: MockCoffer): HttpHandler[] {
  return [
    http.get(`${base}${CONTROL_PATH}/scenario`, () =>
      HttpResponse.json(mock.scenario.scenario as Record<string, unknown>),
    ),
    http.put(`${base}${CONTROL_PATH}/scenario`, async ({ request }) => {
      try {
        const scenario = parseInput(ScenarioSchema, await request.json().catch(() => undefined));
        mock.setScenario(scenario as Scenario);
        return new Response(null, { status: 204 });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return HttpResponse.json({ code: error.code, issues: error.extra.issues }, { status: 400 });
      }
    }),
    http.post(`${base}${CONTROL_PATH}/reset`, () => {
      mock.reset();
      return new Response(null, { status: 204 });
    }),
  ];
}

/**
 * Handlers that implement the Coffer server API in memory.
 *
 * @example
 * const mock = new MockCoffer();
 * const server = setupServer(...getHandlers({ baseUrl: 'https://coffer.test', mock }));
 * mock.setScenario({ offline: true });
 */
export function getHandlers(options: GetHandlersOptions): HttpHandler[] {
  const base = options.baseUrl.replace(/\/+$/, '');
  const mock =
    options.mock ?? new MockCoffer(options.scenario ? { scenario: options.scenario } : {});
  mock.origin = new URL(base).origin;
  const routes = ROUTE_DEFS.map((def) => defineRoute(base, mock, def));
  // Anything else under the base URL: the server's not-found answer (after its version check).
  const notFound = http.all(`${base}/*`, ({ request }) =>
    servePipeline(
      mock,
      'unknown',
      request,
      async () => {
        throw new ApiError('not_found', 'no such route');
      },
      { auth: false, bodyLimit: SMALL_BODY_BYTES },
    ),
  );
  return [...controlHandlers(base, mock), ...routes, notFound];
}
