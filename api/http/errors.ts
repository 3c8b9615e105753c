/** An error with an HTTP status and a stable code; the error handler turns it into the one error shape. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    /** A rule graph's issues, each naming its node or edge, when the graph is what is wrong. */
    readonly issues?: unknown[],
    /** Sent as `Retry-After` (a 503 that a later retry will get through). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface FieldError {
  /** Where the problem is, e.g. `body.occurredAt` or `params.leadId`. */
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: { status: number; code: string; message: string; fields?: FieldError[]; issues?: unknown[]; requestId?: string };
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
