/** The small concurrency plumbing `npm run bench:live` shares between its phases. */

/** Runs `work` over `items` with at most `concurrency` calls in flight, taking items in order. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `tick` every `everyMs` until the returned function is called. */
export function every(everyMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
}
