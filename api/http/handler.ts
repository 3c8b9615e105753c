/**
 * Route handlers: validate params, query and body with zod, call a service with the parsed
 * input, send its result. Services never see `req` or `res`.
 */
import type { RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import type { Caller } from '../auth/roles';
import { HttpError, type FieldError } from './errors';
import type { RouteSchemas } from './openapi';

interface Schemas<P extends ZodType, Q extends ZodType, B extends ZodType> {
  /** One line for the API documentation, and the success status it documents (200 unless said). */
  summary?: string;
  status?: number;
  params?: P;
  query?: Q;
  body?: B;
  contentType?: string;
  /** The success body's schema, for the API documentation only. */
  response?: ZodType;
  /** The error answers a client should expect, status → when, for the API documentation. */
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
    const body = parse('body', schemas.body, req.body, fields);
    if (fields.length > 0) {
      throw new HttpError(400, 'invalid_request', `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
    }
    // The audit log names the key's holder; public routes have no caller.
    const caller = req.caller;
    const reply = await run({ params, query, body, actor: caller?.name ?? 'anonymous', caller } as never);
    res.status(reply.status ?? 200).json(reply.body);
  };
  // Read by documentedRouter to put the route in the OpenAPI document.
  return Object.assign(handler, { schemas: schemas as RouteSchemas });
}

function parse(where: string, schema: ZodType | undefined, value: unknown, fields: FieldError[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    fields.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}
