import { describe, expect, it } from 'vitest';
import { settle, wait, type Steps } from './steps';

/** Adds up `values`, waiting for the ones that are promises. */
function* sum(values: ReadonlyArray<number | Promise<number>>): Steps<number> {
  let total = 0;
  for (const value of values) total += yield* wait(value);
  return total;
}

describe('settle', () => {
  it('runs synchronously and returns the plain result when no promise is met', () => {
    expect(settle(sum([1, 2, 3]))).toBe(6);
  });

  it('turns async from the first promise on, and resumes with what each promise resolves to', async () => {
    const result = settle(sum([1, Promise.resolve(2), 3, Promise.resolve(4)]));
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(10);
  });

  it('runs nested steps (yield*) on the same terms', async () => {
    function* twice(values: ReadonlyArray<number | Promise<number>>): Steps<number> {
      return (yield* sum(values)) + (yield* sum(values));
    }
    expect(settle(twice([1, 2]))).toBe(6);
    await expect(settle(twice([1, Promise.resolve(2)]))).resolves.toBe(6);
  });

  it('throws a rejection into the generator at its wait, where it can be caught', async () => {
    function* guarded(): Steps<string> {
      try {
        yield* wait(Promise.reject(new Error('engine failed')));
        return 'not reached';
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    }
    await expect(settle(guarded())).resolves.toBe('caught: engine failed');
    await expect(settle(sum([1, Promise.reject(new Error('engine failed'))]))).rejects.toThrow('engine failed');
  });

  it('throws synchronously what the steps throw before any promise', () => {
    function* failing(): Steps<number> {
      throw new Error('no promise met');
    }
    expect(() => settle(failing())).toThrow('no promise met');
  });
});
