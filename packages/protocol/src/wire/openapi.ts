/**
 * The OpenAPI 3.1 document of the API, generated from {@link ROUTES} and the
 * zod schemas with zod's native JSON Schema conversion, so the document cannot
 * drift from what the server validates.
 */
import { z } from 'zod';
import { PROBLEM_MEDIA_TYPE, Problem } from './problem.ts';
import { ROUTES, type RouteSpec } from './routes.ts';

type Json = Record<string, unknown>;

/** Converts schemas and gathers every named sub-schema under components.schemas. */
class SchemaCollector {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
    // Named schemas land in $defs; OpenAPI wants them under components.
    const text = JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/');
    const {
      $schema: _schema,
      $defs,
      ...rest
    } = JSON.parse(text) as Json & { $defs?: Record<string, Json> };
    for (const [name, def] of Object.entries($defs ?? {})) this.components[name] ??= def;
    return rest;
  }
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function queryParameters(route: RouteSpec, collector: SchemaCollector): Json[] {
  if (!route.query) return [];
  const schema = collector.convert(route.query, 'input') as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
}

function operation(route: RouteSpec, collector: SchemaCollector): Json {
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: [...pathParameters(route.path), ...queryParameters(route, collector)],
  };
  if (route.auth) op.security = [{ bearer: [] }];
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: collector.convert(route.body, 'input') } },
    };
  } else if (route.binaryBody) {
    op.requestBody = {
      required: true,
      content: {
        'application/octet-stream': {
          schema: { type: 'string', contentMediaType: 'application/octet-stream' },
        },
      },
    };
  }
  const success: Json = { description: route.summary };
  const alternative = route.success.alternative;
  if (route.success.schema) {
    success.content = {
      'application/json': { schema: collector.convert(route.success.schema, 'output') },
      ...(alternative && {
        [alternative.contentType]: {
          schema: { type: 'string', contentMediaType: alternative.contentType },
        },
      }),
    };
    if (alternative) success.description = `${route.summary}\n\n${alternative.description}`;
  } else if (route.success.contentType) {
    success.content = { [route.success.contentType]: { schema: { type: 'string' } } };
  }
  op.responses = {
    [String(route.success.status)]: success,
    default: {
      description: 'A problem (RFC 9457) with a stable `code`',
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    },
  };
  return op;
}

/**
 * Build the OpenAPI 3.1 document of every route.
 *
 * @example
 * const doc = buildOpenApiDocument({ version: '0.1.0' });
 * doc.paths['/v1/meta'].get.operationId // 'getMeta'
 */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string }): Json {
  const collector = new SchemaCollector();
  collector.convert(Problem, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, collector);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Coffer replication API',
      version: options.version,
      description:
        'End-to-end encrypted replication. Every request carries `Coffer-Protocol: <n>` and `Coffer-Client: <app>/<version>`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: collector.components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
