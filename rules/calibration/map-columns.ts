/**
 * Which lead attribute each column of a CRM export becomes. Names follow the API's CSV import
 * ("Lead Source" → leadSource, "TotalVisits" → totalVisits, a repeat gets "_2"), so rules
 * calibrated on an export fire on the leads imported from it. A name the facts catalogue
 * already has (leadSource, country) is that catalogue attribute; any other is declared by the
 * proposed model.
 */
import { dateOfAge, type ColumnKind, type Dataset } from '../../engine/calibration/dataset';
import type { ColumnProfile } from '../../engine/calibration/profile-columns';
import type { FactValue } from '../../engine/types';
import { FACTS_BY_ID } from '../facts-catalogue';

export interface ColumnMapping {
  column: string;
  kind: ColumnKind;
  /** The attribute name, without `lead.`. */
  attribute: string;
  /** `lead.<attribute>`: the fact rules test. */
  fact: string;
  type: 'string' | 'number' | 'date';
  /** False for an attribute of the facts catalogue; true for one the model declares. */
  declared: boolean;
}

export interface MappingProposal {
  mappings: ColumnMapping[];
  /** Columns left out, and why (an identifier, a constant, the outcome…). */
  ignored: Array<{ column: string; reason: string }>;
}

export interface MappingOptions {
  outcome: string;
  /** Columns the user leaves out. */
  exclude?: readonly string[];
  /** The user's column types, over the profiled ones; 'ignore' leaves a column out. */
  types?: Readonly<Record<string, ColumnKind | 'ignore'>>;
}

/**
 * Proposes a mapping for profiled columns: numbers, categories and dates (but a creation date)
 * are kept, the rest explained away.
 */
export function proposeMapping(profiles: readonly ColumnProfile[], options: MappingOptions): MappingProposal {
  const names = attributeNames(profiles.map((profile) => profile.column));
  const mappings: ColumnMapping[] = [];
  const ignored: MappingProposal['ignored'] = [];
  profiles.forEach((profile, index) => {
    const { column } = profile;
    const override = options.types?.[column];
    const kind = override ?? (profile.kind === 'number' || profile.kind === 'category' || (profile.kind === 'date' && !profile.unusable) ? profile.kind : undefined);
    if (column === options.outcome) return ignored.push({ column, reason: 'the outcome' });
    if (options.exclude?.includes(column)) return ignored.push({ column, reason: 'left out by the user' });
    if (kind === 'ignore') return ignored.push({ column, reason: 'ignored by the user' });
    if (kind === undefined) return ignored.push({ column, reason: profile.unusable ?? `a ${profile.kind} column` });
    const attribute = names[index] as string;
    const fact = `lead.${attribute}`;
    const type = attributeType(kind);
    const known = FACTS_BY_ID.get(fact);
    if (known && (known.source !== 'lead' || known.type !== type)) {
      return ignored.push({ column, reason: `its attribute "${attribute}" is a ${known.type} in the facts catalogue, but the column holds ${HOLDS[kind]}` });
    }
    mappings.push({ column, kind, attribute, fact, type, declared: !known });
  });
  return { mappings, ignored };
}

/** What a column read as `kind` holds, in words. */
export const HOLDS: Readonly<Record<ColumnKind, string>> = { number: 'numbers', category: 'text', date: 'dates' };

/** The type of the lead attribute a column read as `kind` becomes. */
export function attributeType(kind: ColumnKind): ColumnMapping['type'] {
  return kind === 'category' ? 'string' : kind;
}

/** Column headers as attribute names, as the API's CSV import names them. */
export function attributeNames(headers: readonly string[]): string[] {
  const used = new Set<string>();
  return headers.map((column) => {
    const words = column.split(/[^A-Za-z0-9]+/).filter(Boolean);
    let name = words.map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() : word.charAt(0).toUpperCase()) + word.slice(1)).join('') || 'column';
    if (!/^[A-Za-z]/.test(name)) name = `c${name}`;
    name = name.slice(0, 60);
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}_${n}`;
    used.add(unique);
    return unique;
  });
}

/**
 * A reader of lead attributes from rows of `dataset` under `mappings`: missing values are left
 * out, as a CRM sync would leave them unset; columns the data set lacks are skipped.
 */
export function leadAttributeReader(dataset: Dataset, mappings: readonly ColumnMapping[]): (row: number) => Record<string, FactValue> {
  const byName = new Map(dataset.columns.map((column) => [column.name, column]));
  const present = mappings.flatMap((mapping) => {
    const column = byName.get(mapping.column);
    return column ? [{ attribute: mapping.attribute, column }] : [];
  });
  return (row) => {
    const attributes: Record<string, FactValue> = {};
    for (const { attribute, column } of present) {
      const value = column.values[row];
      if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) continue;
      // A date is synced as a date: rules measure its age at the time the lead is scored.
      attributes[attribute] = column.kind === 'date' ? dateOfAge(dataset.asOf as number, value as number) : value;
    }
    return attributes;
  };
}
