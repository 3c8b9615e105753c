/**
 * Bulk writes in commands of a bounded size, two in flight: FerretDB v1 keeps each statement's
 * cursor open until its command ends and deadlocks once they outnumber its connection pool (two
 * commands of 50 run; four hang), while a second command in flight lets it encode one while
 * SQLite writes the other (measured: 40 % less time per rescored lead). MongoDB takes the same.
 */
export const STATEMENTS_PER_COMMAND = 40;
const COMMANDS_IN_FLIGHT = 2;

/**
 * Live turns written together (turn-writes.ts) go in smaller commands, one at a time: with a
 * rescoring's two commands of 40 beside them in the same worker, FerretDB holds at most 100
 * statements' connections at once, as two commands of 50 that are known to run.
 */
export const TURNS_PER_COMMAND = 20;

/** Runs `write` on consecutive chunks of `items` (at most `size` each), `inFlight` at a time, in order of start. */
export async function inCommands<T>(items: readonly T[], write: (chunk: T[]) => Promise<void>, size = STATEMENTS_PER_COMMAND, inFlight = COMMANDS_IN_FLIGHT): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + size);
      next += size;
      await write(chunk);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/**
 * Appends of many leads at once (their live turns, written together: turn-writes.ts). The items
 * that `fit` one guarded statement go in shared commands of TURNS_PER_COMMAND, one at a time:
 * `bulk` writes a chunk and answers how many statements matched their guard. A chunk in which
 * one did not (a repeat, a turn redone over more inputs) has every item written `alone`, as has
 * every item that does not fit; `alone` must be safe to repeat.
 */
export async function appendInBulk<T>(items: readonly T[], fits: (item: T) => boolean, bulk: (chunk: T[]) => Promise<number>, alone: (item: T) => Promise<void>): Promise<void> {
  const shared = items.filter(fits);
  const chunks = inCommands(
    shared,
    async (chunk) => {
      if ((await bulk(chunk)) === chunk.length) return;
      for (const item of chunk) await alone(item);
    },
    TURNS_PER_COMMAND,
    1,
  );
  await Promise.all([...items.filter((item) => !fits(item)).map(alone), chunks]);
}

export const DUPLICATE_KEY = 11000;

/**
 * Whether a write failed only on duplicate keys (entries already written, or a newer snapshot).
 * FerretDB v1 may stop an unordered bulk write at its first error, so callers redo the rest one
 * by one rather than assume the others went in.
 */
export function onlyDuplicates(err: unknown): boolean {
  const failures = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
  if (Array.isArray(failures) && failures.length > 0) return failures.every((failure) => (failure.code ?? failure.err?.code) === DUPLICATE_KEY);
  return (err as { code?: number }).code === DUPLICATE_KEY;
}
