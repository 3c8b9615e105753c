/**
 * A train / hold-out split of labelled leads: seeded, so the same export and seed always give
 * the same split, and stratified, so both parts keep the overall close rate.
 */

export interface Split {
  /** Row indices the models learn from, ascending. */
  train: number[];
  /** Row indices kept out for the backtest, ascending. */
  holdout: number[];
}

export interface SplitOptions {
  /** Share of each outcome class held out (default 0.3). */
  holdoutShare?: number;
  /** Seed of the shuffle (default 42). */
  seed?: number;
}

/**
 * Splits rows by their 0/1 `labels`, holding out `holdoutShare` of the converted and of the
 * unconverted rows separately.
 * @throws RangeError when `holdoutShare` is not strictly between 0 and 1, or when either outcome
 *   has fewer than two rows (nothing could then be both learned and tested).
 */
export function stratifiedSplit(labels: ArrayLike<number>, options: SplitOptions = {}): Split {
  const share = options.holdoutShare ?? 0.3;
  if (!(share > 0 && share < 1)) throw new RangeError(`stratifiedSplit: holdoutShare must be between 0 and 1, got ${share}`);
  const random = mulberry32(options.seed ?? 42);
  const train: number[] = [];
  const holdout: number[] = [];
  for (const outcome of [1, 0]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === outcome) rows.push(i);
    if (rows.length < 2) throw new RangeError(`stratifiedSplit: needs at least two rows with outcome ${outcome}, got ${rows.length}`);
    shuffle(rows, random);
    // Both parts get at least one row of each outcome, or AUC and close rates are undefined.
    const held = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * share)));
    holdout.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}

/** Fisher–Yates, in place, driven by `random` so that it is reproducible. */
function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = items[i] as number;
    items[i] = items[j] as number;
    items[j] = swap;
  }
}

/** A small seeded generator (Mulberry32): the same seed gives the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
