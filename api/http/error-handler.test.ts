import { describe, expect, it } from 'vitest';
import { errorHandler } from './error-handler';

/** What the error handler answers for `err`: status, body and Retry-After. */
function answer(err: unknown) {
  const sent: { status?: number; body?: { error: { code: string } }; headers: Record<string, string> } = { headers: {} };
  const res = {
    setHeader: (name: string, value: string) => void (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: { error: { code: string } }) => void (sent.body = body),
  };
  const req = { log: { error: () => undefined } };
  errorHandler(err, req as never, res as never, () => undefined);
  return sent;
}

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('an error the database driver raises when the database goes away mid-request', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' })],
    ['a write to a connection the server closed', socketError('EPIPE', 'This socket has been ended by the other party')],
    ['a connection reset', socketError('ECONNRESET', 'read ECONNRESET')],
    // What an insert (insertMany) throws when the server is down: a bulk error with no document refused.
    ['an insert that could not connect', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoBulkWriteError', writeErrors: [], errorLabelSet: new Set(['SystemOverloadedError', 'RetryableError']) })],
  ])('is a 503 the client may retry: %s', (_, err) => {
    const sent = answer(err);
    expect(sent.status).toBe(503);
    expect(sent.body?.error.code).toBe('database_unavailable');
    expect(Number(sent.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('leaves any other error a 500', () => {
    expect(answer(new Error('boom')).status).toBe(500);
  });

  it('leaves a bulk write that refused documents to its caller: not an outage', () => {
    const refused = Object.assign(new Error('E11000 duplicate key error'), { name: 'MongoBulkWriteError', writeErrors: [{ code: 11000 }], errorLabelSet: new Set<string>() });
    expect(answer(refused).status).toBe(500);
  });
});

describe('an error the Temporal client raises when the server cannot take a call now', () => {
  const serviceError = (code: number, message: string) => Object.assign(new Error(`Failed to signalWithStart Workflow: ${message}`), { name: 'ServiceError', cause: Object.assign(new Error(message), { code }) });
  it.each([
    ['no answer in time', serviceError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded after 1.061s')],
    ['no server', serviceError(14, '14 UNAVAILABLE: No connection established')],
    ['too busy (a rate limit, a busy workflow)', serviceError(8, '8 RESOURCE_EXHAUSTED: namespace rate limit exceeded')],
  ])('is a 503 the client may retry: %s', (_, err) => {
    const sent = answer(err);
    expect(sent.status).toBe(503);
    expect(sent.body?.error.code).toBe('temporal_unavailable');
    expect(Number(sent.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('leaves a refusal that a retry cannot fix a 500', () => {
    expect(answer(serviceError(3, '3 INVALID_ARGUMENT: bad input')).status).toBe(500);
  });
});
