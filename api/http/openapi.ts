/**
 * The API's OpenAPI 3.1 document, generated from the contract (api/contracts): the operations
 * routers serve, with the zod schemas that validate their requests and answers, their roles,
 * examples and the errors each can answer. It cannot drift from the code: the same schemas parse
 * every request and, under tests, check every answer.
 */
import express, { Router, type RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import { ERROR_CODES, errorBodySchema, ROLES, TAGS, type ErrorCode, type Operation } from '../contracts';
import { authorize } from '../auth/authenticate';
import { bodyIsOptional, rejectUnknownQuery, type OperationHandler } from './handler';

/** JSON request bodies above this size get 413. */
export const BODY_LIMIT = '2mb';

export type DocumentedRouter = Router & {
  /** The operations this router serves. */
  docs: Operation[];
  /**
   * Serves the operation of the last handler (`handle()`'s) at its method and path, behind, in
   * this order, its roles (so a stranger's body is never parsed), its query guard, the JSON body
   * parser, and then any handlers given before it (a CSV body parser).
   */
  serve(...handlers: [...RequestHandler[], OperationHandler]): void;
};

/** An Express router that serves operations of the contract and records them for the document. */
export function documentedRouter(): DocumentedRouter {
  const router = Router() as DocumentedRouter;
  router.docs = [];
  router.serve = (...handlers) => {
    const { operation } = handlers[handlers.length - 1] as OperationHandler;
    router.docs.push(operation);
    router[operation.method](operation.path, authorize(operation.method, operation.path), rejectUnknownQuery(operation.query), jsonBody, ...handlers);
  };
  return router;
}

const jsonBody = express.json({ limit: BODY_LIMIT });

/** The methods each documented path answers, to tell a client which ones when it uses another (405). */
export function allowedMethods(routes: Pick<Operation, 'method' | 'path'>[], prefix: string): (path: string) => string[] {
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

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'integer', minimum: 1 } } };
const errorContent = (codes: readonly ErrorCode[]) => ({
  'application/json': {
    schema: { $ref: '#/components/schemas/Error' },
    example: { error: { status: Number(ERROR_CODES[codes[0]!].match(/\((\d+)\)$/)?.[1]), code: codes[0], message: ERROR_CODES[codes[0]!].replace(/ \(\d+\)$/, ''), requestId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' } },
  },
});

/**
 * The error answers every operation of its kind can give, status → [when, codes]: a bad
 * parameter or body (400), no key or the wrong role (401, 403), a body too large or in another
 * media type (413, 415), failed keys (429), a service down (503).
 */
function commonErrors(op: Operation): Record<number, { when: string; codes: ErrorCode[] }> {
  const takesBody = Boolean(op.body || op.bodies || op.contentType);
  const errors: Record<number, { when: string; codes: ErrorCode[] }> = {};
  if (op.params || op.query || takesBody) {
    errors[400] = { when: 'A parameter or field is invalid, or unknown query parameters were sent: `fields` names each; nothing was changed', codes: ['invalid_request', ...(takesBody && !op.contentType?.startsWith('text/') ? (['invalid_json'] as const) : [])] };
  }
  if (op.roles !== 'public') {
    errors[401] = { when: 'No API key, or one that is unknown or revoked', codes: ['unauthorized'] };
    if (ROLES.some((role) => role !== 'admin' && !(op.roles as readonly string[]).includes(role))) errors[403] = { when: `The key's role may not call this operation (it needs ${rolesOf(op).join(', ')})`, codes: ['forbidden'] };
  }
  if (op.params) errors[404] = { when: 'What the path names does not exist', codes: ['not_found'] };
  if (takesBody && op.bodyLimit !== 'none: streamed') errors[413] = { when: `The body is larger than ${op.bodyLimit ?? BODY_LIMIT}`, codes: ['too_large'] };
  if (takesBody) errors[415] = { when: `The body is not ${Object.keys(op.bodies ?? { [op.contentType ?? 'application/json']: 0 }).join(' or ')}`, codes: ['unsupported_media_type'] };
  return errors;
}

/** The error codes an operation's own error statuses carry. */
const CODES_BY_STATUS: Record<number, ErrorCode[]> = {
  400: ['invalid_request'],
  404: ['not_found'],
  409: ['conflict'],
  410: ['gone'],
  415: ['unsupported_media_type'],
  422: ['invalid_graph'],
  503: ['database_unavailable', 'temporal_unavailable'],
};

/** Everyone who may call `op`, admin first. */
const rolesOf = (op: Operation): string[] => (op.roles === 'public' ? ['anyone, without a key'] : ['admin', ...op.roles]);

/** The OpenAPI document of `operations`, served under `prefix` at `server`. */
export function buildOpenApiDocument(operations: readonly Operation[], prefix: string, info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Definitions = { schemas: {}, names: new Map() };
  const jsonSchema = (schema: ZodType, io: 'input' | 'output' = 'input') => hoistDefinitions(toJsonSchema(schema, io), definitions);
  const parameters = (schema: ZodType | undefined, where: 'path' | 'query') => parametersOf(schema && jsonSchema(schema), where);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const openApiPath = (path: string) => `${prefix}${path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  for (const op of operations) {
    const status = op.status ?? 200;
    const roles = rolesOf(op);
    const success = {
      description: op.summary,
      ...(op.location && {
        headers: { Location: { description: `Where to read it: ${op.location.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')} under ${prefix}`, schema: { type: 'string' } } },
        links: {
          [op.location.operationId]: {
            operationId: op.location.operationId,
            parameters: Object.fromEntries([...op.location.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => [name, `$response.body#/${name}`])),
            description: `Read what was ${status === 201 ? 'created' : 'started'}`,
          },
        },
      }),
      content: { 'application/json': { schema: jsonSchema(op.response, 'output'), example: op.examples.response } },
    };
    // The operation's own errors, merged with the ones every operation of its kind can answer.
    const errors = commonErrors(op);
    for (const [code, when] of Object.entries(op.errors ?? {})) {
      const status = Number(code);
      const common = errors[status];
      const codes = [...new Set([...(common?.codes ?? []), ...(CODES_BY_STATUS[status] ?? [])])];
      errors[status] = { when: common ? `${when}; or: ${common.when}` : when, codes };
    }
    // A 503 of its own is documented below, with the services' one.
    delete errors[503];
    const responses: Record<string, unknown> = {
      [String(status)]: success,
      ...Object.fromEntries(Object.entries(op.alsoSucceeds ?? {}).map(([code, when]) => [code, { ...success, description: when }])),
      ...Object.fromEntries(Object.entries(errors).map(([code, { when, codes }]) => [code, { description: codes.length > 0 ? `${when} (${codes.join(', ')})` : when, content: errorContent(codes.length > 0 ? codes : ['internal']) }])),
      // Any request that presents a key may meet the failed-authentication limit.
      '429': { $ref: '#/components/responses/TooManyFailures' },
      // Any route behind a key reads the database (the key, at least).
      ...(op.roles !== 'public' && {
        '503': op.errors?.[503]
          ? { description: `${op.errors[503]}; or the database or Temporal does not answer`, headers: RETRY_AFTER, content: errorContent(['database_unavailable']) }
          : { $ref: '#/components/responses/Unavailable' },
      }),
      ...(op.roles === 'public' && op.errors?.[503] && { '503': { description: op.errors[503], headers: RETRY_AFTER, content: errorContent(['not_ready']) } }),
      default: { description: 'Any other error, in the one error shape (500 internal)', content: errorContent(['internal']) },
    };
    const operation: Record<string, unknown> = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: `${op.description}\n\nWho may call it: ${roles.join(', ')}.`,
      'x-roles': op.roles === 'public' ? [] : roles,
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      responses,
    };
    // Public operations need no key; an empty list lifts the document-wide one.
    if (op.roles === 'public') operation.security = [];
    const limit = op.bodyLimit === 'none: streamed' ? 'streamed, any size' : `at most ${op.bodyLimit ?? BODY_LIMIT}`;
    if (op.body || op.contentType) {
      const schema = op.body ? jsonSchema(op.body) : { type: 'string' };
      operation.requestBody = {
        required: op.body ? !bodyIsOptional(op.body) : true,
        description: `The body, ${limit}`,
        content: { [op.contentType ?? 'application/json']: { schema, ...(op.examples.request !== undefined && { example: op.examples.request }) } },
      };
    }
    if (op.bodies) {
      operation.requestBody = {
        required: true,
        description: `The body, ${limit}`,
        content: Object.fromEntries(
          Object.entries(op.bodies).map(([type, schema]) => {
            const example = op.examples.request;
            const fits = example !== undefined && schema.safeParse(example).success;
            return [type, { schema: jsonSchema(schema), ...(fits && { example }) }];
          }),
        ),
      };
    }
    if (op.location && !byId.has(op.location.operationId)) throw new Error(`${op.operationId} links to ${op.location.operationId}, which is not served`);
    (paths[openApiPath(op.path)] ??= {})[op.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/', description: 'This LeadFlow API: the document is served by the API it describes, under /api' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    security: [{ apiKey: [] }],
    components: {
      schemas: { Error: jsonSchema(errorBodySchema, 'output'), ...definitions.schemas },
      responses: {
        TooManyFailures: {
          description: 'Too many keys that did not work came from this client lately; no key of it is checked until Retry-After seconds have passed (too_many_failures)',
          headers: RETRY_AFTER,
          content: errorContent(['too_many_failures']),
        },
        Unavailable: {
          description: 'The database or Temporal does not answer (database_unavailable, temporal_unavailable); nothing was changed, ask again after Retry-After seconds',
          headers: RETRY_AFTER,
          content: errorContent(['database_unavailable', 'temporal_unavailable']),
        },
      },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, lf_<keyId>_<secret>; its role decides which operations it may call (x-roles)' } },
    },
  };
}

function parametersOf(json: { properties?: Record<string, Record<string, unknown>>; required?: string[] } | undefined, where: 'path' | 'query') {
  return Object.entries(json?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json?.required ?? []).includes(name),
    // A parameter's description and examples belong to the parameter, where tools show them.
    ...(typeof property.description === 'string' && { description: property.description }),
    ...(Array.isArray(property.examples) && { example: property.examples[0] }),
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
