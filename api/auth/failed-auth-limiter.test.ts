import { describe, expect, it } from 'vitest';
import { createFailedAuthLimiter } from './failed-auth-limiter';

describe('failed authentication limiter', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('lets a client fail up to the limit, then makes it wait until the oldest failure leaves the window', () => {
    const time = clock();
    const limiter = createFailedAuthLimiter({ failures: 3, windowSeconds: 60 }, time.now);
    limiter.failed('1.2.3.4');
    time.advance(10_000);
    limiter.failed('1.2.3.4');
    expect(limiter.retryAfter('1.2.3.4')).toBe(0);
    limiter.failed('1.2.3.4');
    // The first failure was 10 s before the second: 50 s left of its minute.
    expect(limiter.retryAfter('1.2.3.4')).toBe(50);
    time.advance(49_500);
    expect(limiter.retryAfter('1.2.3.4')).toBe(1);
    time.advance(500);
    expect(limiter.retryAfter('1.2.3.4')).toBe(0);
  });

  it('counts each client apart', () => {
    const time = clock();
    const limiter = createFailedAuthLimiter({ failures: 2, windowSeconds: 60 }, time.now);
    limiter.failed('a');
    limiter.failed('a');
    expect(limiter.retryAfter('a')).toBe(60);
    expect(limiter.retryAfter('b')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const time = clock();
    const limiter = createFailedAuthLimiter({ failures: 2, windowSeconds: 60 }, time.now);
    limiter.failed('a');
    time.advance(61_000);
    limiter.failed('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });
});
