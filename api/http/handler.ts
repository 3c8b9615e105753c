/**
 * Route handlers: validate params, query and body with zod, call a service with the parsed
 * input, send its result. Services never see `req` or `res`.
 */
import type { RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import type { Caller } from '../auth/roles';
import { HttpError, type FieldError } from './errors';

interface Schemas<P extends ZodType, Q extends ZodType, B extends ZodType> {
  /** One line for the API documentation, and the success status it documents (200 unless said). */
  summary?: string;
  status?: number;
  params?: P;
  query?: Q;
  body?: B;
  contentType?: string;
  /** A route that takes more than one media type: each one's body schema (then `body` is left out). */
  bodies?: Record<string, ZodType>;
  /** The success body's schema, for the API documentation only. */
  response?: ZodType;
  /** The error answers a client should expect, status → when, for the API documentation. */
  errors?: Record<number, string>;
}

/** What `handle()` attaches to a route handler so that the route can be documented and guarded. */
export interface RouteSchemas {
  summary?: string;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** The success status (200 unless said). */
  status?: number;
  /** The media type of the body (application/json unless said). */
  contentType?: string;
  /** A route that takes more than one media type: each one's body schema, chosen by the request's Content-Type (the first when none matches). */
  bodies?: Record<string, ZodType>;
  /** The success body's schema (an object unless said). */
  response?: ZodType;
  /** The error answers a client should expect, status → when; any other error still has the one shape. */
  errors?: Record<number, string>;
}

export interface Reply {
  status?: number;
  body: unknown;
}

export function handle<P extends ZodType = ZodType<unknown>, Q extends ZodType = ZodType<unknown>, B extends ZodType = ZodType<unknown>>(
  schemas: Schemas<P, Q, B>,
  run: (input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; actor: string; caller: Caller | undefined }) => Promise<Reply>,
): RequestHandler & { schemas: RouteSchemas } {
  const handler: RequestHandler = async (req, res) => {
    const fields: FieldError[] = [];
    const params = parse('params', schemas.params, req.params, fields);
    const query = parse('query', schemas.query, req.query, fields);
    const body = parse('body', schemas.bodies ? bodySchema(schemas.bodies, (type) => Boolean(req.is(type))) : schemas.body, req.body, fields);
    if (fields.length > 0) throw invalidRequest(fields);
    // The audit log names the key's holder; public routes have no caller.
    const caller = req.caller;
    const reply = await run({ params, query, body, actor: caller?.name ?? 'anonymous', caller } as never);
    res.status(reply.status ?? 200).json(reply.body);
  };
  // Read by documentedRouter to put the route in the OpenAPI document.
  return Object.assign(handler, { schemas: schemas as RouteSchemas });
}

/**
 * The guard every documented route gets before its body is read: a query parameter the route
 * does not know is refused (400 naming it) rather than ignored, so a misspelt filter, or an
 * operator smuggled in as `stage[$ne]`, never returns an unfiltered answer.
 */
export function rejectUnknownQuery(schema: ZodType | undefined): RequestHandler {
  const known = new Set(schema ? queryNames(schema) : []);
  return (req, _res, next) => {
    const unknown = Object.keys(req.query ?? {}).filter((name) => !known.has(name));
    if (unknown.length === 0) return next();
    const accepted = known.size > 0 ? `this route accepts ${[...known].join(', ')}` : 'this route takes no query parameters';
    throw invalidRequest(unknown.map((name) => ({ path: `query.${name}`, message: `unknown query parameter; ${accepted}` })));
  };
}

/** Whether a request without a body is valid: then the body is optional, and documented so. */
export function bodyIsOptional(schema: ZodType): boolean {
  return schema.safeParse({}).success;
}

/** The names a query schema declares, as the OpenAPI document lists them. */
export function queryNames(schema: ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return Object.keys(json.properties ?? {});
}

/** The schema of the media type the request says it sends; the first one when it says none of them. */
function bodySchema(bodies: Record<string, ZodType>, sends: (type: string) => boolean): ZodType | undefined {
  const types = Object.keys(bodies);
  return bodies[types.find(sends) ?? (types[0] as string)];
}

function invalidRequest(fields: FieldError[]): HttpError {
  return new HttpError(400, 'invalid_request', `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}

function parse(where: string, schema: ZodType | undefined, value: unknown, fields: FieldError[]): unknown {
  if (!schema) return undefined;
  // A missing body is an empty one: a route whose fields are all optional needs none.
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    fields.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}
