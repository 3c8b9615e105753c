/**
 * The proposed model: an ordinary, editable rule graph built from the close-rate table, plus the
 * fitted predictive score.
 *
 * Points. For every column, a trigger on its attribute changing; for every supported value (or
 * band of a number) a condition and a points node. Points follow the value's close-rate ratio r
 * (its smoothed close rate over the overall one): `pointsPerRatio · (r − 1)` for values that
 * close above average, `−pointsPerRatio · (1/r − 1)` below, so "twice as likely" earns as much
 * as "half as likely" loses. Missing values get no rule: an unset attribute never triggers one.
 * Each rule gives its points once per lead, as fit rules do.
 *
 * Predictive score. The logistic model's features become its terms: a linear term per number
 * (clipped and standardised as in the fit), a 'when' term per category value, pooled "other"
 * values, age band of a date, and missing value.
 *
 * Dates. A date column is proposed as its age in days when the lead is scored, in readable bands:
 * "Last activity: within 30 days" tests `withinDays 30`, "more than 90 days ago" `olderThanDays
 * 90`; the export's ages count to its newest date, a live lead's to the event being scored.
 */
import { ageBandLabel } from '../../engine/calibration/bands';
import type { CloseRateLevel, CloseRateTable } from '../../engine/calibration/close-rates';
import type { Design } from '../../engine/calibration/design-matrix';
import type { LogisticModel } from '../../engine/calibration/logistic-regression';
import type { ConditionLeaf, GraphNode, PredictiveTerm, RuleGraphInput } from '../graph.schema';
import { LIMITS } from '../graph.schema';
import type { ColumnMapping } from './map-columns';

export const CLOSE_RATE_SCORE = 'close_rate';
export const PREDICTIVE_SCORE = 'predictive';

export interface ProposeGraphInput {
  name?: string;
  /** The close-rate table of the training leads, over the columns to score. */
  table: CloseRateTable;
  mappings: readonly ColumnMapping[];
  /** The fitted predictive model and its design; absent, the graph has points only. */
  predictive?: { design: Design; model: LogisticModel };
  /** A threshold that hands leads to sales (default: none). */
  threshold?: { score: string; value: number };
  /** Points for a close-rate ratio of 2 (default 10). */
  pointsPerRatio?: number;
  /** Per column, its values written more than one way and every spelling: rules match them all. */
  spellings?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Rules worth fewer points than this (either way) are left out: noise more than signal (default 2). */
  minPoints?: number;
  /** At most this many points rules, the largest by points × leads (default 36). */
  maxRules?: number;
}

/** A value and its other spellings: rules that test a value test every way it was written. */
type Spellings = ReadonlyMap<string, readonly string[]> | undefined;

type NodeInput = RuleGraphInput['nodes'][number];

/**
 * Builds the graph. It validates and compiles like any other (the calibration pipeline checks
 * that it does).
 */
