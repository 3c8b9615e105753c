/**
 * Whether two segments can hold for the same lead. Exact for the common shape (all of: is, is
 * one of, is not, numeric comparisons); anything else is assumed to overlap, so the answer errs
 * on the side of warning.
 */
import { isGroup, type Segment } from './graph.schema';

interface FactRange {
  allowed?: Set<string | number>;
  excluded: Set<string | number>;
  low: number;
  lowInclusive: boolean;
  high: number;
  highInclusive: boolean;
}

export function segmentsOverlap(a: Segment, b: Segment): boolean {
  const left = constraints(a);
  const right = constraints(b);
  if (!left || !right) return true;
  for (const [fact, range] of left) {
    const other = right.get(fact);
    if (other && !intersects(range, other)) return false;
  }
  return true;
}

/** Per fact, what an `all` segment allows; undefined when the segment is not of that shape. */
function constraints(segment: Segment): Map<string, FactRange> | undefined {
  if (segment.match !== 'all') return undefined;
  const ranges = new Map<string, FactRange>();
  for (const condition of segment.conditions) {
    if (isGroup(condition)) return undefined;
    const range = ranges.get(condition.fact) ?? { excluded: new Set(), low: -Infinity, lowInclusive: true, high: Infinity, highInclusive: true };
    ranges.set(condition.fact, range);
    const values = (Array.isArray(condition.value) ? condition.value : [condition.value]).map(normalise);
    const number = typeof condition.value === 'number' ? condition.value : NaN;
    switch (condition.operator) {
      case 'equal':
      case 'in':
        range.allowed = range.allowed ? new Set(values.filter((v) => range.allowed!.has(v))) : new Set(values);
        break;
      case 'notEqual':
      case 'notIn':
        values.forEach((v) => range.excluded.add(v));
        break;
      case 'greaterThan':
      case 'greaterThanInclusive':
        if (number > range.low || (number === range.low && condition.operator === 'greaterThan')) {
          range.low = number;
          range.lowInclusive = condition.operator === 'greaterThanInclusive';
        }
        break;
      case 'lessThan':
      case 'lessThanInclusive':
        if (number < range.high || (number === range.high && condition.operator === 'lessThan')) {
          range.high = number;
          range.highInclusive = condition.operator === 'lessThanInclusive';
        }
        break;
      default:
        // Text operators and spam signals: any value might satisfy both sides.
        break;
    }
  }
  return ranges;
}

function intersects(a: FactRange, b: FactRange): boolean {
  const low = Math.max(a.low, b.low);
  const high = Math.min(a.high, b.high);
  const lowInclusive = (a.low === low ? a.lowInclusive : true) && (b.low === low ? b.lowInclusive : true);
  const highInclusive = (a.high === high ? a.highInclusive : true) && (b.high === high ? b.highInclusive : true);
  if (low > high || (low === high && !(lowInclusive && highInclusive))) return false;
  const inRange = (v: string | number) =>
    typeof v !== 'number' || ((v > low || (v === low && lowInclusive)) && (v < high || (v === high && highInclusive)));
  const excluded = new Set([...a.excluded, ...b.excluded]);
  if (a.allowed || b.allowed) {
    const allowed = a.allowed && b.allowed ? [...a.allowed].filter((v) => b.allowed!.has(v)) : [...(a.allowed ?? b.allowed!)];
    return allowed.some((v) => !excluded.has(v) && inRange(v));
  }
  return true;
}

function normalise(value: string | number | boolean): string | number {
  return typeof value === 'string' ? value.toLowerCase() : typeof value === 'boolean' ? String(value) : value;
}
