import type { ErrorCode, FieldError } from '../contracts/errors.contract';
import type { GraphIssue } from '../../rules/graph-issue';

// The error shape is the contract's; services name field problems through this module.
export type { ErrorBody, FieldError } from '../contracts/errors.contract';

/** An error with an HTTP status and a stable code; the error handler turns it into the one error shape. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    /** One of the contract's codes (api/contracts/errors.contract.ts), so clients can rely on the list. */
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    /** A rule graph's issues, each naming its node or edge, when the graph is what is wrong. */
    readonly issues?: GraphIssue[],
    /** Sent as `Retry-After` (a 503 that a later retry will get through). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