export function proposeGraph(input: ProposeGraphInput): RuleGraphInput {
  const perRatio = input.pointsPerRatio ?? 10;
  const byColumn = new Map(input.mappings.map((mapping) => [mapping.column, mapping]));
  const nodes: NodeInput[] = [];
  const edges: RuleGraphInput['edges'] = [];
  const used = new Set<string>();
  const ids = new Set<string>();
  let row = 0;
  const minPoints = input.minPoints ?? 2;
  const candidates = input.table.columns.flatMap((rates) => {
    const mapping = byColumn.get(rates.column);
    if (!mapping) return [];
    return rates.levels
      .map((level) => ({ column: rates.column, level, points: pointsFor(level.ratio, perRatio), condition: conditionFor(level, mapping.fact, input.spellings?.get(rates.column)) }))
      .filter((rule): rule is typeof rule & { condition: NonNullable<typeof rule.condition> } => rule.level.supported && Math.abs(rule.points) >= minPoints && rule.condition !== undefined);
  });
  const strongest = new Set([...candidates].sort((a, b) => Math.abs(b.points) * b.level.leads - Math.abs(a.points) * a.level.leads).slice(0, input.maxRules ?? 36));

  input.table.columns.forEach((rates, columnIndex) => {
    const mapping = byColumn.get(rates.column);
    if (!mapping) return;
    const rules = candidates.filter((rule) => rule.column === rates.column && strongest.has(rule));
    if (rules.length === 0) return;
    used.add(mapping.column);
    const key = uniqueKey(mapping.attribute, columnIndex, ids);
    const trigger = `${key}-set`;
    nodes.push({ id: trigger, kind: 'trigger', label: short(`${rates.column} set`), attributes: [mapping.fact], position: at(0, row) });
    rules.forEach(({ level, points, condition }, k) => {
      const conditionId = `${key}-${k + 1}`;
      const pointsId = `${conditionId}-points`;
      nodes.push(
        { id: conditionId, kind: 'condition', label: short(`${rates.column}: ${level.label}`), ...condition, position: at(1, row) },
        {
          id: pointsId,
          kind: 'points',
          label: short(`${rates.column}: ${level.label} (closes ${level.ratio.toFixed(2)}× the average)`),
          score: CLOSE_RATE_SCORE,
          points,
          limits: { oncePerLead: true },
          position: at(2, row),
        },
      );
      // Each node has one incoming edge, so the edge is named after its target (ids stay under 64 characters).
      edges.push({ id: `to-${conditionId}`, source: trigger, target: conditionId }, { id: `to-${pointsId}`, source: conditionId, target: pointsId });
      row++;
    });
    row++;
  });

  const predictive = input.predictive && predictiveSection(input.predictive.design, input.predictive.model, byColumn, input.spellings, input.table.overallRate);
  for (const feature of input.predictive?.design.features ?? []) used.add(feature.column);
  if (input.threshold) {
    nodes.push(
      { id: 'sales-ready', kind: 'threshold', label: 'Sales-ready (calibrated)', score: input.threshold.score, value: input.threshold.value, stage: 'mql', position: at(3, 0) },
      { id: 'sales', kind: 'route', label: 'Sales', team: 'Sales', queue: 'sales', position: at(4, 0) },
    );
    edges.push({ id: 'to-sales', source: 'sales-ready', target: 'sales' });
  }
  const declared = input.mappings.filter((mapping) => mapping.declared && used.has(mapping.column));
  return {
    name: short(input.name ?? 'Calibrated from history'),
    description: 'Proposed from past leads: points from close rates, and a predictive score fitted by logistic regression.',
    scores: [
      { id: CLOSE_RATE_SCORE, label: 'Close-rate points' },
      ...(predictive ? [{ id: PREDICTIVE_SCORE, label: 'Likelihood to convert (50 = average lead)', min: 0, max: 100 }] : []),
    ],
    ...(declared.length > 0 && { attributes: declared.map((mapping) => ({ id: mapping.attribute, label: short(mapping.column), type: mapping.type })) }),
    nodes,
    edges,
    ...(predictive && { predictive: [predictive] }),
  };
}

/** Points for a close-rate ratio: symmetric in "times as likely" (module comment), whole, within the language's ±1000. */
export function pointsFor(ratio: number, pointsPerRatio = 10): number {
  if (!(ratio > 0)) return -1000;
  const points = ratio >= 1 ? pointsPerRatio * (ratio - 1) : -pointsPerRatio * (1 / ratio - 1);
  // `|| 0` turns a rounded -0 into 0.
  return Math.max(-1000, Math.min(1000, Math.round(points) || 0));
}

/** The condition node body selecting a level's leads, or undefined when the language cannot say it. */
function conditionFor(level: CloseRateLevel, fact: string, spellings: Spellings): Pick<Extract<NodeInput, { kind: 'condition' }>, 'match' | 'conditions'> | undefined {
  const { match } = level;
  switch (match.kind) {
    case 'value':
      return { match: 'all', conditions: [valueCondition(fact, match.value, spellings)] };
    case 'other': {
      const others = otherConditions(fact, match.except, spellings);
      return others && { match: 'all', conditions: others };
    }
    case 'band': {
      const conditions: ConditionLeaf[] = [];
      if (match.from !== undefined) conditions.push({ fact, operator: 'greaterThanInclusive', value: match.from });
      if (match.to !== undefined) conditions.push({ fact, operator: 'lessThan', value: match.to });
      return conditions.length > 0 ? { match: 'all', conditions } : undefined;
    }
    case 'age': {
      const conditions = ageConditions(fact, match);
      return conditions.length > 0 ? { match: 'all', conditions } : undefined;
    }
    case 'missing':
      return undefined;
  }
}

