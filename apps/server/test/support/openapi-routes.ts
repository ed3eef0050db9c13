/**
 * The routes of the published OpenAPI document as the adversarial tests walk
 * them, and what a well-formed request to each looks like (its ids, headers,
 * body and body limit) so that a bad request can differ in one thing only.
 */
import { randomBytes } from 'node:crypto';
import type { World } from './adversary-world.ts';

export interface Route {
  method: string;
  /** OpenAPI template: `/v1/vaults/{vaultId}`. */
  path: string;
  secured: boolean;
  params: string[];
  query: string[];
  /** Media type of the request body, if the route takes one. */
  body: string | undefined;
  /** JSON Schema types of the body's top-level properties (from the OpenAPI components). */
  bodyProperties: Record<string, string | undefined>;
}

/** The parts of an OpenAPI document the walk reads. */
export interface OpenApiDocument {
  components: { schemas: Record<string, { properties?: Record<string, { type?: string }> }> };
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
      }
    >
  >;
}

function propertiesOf(
  schemas: Record<string, { properties?: Record<string, { type?: string }> }>,
  ref: string | undefined,
): Record<string, string | undefined> {
  const schema = ref === undefined ? undefined : schemas[ref.split('/').pop() ?? ''];
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {}).map(([name, p]) => [name, p.type]),
  );
}

/** Every route of the document. */
export function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        method: method.toUpperCase(),
        path,
        secured: (op.security?.length ?? 0) > 0,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: Object.keys(content)[0],
        bodyProperties: propertiesOf(
          doc.components.schemas,
          Object.values(content)[0]?.schema?.$ref,
        ),
      };
    }),
  );
}

/** Body limits the server enforces per route (app.ts, vaults.ts, records.ts, the chunk limit). */
export function bodyLimitOf(route: Route, chunkLimit: number): number {
  if (route.path.endsWith('/chunks')) return chunkLimit;
  if (route.path.endsWith('/push')) return 8 * 1024 * 1024;
  if (/\/(members|epochs|grants)$/.test(route.path) && route.method !== 'PATCH')
    return 4 * 1024 * 1024;
  return 256 * 1024;
}

const WRITE_ROUTES = /\/(push|blobs|chunks|complete)$|\/blobs\/\{blobId\}$/;
const ADMIN_ROUTES = /\/(members|epochs|grants)$|\/members\/\{accountId\}$/;

/** The lowest role a route needs, judged by method and path (the README's table). */
export function neededRole(route: Route): 'reader' | 'writer' | 'admin' {
  if (route.method === 'GET') return 'reader';
  if (ADMIN_ROUTES.test(route.path) && !(route.method === 'DELETE' && /accountId/.test(route.path)))
    return 'admin';
  if (WRITE_ROUTES.test(route.path)) return 'writer';
  return 'reader';
}

/** The ids a well-formed request to `route` uses, all belonging to alice's tenant. */
export function goodParams(w: World): Record<string, string> {
  return {
    vaultId: w.alice.vaultId,
    blobId: w.alice.blobId,
    accountId: w.writer.accountId,
    sessionId: w.aliceOtherSessionId,
    username: w.writer.username,
  };
}

export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}

/** The blob a route acts on: uploads are addressed by the upload id. */
export function paramsFor(route: Route, w: World): Record<string, string> {
  const params = goodParams(w);
  if (route.path.endsWith('/chunks') || route.path.endsWith('/complete'))
    params.blobId = w.alice.uploadId;
  return params;
}

export function baseHeaders(token?: string): Record<string, string | string[] | null> {
  return {
    'coffer-protocol': '1',
    'coffer-client': 'coffer-adversary/1.0.0',
    authorization: token === undefined ? null : `Bearer ${token}`,
  };
}

/** A body the route's parser accepts (its content may still be refused). */
export function plainBody(route: Route): { body: string | Buffer; type: string } | undefined {
  if (route.body === undefined) return undefined;
  if (route.body === 'application/octet-stream') return { body: randomBytes(4), type: route.body };
  // A role change is checked after the member is found: give it a valid body.
  if (route.method === 'PATCH') return { body: '{"role":"reader"}', type: 'application/json' };
  return { body: '{}', type: 'application/json' };
}

/** JSON of exactly `bytes` bytes. */
export function jsonOfSize(bytes: number): string {
  const shell = '{"pad":""}';
  return `{"pad":"${'a'.repeat(bytes - shell.length)}"}`;
}
