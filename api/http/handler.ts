/**
 * Route handlers: validate params, query and body with zod, call a service with the parsed
 * input, send its result. Services never see `req` or `res`.
 */
import type { RequestHandler, Response } from 'express';
import { z, type ZodType } from 'zod';
import type { Operation } from '../contracts';
import type { Caller } from '../auth/roles';
import { HttpError, type FieldError } from './errors';

type Parsed<S> = S extends ZodType ? z.output<S> : undefined;

export interface Reply {
  status?: number;
  body: unknown;
}

/** A route handler serving one operation of the contract; `documentedRouter` registers it at the operation's method and path. */
export type OperationHandler = RequestHandler & { operation: Operation };

/**
 * Serves `operation`: its params, query and body parsed with the contract's schemas (400 naming
 * each bad field, before `run` changes anything), then `run`'s reply sent, checked against the
 * operation's response schema (see `sendChecked`). To check a body with a configured schema (an
 * event's clock), pass `{ ...operation, body }`.
 */
export function handle<O extends Operation>(
  operation: O,
  run: (input: { params: Parsed<O['params']>; query: Parsed<O['query']>; body: O['bodies'] extends object ? unknown : Parsed<O['body']>; actor: string; caller: Caller | undefined }) => Promise<Reply>,
): OperationHandler {
  const handler: RequestHandler = async (req, res) => {
    const fields: FieldError[] = [];
    const params = parse('params', operation.params, req.params, fields);
    const query = parse('query', operation.query, req.query, fields);
    const body = parse('body', operation.bodies ? bodySchema(operation.bodies, (type) => Boolean(req.is(type))) : operation.body, req.body, fields);
    if (fields.length > 0) throw invalidRequest(fields);
    // The audit log names the key's holder; public routes have no caller.
    const caller = req.caller;
    const reply = await run({ params, query, body, actor: caller?.name ?? 'anonymous', caller } as never);
    sendChecked(res, operation, reply.status ?? operation.status ?? 200, reply.body);
  };
  return Object.assign(handler, { operation });
}

/** How answers are held to the contract (LEADFLOW_CHECK_RESPONSES): `fail` (the test suite), `log` (the default) or `off`. */
type ResponseCheck = 'fail' | 'log' | 'off';

const responseCheck = (): ResponseCheck => {
  const mode = process.env.LEADFLOW_CHECK_RESPONSES;
  return mode === 'fail' || mode === 'off' ? mode : 'log';
};

/**
 * Sends a success body, held to the operation's response schema as a client reads it (its JSON):
 * a field the schema does not declare, or one it declares otherwise, is a contract broken. Under
 * `fail` (the test suite sets it, so every integration test checks the contract) that answers 500
 * response_mismatch naming each field; under `log` it is logged and the body sent as it is.
 */
export function sendChecked(res: Response, operation: Operation, status: number, body: unknown): void {
  const mode = responseCheck();
  const problems = mode === 'off' ? [] : contractProblems(operation.response, body);
  if (problems.length > 0) {
    const message = `${operation.method.toUpperCase()} ${operation.path} answered ${status} with a body its contract does not allow: ${problems.join('; ')}`;
    if (mode === 'fail') throw new HttpError(500, 'response_mismatch', message);
    res.req.log?.warn({ operationId: operation.operationId, problems }, 'response does not match its contract');
  }
  // A created or started resource says where to read it, its path filled from the body.
  if (operation.location && isRecord(body)) {
    res.location(`${res.req.baseUrl}${operation.location.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(String(body[name])))}`);
  }
  res.status(status).json(body);
}

/** What in `body`, as JSON, the schema refuses or does not declare; none when it matches. */
export function contractProblems(schema: ZodType, body: unknown): string[] {
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const result = schema.safeParse(wire);
  if (!result.success) return result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return undeclared(wire, result.data, '');
}

/** Fields of `wire` that parsing dropped: the schema does not declare them. */
function undeclared(wire: unknown, parsed: unknown, at: string): string[] {
  if (Array.isArray(wire) && Array.isArray(parsed)) return wire.flatMap((item, i) => undeclared(item, parsed[i], `${at}${i}.`));
  if (!isRecord(wire) || !isRecord(parsed)) return [];
  return Object.entries(wire).flatMap(([key, value]) => (key in parsed ? undeclared(value, parsed[key], `${at}${key}.`) : [`${at}${key}: not in the contract`]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