/**
 * An age band of a date attribute as conditions on its age when the lead is scored ("within 30
 * days", "more than 30 days ago"): never a comparison with a calendar date, which would match no
 * future lead, or every one.
 */
function ageConditions(fact: string, band: { over?: number; upTo?: number }): ConditionLeaf[] {
  return [
    ...(band.over !== undefined ? [{ fact, operator: 'olderThanDays' as const, value: band.over }] : []),
    ...(band.upTo !== undefined ? [{ fact, operator: 'withinDays' as const, value: band.upTo }] : []),
  ];
}

/** `equal` the value, or `in` all its spellings. */
function valueCondition(fact: string, value: string, spellings: Spellings): ConditionLeaf {
  const all = spellings?.get(value);
  return all && all.length > 1 && all.length <= LIMITS.listValues ? { fact, operator: 'in', value: [...all] } : { fact, operator: 'equal', value };
}

/** A value outside the listed ones (in any of their spellings); undefined when the list is too long for the language. */
function otherConditions(fact: string, except: readonly string[], spellings: Spellings): ConditionLeaf[] | undefined {
  const all = except.flatMap((value) => spellings?.get(value) ?? [value]);
  if (all.length > LIMITS.listValues) return undefined;
  return [{ fact, operator: 'isKnown', value: true }, ...(all.length > 0 ? [{ fact, operator: 'notIn' as const, value: all }] : [])];
}

function predictiveSection(
  design: Design,
  model: LogisticModel,
  byColumn: ReadonlyMap<string, ColumnMapping>,
  spellingsByColumn: ProposeGraphInput['spellings'],
  overallRate: number,
): NonNullable<RuleGraphInput['predictive']>[number] {
  const rate = Math.min(Math.max(overallRate, 1e-6), 1 - 1e-6);
  const baseline = Math.log(rate / (1 - rate));
  const terms: PredictiveTerm[] = [];
  design.features.forEach((feature, index) => {
    const mapping = byColumn.get(feature.column);
    const weight = round(model.weights[index] as number);
    if (!mapping || weight === 0) return;
    const fact = mapping.fact;
    const spellings = spellingsByColumn?.get(feature.column);
    const when = (label: string, conditions: ConditionLeaf[]): PredictiveTerm => ({ kind: 'when', label: short(label), weight, match: 'all', conditions });
    switch (feature.kind) {
      case 'numeric':
        terms.push({ kind: 'linear', label: short(feature.column), weight, fact, center: feature.center, scale: feature.scale, lower: feature.lower, upper: feature.upper });
        break;
      case 'missing':
        terms.push(when(`${feature.column}: missing`, [{ fact, operator: 'isKnown', value: false }]));
        break;
      case 'level':
        terms.push(when(`${feature.column}: ${feature.value}`, [valueCondition(fact, feature.value, spellings)]));
        break;
      case 'other': {
        const others = otherConditions(fact, feature.except, spellings);
        if (others) terms.push(when(`${feature.column}: other values`, others));
        break;
      }
      case 'age': {
        const conditions = ageConditions(fact, feature);
        if (conditions.length > 0) terms.push(when(`${feature.column}: ${ageBandLabel(feature)}`, conditions));
        break;
      }
    }
  });
  // The value is relative to the average lead (schema: baseline), so it spreads at any base rate.
  return { score: PREDICTIVE_SCORE, label: 'Likelihood to convert against the average lead, fitted on history', intercept: round(model.intercept), baseline: round(baseline), terms };
}

/** A node id stem from the attribute: readable, within the 64 characters an id may have, unique. */
function uniqueKey(attribute: string, columnIndex: number, ids: Set<string>): string {
  let key = attribute.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || `column${columnIndex}`;
  if (ids.has(key)) key = `${key.slice(0, 34)}-${columnIndex}`;
  ids.add(key);
  return key;
}

/** Six decimals: enough for a score rounded to whole percent, and a graph a person can read. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function short(text: string): string {
  return text.length <= LIMITS.text ? text : `${text.slice(0, LIMITS.text - 1)}…`;
}

function at(column: number, row: number): NonNullable<GraphNode['position']> {
  return { x: column * 320, y: row * 90 };
}
