/**
 * The API's OpenAPI 3.1 document, generated from the same zod schemas that validate requests:
 * routers record what they serve as they register it (`documentedRouter`), and the document is
 * built from those records, so it cannot drift from the code.
 */
import express, { Router, type RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import { authorize } from '../auth/authenticate';
import { grantOf } from '../auth/permissions';
import { bodyIsOptional, rejectUnknownQuery, type RouteSchemas } from './handler';

/** JSON request bodies above this size get 413. */
export const BODY_LIMIT = '2mb';

export type { RouteSchemas };

export interface RouteDoc extends RouteSchemas {
  /** Needs no API key. */
  public?: boolean;
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path inside the router, e.g. /leads/:leadId. */
  path: string;
}

export type DocumentedRouter = Router & { docs: RouteDoc[] };

/**
 * An Express router that records every route it gets, with the schemas `handle()` attached, and
 * guards each, in this order, before its body is read: the roles `permissions.ts` grants it
 * (so a stranger's body is never parsed), then its query parameters; only then is a JSON body
 * parsed.
 */
export function documentedRouter(): DocumentedRouter {
  const router = Router() as DocumentedRouter;
  router.docs = [];
  for (const method of ['get', 'post', 'put', 'delete'] as const) {
    const register = router[method].bind(router) as (path: string, ...handlers: RequestHandler[]) => Router;
    (router as unknown as Record<string, unknown>)[method] = (path: string, ...handlers: RequestHandler[]) => {
      let query: ZodType | undefined;
      for (const handler of handlers) {
        const schemas = (handler as RequestHandler & { schemas?: RouteSchemas }).schemas;
        if (!schemas) continue;
        router.docs.push({ method, path, ...schemas, public: grantOf(method, path) === 'public' });
        query = schemas.query;
      }
      return register(path, authorize(method, path), rejectUnknownQuery(query), jsonBody, ...handlers);
    };
  }
  return router;
}

const jsonBody = express.json({ limit: BODY_LIMIT });

/** The methods each documented path answers, to tell a client which ones when it uses another (405). */
export function allowedMethods(routes: RouteDoc[], prefix: string): (path: string) => string[] {
  const patterns = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const source = `^${prefix}${route.path}`.replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '/?$';
    const entry = patterns.get(source) ?? { pattern: new RegExp(source), methods: new Set<string>() };
    entry.methods.add(route.method.toUpperCase());
    if (route.method === 'get') entry.methods.add('HEAD');
    patterns.set(source, entry);
  }
  return (path) => [...new Set([...patterns.values()].filter((entry) => entry.pattern.test(path)).flatMap((entry) => [...entry.methods]))];
}

const errorBody = z.object({
  error: z.object({
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    issues: z.array(z.unknown()).optional(),
    requestId: z.string().optional(),
  }),
});

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'integer', minimum: 1 } } };
const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** The OpenAPI document for routes mounted under `prefix`. */
export function buildOpenApiDocument(routes: RouteDoc[], prefix: string, info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Definitions = { schemas: {}, names: new Map() };
  const jsonSchema = (schema: ZodType, io: 'input' | 'output' = 'input') => hoistDefinitions(toJsonSchema(schema, io), definitions);
  const parameters = (schema: ZodType | undefined, where: 'path' | 'query') => parametersOf(schema && jsonSchema(schema), where);
  for (const route of routes) {
    const path = `${prefix}${route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary ?? `${route.method.toUpperCase()} ${path}`,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        [String(route.status ?? 200)]: { description: 'Success', content: { 'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : { type: 'object' } } } },
        ...Object.fromEntries(Object.entries(route.errors ?? {}).map(([status, when]) => [status, { description: when, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
        // Any request that presents a key may meet the failed-authentication limit.
        '429': { $ref: '#/components/responses/TooManyFailures' },
        // Any route behind a key reads the database (the key, at least).
        ...(!route.public && {
          '503': route.errors?.[503]
            ? { description: `${route.errors[503]}; or the database or Temporal does not answer`, headers: RETRY_AFTER, content: ERROR_CONTENT }
            : { $ref: '#/components/responses/Unavailable' },
        }),
        default: { description: 'Error: the one error shape', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    // Every route but the public ones needs a key; an empty list lifts the document-wide one.
    if (route.public) operation.security = [];
    if (route.body) operation.requestBody = { required: !bodyIsOptional(route.body), content: { [route.contentType ?? 'application/json']: { schema: jsonSchema(route.body) } } };
    if (route.bodies) operation.requestBody = { required: true, content: Object.fromEntries(Object.entries(route.bodies).map(([type, schema]) => [type, { schema: jsonSchema(schema) }])) };
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    security: [{ apiKey: [] }],
    components: {
      schemas: { Error: jsonSchema(errorBody), ...definitions.schemas },
      responses: {
        TooManyFailures: {
          description: 'Too many keys that did not work came from this client lately; no key of it is checked until Retry-After seconds have passed',
          headers: RETRY_AFTER,
          content: ERROR_CONTENT,
        },
        Unavailable: {
          description: 'The database or Temporal does not answer (database_unavailable, temporal_unavailable); nothing was changed, ask again after Retry-After seconds',
          headers: RETRY_AFTER,
          content: ERROR_CONTENT,
        },
      },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, lf_<keyId>_<secret>; its role decides which routes it may call' } },
    },
  };
}

function parametersOf(json: { properties?: Record<string, unknown>; required?: string[] } | undefined, where: 'path' | 'query') {
  return Object.entries(json?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json?.required ?? []).includes(name),
    schema: property,
  }));
}

/** JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of what a client sends (or, with `output`, gets). */
function toJsonSchema(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/**
 * A recursive schema (a rule graph's condition groups) comes with `$defs` that its `$ref`s point
 * into from the schema's root; inside the document they must live in `components.schemas`. Each
 * definition moves there under a name of its own (the same definitions, met again, reuse theirs).
 */
function hoistDefinitions(json: Record<string, unknown>, definitions: Definitions): Record<string, unknown> {
  const { $defs, ...rest } = json as { $defs?: Record<string, unknown> };
  if (!$defs) return rest;
  const local = new Map<string, string>();
  // Keys like __schema0 are numbered per schema: the same key means the same definition only
  // among the same set of definitions.
  const context = JSON.stringify($defs);
  for (const key of Object.keys($defs)) {
    const identity = `${context}#${key}`;
    let name = definitions.names.get(identity);
    if (!name) {
      const base = key.replace(/^__schema/, 'Definition');
      const taken = new Set(definitions.names.values());
      name = base;
      for (let n = 2; taken.has(name) || name === 'Error'; n++) name = `${base}_${n}`;
      definitions.names.set(identity, name);
    }
    local.set(key, name);
  }
  const rename = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, key: string) => JSON.stringify(`#/components/schemas/${local.get(key) ?? key}`)));
  for (const [key, definition] of Object.entries($defs)) definitions.schemas[local.get(key)!] ??= rename(definition);
  return rename(rest);
}

interface Definitions {
  /** Name → definition, for `components.schemas`. */
  schemas: Record<string, unknown>;
  /** Where a definition came from (its schema's definitions and key) → its name. */
  names: Map<string, string>;
}
