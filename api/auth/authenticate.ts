/**
 * Authentication and authorisation. `authenticate` (app-wide) reads the bearer key and names
 * the caller; `authorize` (one per route, added by `documentedRouter`) lets the caller through
 * only when `permissions.ts` grants their role the route: 401 without a valid key, 403 without
 * the role. A client that keeps presenting keys that do not work gets 429 for a while.
 */
import type { Request, RequestHandler } from 'express';
import type { ApiKeyRepository } from '../db/api-keys.repository';
import { HttpError } from '../http/errors';
import { parseKey, sameHash } from './api-keys';
import { createFailedAuthLimiter, type FailedAuthLimiter } from './failed-auth-limiter';
import { allows, grantOf } from './permissions';
import type { Caller } from './roles';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    /** Why the presented key was refused, when one was presented and refused. */
    keyProblem?: string;
  }
}

/** Known keys are remembered this long, so that a revoked key stops working within it. */
const CACHE_MS = 5_000;

export function authenticate(keys: ApiKeyRepository, limiter: FailedAuthLimiter = createFailedAuthLimiter()): RequestHandler {
  const cache = new Map<string, { caller: Caller | undefined; hash: string | undefined; until: number }>();
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined) return next();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // While a client is slowed, none of its keys is checked: a right guess would not show.
    const wait = limiter.retryAfter(client);
    if (wait > 0) {
      throw new HttpError(429, 'too_many_failures', `Too many requests with keys that do not work; try again in ${wait} s`, undefined, undefined, wait);
    }
    const presented = /^Bearer (\S+)$/i.exec(header)?.[1];
    const parsed = presented === undefined ? undefined : parseKey(presented);
    if (!parsed) {
      req.keyProblem = 'The Authorization header must be "Bearer lf_<keyId>_<secret>"';
      limiter.failed(client);
      return next();
    }
    let known = cache.get(parsed.keyId);
    if (!known || known.until < Date.now()) {
      const record = await keys.findActive(parsed.keyId);
      known = {
        caller: record ? { keyId: record.keyId, name: record.name, role: record.role, ...(record.queues && { queues: record.queues }), ...(record.owner && { owner: record.owner }) } : undefined,
        hash: record?.secretHash,
        until: Date.now() + CACHE_MS,
      };
      cache.set(parsed.keyId, known);
    }
    if (known.caller && known.hash && sameHash(known.hash, parsed.secretHash)) req.caller = known.caller;
    else {
      req.keyProblem = 'The API key is unknown or revoked';
      limiter.failed(client);
    }
    next();
  };
}

/** The route's guard. Throws at start-up for a route nobody has granted, so none slips through. */
export function authorize(method: string, path: string): RequestHandler {
  const grant = grantOf(method, path);
  if (grant === undefined) {
    throw new Error(`No permission entry for ${method.toUpperCase()} ${path}: declare its operation, with its roles, in api/contracts`);
  }
  if (grant === 'public') return (_req, _res, next) => next();
  return (req, _res, next) => {
    const caller = req.caller;
    if (!caller) {
      throw new HttpError(401, 'unauthorized', req.keyProblem ?? 'Send an API key: Authorization: Bearer lf_<keyId>_<secret>');
    }
    if (!allows(caller.role, method, path)) {
      throw new HttpError(403, 'forbidden', `The ${caller.role} role may not ${method.toUpperCase()} ${path}`);
    }
    next();
  };
}

/** The caller of a route that `authorize` let through; public routes have none. */
export function callerOf(req: Request): Caller | undefined {
  return req.caller;
}
