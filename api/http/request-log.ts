/**
 * Structured request logs: one JSON line per request with its id, the caller's key id, status
 * and duration. The id comes from a well-formed `X-Request-Id` (so a request can be followed
 * from a proxy or CRM) or is made here, and goes back in the response header.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import pino, { type Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
    log?: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function createLogger(): Logger {
  return pino({ base: { service: 'leadflow-api' }, level: process.env.LOG_LEVEL ?? 'info' });
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const id = offered !== undefined && REQUEST_ID.test(offered) ? offered : randomUUID();
    req.id = id;
    req.log = logger.child({ requestId: id });
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    const line = () => ({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 10) / 10, keyId: req.caller?.keyId, role: req.caller?.role });
    res.on('finish', () => {
      if (res.statusCode >= 500) req.log?.error(line(), 'request failed');
      else req.log?.info(line(), 'request');
    });
    // A client that gives up before the answer (a timeout while a service is down) is logged too.
    res.on('close', () => {
      if (!res.writableFinished) req.log?.warn({ ...line(), status: undefined }, 'request abandoned by the client');
    });
    next();
  };
}
