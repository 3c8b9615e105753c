import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, type ErrorBody } from './errors';

/** Turns every error into one JSON shape: `{ error: { status, code, message, fields? } }`. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = toHttpError(err);
  if (known.status >= 500) {
    if (req.log) req.log.error({ err }, 'unexpected error');
    else console.error('api: unexpected error', err);
  }
  const body: ErrorBody = {
    error: {
      status: known.status,
      code: known.code,
      message: known.message,
      ...(known.fields ? { fields: known.fields } : {}),
      ...(known.issues ? { issues: known.issues } : {}),
      // Quote it when reporting a problem: the logs carry it too.
      ...(req.id ? { requestId: req.id } : {}),
    },
  };
  if (known.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(known.retryAfterSeconds));
  res.status(known.status).json(body);
};

/** A known path asked with a method it does not answer: 405, with the methods it does in `Allow`. */
export function methodNotAllowed(allowedMethods: (path: string) => string[]): RequestHandler {
  return (req, res, next) => {
    const allowed = allowedMethods(req.path);
    if (allowed.length === 0) return next();
    res.setHeader('Allow', allowed.join(', '));
    throw new HttpError(405, 'method_not_allowed', `${req.path} does not answer ${req.method}; it answers ${allowed.join(', ')}`);
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`);
};

/** Seconds a client is told to wait when a service the API needs does not answer. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isTemporalUnavailable(err)) {
    return new HttpError(503, 'temporal_unavailable', 'Temporal does not answer; try again shortly (a repeated event is applied once)', undefined, undefined, UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  if (isDatabaseUnavailable(err)) {
    return new HttpError(503, 'database_unavailable', 'The database does not answer; nothing was changed, try again shortly', undefined, undefined, UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  // body-parser marks its errors with a `type` and a status.
  const parserError = err as { type?: string; status?: number };
  if (parserError.type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
  if (parserError.type === 'entity.too.large') return new HttpError(413, 'too_large', 'The request body is too large');
  if (parserError.type === 'encoding.unsupported' || parserError.status === 415) {
    return new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  return new HttpError(500, 'internal', 'Something went wrong on our side; the request changed nothing it could not finish');
}

/**
 * The database driver's ways of saying it cannot reach the database (told apart by name, so that
 * this layer needs no driver): no server to select, a broken connection, a closed pool, or
 * mongoose's buffering giving up while it reconnects.
 */
function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { name?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (/^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared)Error$/.test(e.name ?? '')) return true;
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
    // The driver lets a write to a connection the server has just closed escape as Node's own
    // socket error, unwrapped: the database going away mid-request. (Temporal's client wraps its
    // errors in ServiceError, so a bare socket error here is the database's.)
    if (SOCKET_GONE.has((e as { code?: string }).code ?? '')) return true;
    // A bulk write (an insert of one or many) that could not reach the server at all: no document
    // was refused, the whole command failed on the connection, and the driver says to retry.
    if (/^Mongo/.test(e.name ?? '') && noDocumentRefused(e) && (retryable(e) || CONNECTION_FAILED.test(e.message ?? ''))) return true;
  }
  return false;
}

const SOCKET_GONE = new Set(['EPIPE', 'ECONNRESET']);
const CONNECTION_FAILED = /ECONNREFUSED|ECONNRESET|EPIPE|connection .*closed/i;
const RETRY_LABELS = ['RetryableError', 'RetryableWriteError', 'SystemOverloadedError', 'ResetPool'];

function noDocumentRefused(err: object): boolean {
  const failures = (err as { writeErrors?: unknown }).writeErrors;
  return !Array.isArray(failures) || failures.length === 0;
}

/** The driver's labels for a failure a retry may get past (a network error, a pool reset). */
function retryable(err: object): boolean {
  const labels = (err as { errorLabelSet?: Set<string>; errorLabels?: string[] }).errorLabelSet ?? new Set((err as { errorLabels?: string[] }).errorLabels ?? []);
  return RETRY_LABELS.some((label) => labels.has(label));
}

/**
 * The Temporal client's way of saying the server did not answer in time, cannot be reached, or
 * is too busy to take the call now (gRPC 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE, 8 RESOURCE_EXHAUSTED:
 * a rate limit, a busy workflow): a retry later is the answer, not a failure.
 */
function isTemporalUnavailable(err: unknown): boolean {
  const e = err as { name?: string; cause?: { code?: unknown } } | undefined;
  return e?.name === 'ServiceError' && (e.cause?.code === 4 || e.cause?.code === 8 || e.cause?.code === 14);
}
