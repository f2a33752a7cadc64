/**
 * The OpenAPI 3.1 document of /api/v1, written from the same route table that registers the routes
 * (route.ts), with the component schemas of schemas.ts. Served at /api/v1/openapi.json.
 */
import { API_PREFIX, type ApiRoute } from './route.js';
import { COMPONENTS, ref, type JsonSchema } from './schemas.js';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid request (problem+json)',
  401: 'missing or unknown token (problem+json)',
  403: 'the token lacks the scope (problem+json)',
  404: 'unknown id or name (problem+json)',
  409: 'conflicts with the current state (problem+json)',
  429: 'too many failed authentication attempts (problem+json)',
};

/** `/servers/:name` -> `/servers/{name}`. */
export function openApiPath(path: string): string {
  return API_PREFIX + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: ApiRoute): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query', schema: JsonSchema | undefined): void => {
    const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  return out;
}

function operation(route: ApiRoute): Record<string, unknown> {
  const problem = { 'application/problem+json': { schema: ref('Problem') } };
  const responses: Record<string, unknown> = {
    [String(route.response.status)]: {
      description: route.response.description,
      ...(route.response.schema
        ? { content: { 'application/json': { schema: route.response.schema } } }
        : {}),
    },
  };
  const statuses = new Set<number>([400, ...(route.problems ?? [])]);
  if (route.access !== 'public') [401, 403, 429].forEach((s) => statuses.add(s));
  for (const s of [...statuses].sort())
    responses[String(s)] = { description: PROBLEM_TEXT[s] ?? 'problem', content: problem };
  const params = parameters(route);
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[/:{}-]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    'x-access': route.access,
    security: route.access === 'public' ? [] : [{ bearer: [route.access] }],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
      : {}),
    responses,
  };
}

export function buildOpenApi(
  routes: readonly ApiRoute[],
  serverUrl: string,
  version: string,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mcpwatch API',
      version,
      description:
        'Monitoring of MCP servers: servers, probe results, error rates and latency, tool surfaces and drift, ' +
        'incidents and postmortems, warnings, SLO, maintenance and status pages. Send `Authorization: Bearer <token>`; ' +
        'the `read` scope may call every GET, `admin` everything. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an mcpwatch API token (mcpw_…)' },
      },
      schemas: COMPONENTS,
    },
  };
}
