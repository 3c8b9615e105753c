/**
 * Turns a CSV of leads into the events that import them: per row, one CRM sync of its
 * attributes and, when the row carries a known outcome, one CRM outcome. Rows are checked one by
 * one, so a bad row is reported with its reason and never stops the good ones.
 */
import { parse } from 'csv-parse/sync';
import { leadEventSchema, leadIdSchema, type LeadEventInput } from '../events/events.schemas';
import type { RowError } from '../../db/imports.repository';

export interface ImportOptions {
  leadIdColumn: string;
  outcomeColumn?: string | undefined;
  occurredAtColumn?: string | undefined;
  /** Sniffed from the header line when not given. */
  separator?: string | undefined;
  /** Values that mean "not filled in" (form defaults such as "Select"). */
  missing?: string[];
}

export interface PlannedRow {
  row: number;
  events: LeadEventInput[];
}

export interface ImportPlan {
  columns: Array<{ column: string; attribute: string }>;
  rows: number;
  planned: PlannedRow[];
  errors: RowError[];
}

/** Thrown when the file as a whole cannot be imported (no such column, not CSV). */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const OUTCOMES: Record<string, 'won' | 'lost'> = { '1': 'won', true: 'won', yes: 'won', won: 'won', converted: 'won', customer: 'won', '0': 'lost', false: 'lost', no: 'lost', lost: 'lost' };
const MAX_ATTRIBUTES = 50;

/**
 * Plans the import of `text`. `fileId` (the file's hash) goes into every event id, so importing
 * the same file again has no effect, and an import that was cut short can simply be repeated.
 */
export function planImport(text: string, options: ImportOptions, fileId: string, now: string): ImportPlan {
  const separator = options.separator ?? sniffSeparator(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter: separator, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw new ImportFileError(`The file is not readable as CSV: ${(err as Error).message}`, 'body');
  }
  const [header, ...rows] = records;
  if (!header) throw new ImportFileError('The file is empty', 'body');
  const index = (column: string | undefined, field: string) => {
    if (column === undefined) return undefined;
    const at = header.indexOf(column);
    if (at < 0) throw new ImportFileError(`No column "${column}" in the file (columns: ${header.join(', ')})`, field);
    return at;
  };
  const leadIdAt = index(options.leadIdColumn, 'query.leadIdColumn') as number;
  const outcomeAt = index(options.outcomeColumn, 'query.outcomeColumn');
  const occurredAt = index(options.occurredAtColumn, 'query.occurredAtColumn');
  const columns = attributeNames(header.filter((_c, i) => i !== leadIdAt && i !== outcomeAt && i !== occurredAt));
  if (columns.length > MAX_ATTRIBUTES) throw new ImportFileError(`The file has ${columns.length} attribute columns; a lead takes at most ${MAX_ATTRIBUTES}`, 'body');
  const missing = new Set((options.missing ?? ['', 'Select', 'NA', 'N/A', 'null']).map((token) => token.toLowerCase()));

  const planned: PlannedRow[] = [];
  const errors: RowError[] = [];
  rows.forEach((cells, i) => {
    const row = i + 1;
    const problems: RowError[] = [];
    const leadId = leadIdSchema.safeParse(cells[leadIdAt] ?? '');
    if (!leadId.success) problems.push({ row, column: options.leadIdColumn, message: `lead id ${JSON.stringify(cells[leadIdAt] ?? '')}: ${leadId.error.issues[0]?.message}` });
    if (cells.length !== header.length) problems.push({ row, message: `has ${cells.length} fields, the header ${header.length}` });
    let at = now;
    if (occurredAt !== undefined) {
      const parsed = Date.parse(cells[occurredAt] ?? '');
      if (Number.isNaN(parsed)) problems.push({ row, column: options.occurredAtColumn as string, message: `not a date: ${JSON.stringify(cells[occurredAt] ?? '')}` });
      else at = new Date(parsed).toISOString();
    }
    let outcome: 'won' | 'lost' | undefined;
    if (outcomeAt !== undefined) {
      const raw = (cells[outcomeAt] ?? '').trim();
      if (!missing.has(raw.toLowerCase())) {
        outcome = OUTCOMES[raw.toLowerCase()];
        if (!outcome) problems.push({ row, column: options.outcomeColumn as string, message: `unknown outcome ${JSON.stringify(raw)}; use 1/0, yes/no, won/lost` });
      }
    }
    if (problems.length > 0 || !leadId.success) {
      errors.push(...problems);
      return;
    }
    const attributes: Record<string, string | number> = {};
    for (const { column, attribute } of columns) {
      const raw = cells[header.indexOf(column)] ?? '';
      if (missing.has(raw.toLowerCase())) continue;
      attributes[attribute] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    }
    // The known outcome stays on the lead as an attribute too: reports and calibration read it.
    if (outcome) attributes.outcome = outcome;
    const events: unknown[] = [
      { eventId: `import:${fileId}:${row}`, leadId: leadId.data, type: 'custom', properties: { name: 'crm_sync' }, attributes, occurredAt: at },
    ];
    if (outcome) events.push({ eventId: `import:${fileId}:${row}:outcome`, leadId: leadId.data, type: 'crm_outcome', properties: { outcome }, occurredAt: at });
    const checked = events.map((event) => leadEventSchema.safeParse(event));
    const bad = checked.flatMap((result) => (result.success ? [] : result.error.issues));
    if (bad.length > 0) {
      errors.push(...bad.map((issue) => ({ row, column: columnOf(issue.path, columns), message: issue.message })));
      return;
    }
    planned.push({ row, events: checked.map((result) => result.data as LeadEventInput) });
  });
  return { columns, rows: rows.length, planned, errors };
}

/** The separator that splits the header line into the most fields. */
export function sniffSeparator(text: string): string {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const candidates = [',', ';', '\t', '|'];
  return candidates.reduce((best, candidate) => (firstLine.split(candidate).length > firstLine.split(best).length ? candidate : best), ',');
}

/** CSV headers as attribute names: "Lead Source" → leadSource, "TotalVisits" → totalVisits. */
export function attributeNames(headers: string[]): Array<{ column: string; attribute: string }> {
  const used = new Set<string>();
  return headers.map((column) => {
    const words = column.split(/[^A-Za-z0-9]+/).filter(Boolean);
    let name = words.map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : word.charAt(0).toUpperCase() + word.slice(1))).join('') || 'column';
    if (!/^[A-Za-z]/.test(name)) name = `c${name}`;
    name = name.slice(0, 60);
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}_${n}`;
    used.add(unique);
    return { column, attribute: unique };
  });
}

function columnOf(path: PropertyKey[], columns: Array<{ column: string; attribute: string }>): string | undefined {
  const attribute = path[0] === 'attributes' ? String(path[1]) : undefined;
  return columns.find((c) => c.attribute === attribute)?.column;
}
