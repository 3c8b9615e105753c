import { describe, expect, it } from 'vitest';
import { HttpError } from '../../http/errors';
import { createIngestGate, whenRoom } from './ingest-gate';

/** A delivery that finishes when the test says so. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

describe('the ingest gate', () => {
  it('refuses a request that would take the deliveries in flight past the limit, with a wait, before running any of it', async () => {
    const gate = createIngestGate(10);
    const slow = pending();
    const first = gate.run(8, () => slow.done);
    expect(gate.held).toBe(8);
    let ran = false;
    const refused = await gate.run(3, async () => (ran = true)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, code: 'overloaded', retryAfterSeconds: expect.any(Number) });
    expect((refused as HttpError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(ran).toBe(false);
    // What fits still goes.
    await gate.run(2, async () => undefined);
    slow.finish();
    await first;
    expect(gate.held).toBe(0);
    // Once the slow deliveries are done, the refused request goes through when retried.
    expect(await gate.run(3, async () => 'applied')).toBe('applied');
  });

  it('lets a request larger than the whole limit through when nothing else is in flight', async () => {
    const gate = createIngestGate(10);
    expect(await gate.run(50, async () => 'alone')).toBe('alone');
  });

  it('releases what a failed request held', async () => {
    const gate = createIngestGate(10);
    await expect(gate.run(10, async () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(gate.held).toBe(0);
  });

  it('makes background work wait for room instead of failing', async () => {
    const gate = createIngestGate(4);
    const slow = pending();
    const first = gate.run(4, () => slow.done);
    const waiting = whenRoom(gate, 2, async () => 'imported');
    setTimeout(slow.finish, 50);
    await first;
    expect(await waiting).toBe('imported');
  });
});
