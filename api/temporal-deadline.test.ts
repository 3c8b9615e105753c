import net from 'node:net';
import { Connection, type GrpcRetryOptions } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { retriesWithin, temporalInterceptors } from './temporal-deadline';

const UNAVAILABLE = { code: 14, details: 'No connection established', metadata: undefined as never };
const INVALID_ARGUMENT = { code: 3, details: 'bad request', metadata: undefined as never };

/** Retries that always wait `ms` and would be made up to ten times. */
const waiting = (ms: number): GrpcRetryOptions => ({ retryableDecider: (attempt, status) => attempt < 10 && status.code === 14, delayFunction: () => ms });

describe('retries of a call to Temporal', () => {
  it('are made while their wait ends before the deadline, and the first that would not is not made', () => {
    let clock = 0;
    const retries = retriesWithin(1_000, waiting(300), () => clock);
    const made: number[] = [];
    for (let attempt = 1; retries.retryableDecider(attempt, UNAVAILABLE); attempt++) {
      clock += retries.delayFunction(attempt, UNAVAILABLE) + 10; // the wait, then the refused attempt
      made.push(clock);
    }
    expect(made).toEqual([310, 620, 930]);
  });

  it('are not made for an answer the SDK would not retry, deadline or not', () => {
    expect(retriesWithin(Infinity, waiting(1), () => 0).retryableDecider(1, INVALID_ARGUMENT)).toBe(false);
    expect(retriesWithin(Infinity, waiting(1), () => 0).retryableDecider(10, UNAVAILABLE)).toBe(false);
  });

  it('of a call with no deadline (a long poll) follow the SDK', () => {
    const retries = retriesWithin(Infinity, waiting(5_000), () => Date.now());
    expect(retries.retryableDecider(1, UNAVAILABLE)).toBe(true);
    expect(retries.delayFunction(1, UNAVAILABLE)).toBe(5_000);
  });
});

describe('a call to a Temporal address where nothing listens', () => {
  it("fails with Temporal's refusal before its deadline, not on the deadline after a wait past it", async () => {
    const port = await closedPort();
    const connection = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: temporalInterceptors(800) });
    try {
      const failure = await connection.workflowService.getSystemInfo({}).then(() => undefined, (err: unknown) => err);
      // 14 UNAVAILABLE: the last refusal. 4 DEADLINE_EXCEEDED would mean a retry slept past the deadline.
      expect(failure).toMatchObject({ code: 14 });
    } finally {
      await connection.close();
    }
  });
});

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
