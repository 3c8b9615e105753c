/**
 * A cheap walk over untrusted JSON before schema parsing, so that a hostile graph (huge, deeply
 * nested, prototype-polluting keys, giant strings, keys no document store can hold) is refused
 * quickly and without recursion.
 */
import type { GraphIssue } from './graph-issue';

export const INPUT_LIMITS = {
  /** Objects, arrays and values in the whole document. */
  values: 200_000,
  /** Nesting of objects and arrays (a graph needs about 20 at the deepest allowed conditions). */
  depth: 40,
  stringLength: 10_000,
  arrayLength: 10_000,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// MongoDB (and FerretDB) refuse field names that start with "$" or hold "." or NUL: such a graph
// would fail deep in the database, or be read as an operator.
const UNSTORABLE_KEY = /^\$|[.\0]/;

/** Issues that make `input` unfit to parse; [] when it is safe to hand to the schema. */
export function guardInput(input: unknown): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const stack: Array<{ value: unknown; depth: number; path: Array<string | number> }> = [{ value: input, depth: 0, path: [] }];
  let seen = 0;
  const refuse = (code: string, message: string, path: Array<string | number>) => issues.push({ severity: 'error', code, message, path });

  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (++seen > INPUT_LIMITS.values) {
      refuse('too_large', `The graph is too large (more than ${INPUT_LIMITS.values} values).`, []);
      break;
    }
    if (typeof value === 'string' && value.length > INPUT_LIMITS.stringLength) {
      refuse('too_long', `A text is longer than ${INPUT_LIMITS.stringLength} characters.`, path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= INPUT_LIMITS.depth) {
      refuse('too_deep', `The graph is nested more than ${INPUT_LIMITS.depth} levels deep.`, path);
      break;
    }
    if (Array.isArray(value)) {
      if (value.length > INPUT_LIMITS.arrayLength) {
        refuse('too_large', `A list has ${value.length} entries (at most ${INPUT_LIMITS.arrayLength}).`, path);
        continue;
      }
      value.forEach((item, index) => stack.push({ value: item, depth: depth + 1, path: [...path, index] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        refuse('forbidden_key', `The key "${key}" is not allowed.`, [...path, key]);
        continue;
      }
      if (UNSTORABLE_KEY.test(key)) {
        refuse('forbidden_key', `The key "${key.replace(/\0/g, '\\0')}" cannot be stored: keys may not start with "$" or hold "." or NUL.`, [...path, key]);
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: [...path, key] });
    }
    if (issues.length >= 20) break;
  }
  return issues;
}
