/**
 * The user's choices over a calibration's proposal — columns left out or kept, and each column's
 * kind and attribute — and what a re-run sends for them. Plain data and functions, so the screen
 * stays a view of them.
 */
import type { CalibrationChanges, CalibrationSettings, MappingOverride } from '../api/client';

export interface Choices {
  /** Columns left out by the user. */
  exclude: string[];
  /** Flagged columns kept all the same. */
  include: string[];
  /** Per column, the kind or attribute the user chose over the proposal. */
  mapping: Record<string, Omit<MappingOverride, 'column'>>;
  /** Target conversion above the threshold, 0–1; absent, the default for the base rate. */
  target?: number;
}

const ATTRIBUTE = /^[a-z][A-Za-z0-9_]{0,63}$/;

export function choicesOf(settings: CalibrationSettings): Choices {
  return {
    exclude: [...settings.exclude],
    include: [...settings.include],
    mapping: Object.fromEntries(settings.mapping.map(({ column, ...rest }) => [column, { ...rest }])),
    ...(settings.target !== undefined && { target: settings.target }),
  };
}

/** Whether `column` stays out of the models: a flagged one unless kept, any other when excluded. */
export function isLeftOut(choices: Choices, column: string, flagged: boolean): boolean {
  return choices.exclude.includes(column) || (flagged && !choices.include.includes(column));
}

export function setLeftOut(choices: Choices, column: string, flagged: boolean, leftOut: boolean): Choices {
  const without = (list: string[]) => list.filter((name) => name !== column);
  if (flagged) return { ...choices, exclude: without(choices.exclude), include: leftOut ? without(choices.include) : [...without(choices.include), column] };
  return { ...choices, exclude: leftOut ? [...without(choices.exclude), column] : without(choices.exclude) };
}

/** Sets (or, with undefined, drops) the user's kind or attribute for `column`. */
export function setMapping(choices: Choices, column: string, field: 'kind' | 'attribute', value: string | undefined): Choices {
  const { [field]: _old, ...rest } = choices.mapping[column] ?? {};
  const next = value === undefined || value === '' ? rest : { ...rest, [field]: value };
  const mapping = { ...choices.mapping };
  if (Object.keys(next).length === 0) delete mapping[column];
  else mapping[column] = next as Omit<MappingOverride, 'column'>;
  return { ...choices, mapping };
}

/** Why an attribute name would be refused, or undefined when it is fine. */
export function attributeProblem(name: string): string | undefined {
  return ATTRIBUTE.test(name) ? undefined : 'start with a lower-case letter, then letters, digits and "_" (e.g. totalVisits)';
}

/** What a re-run sends for `choices`; undefined when they are what `settings` already ran with. */
export function changesOf(choices: Choices, settings: CalibrationSettings): CalibrationChanges | undefined {
  const changes = { exclude: sorted(choices.exclude), include: sorted(choices.include), mapping: normalised(Object.entries(choices.mapping).map(([column, rest]) => ({ column, ...rest }))), target: choices.target };
  const before = { exclude: sorted(settings.exclude), include: sorted(settings.include), mapping: normalised(settings.mapping), target: settings.target };
  return JSON.stringify(changes) === JSON.stringify(before) ? undefined : changes;
}

const sorted = (list: readonly string[]) => [...list].sort();

function normalised(mapping: readonly MappingOverride[]): MappingOverride[] {
  return [...mapping]
    .sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0))
    .map(({ column, kind, attribute }) => ({ column, ...(kind && { kind }), ...(attribute && { attribute }) }));
}

/** A column's name as it appears in test ids: `Lead Quality` → `lead-quality`. */
export function slug(column: string): string {
  return column.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'column';
}
