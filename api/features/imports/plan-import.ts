/**
 * Turns a CSV of leads into the events that import them: per row, one CRM sync of its
 * attributes and, when the row carries a known outcome, one CRM outcome. Rows are checked one by
 * one, so a bad row is reported with its reason and never stops the good ones.
 */
import { attributeNames } from '../../../rules/calibration/map-columns';
import { parseCsv, type CsvTable } from '../../csv/read-csv';
import type { CrmOutcome } from '../../../engine/types';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS, leadEventSchemaFor, leadIdSchema, type LeadEventInput } from '../../contracts/events.contract';
import type { RowError } from '../../db/imports.repository';

export interface ImportOptions {
  leadIdColumn: string;
  outcomeColumn?: string | undefined;
  occurredAtColumn?: string | undefined;
  /** Sniffed from the first lines when not given. */
  separator?: string | undefined;
  /** Values that mean "not filled in" (form defaults such as "Select"). */
  missing?: string[];
}

export interface PlannedRow {
  /** The line of the file it came from (1 = the header). */
  line: number;
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

const OUTCOMES: Record<string, Extract<CrmOutcome, 'won' | 'lost'>> = { '1': 'won', true: 'won', yes: 'won', won: 'won', converted: 'won', customer: 'won', '0': 'lost', false: 'lost', no: 'lost', lost: 'lost' };
const MAX_ATTRIBUTES = 50;

/**
 * Plans the import of `text`. `fileId` (the file's hash) goes into every event id, so importing
 * the same file again has no effect, and an import that was cut short can simply be repeated.
 * Rows are checked as events sent to the API at `now` are: a date more than
 * `maxFutureSkewSeconds` after it is the row's error.
 */
export function planImport(text: string, options: ImportOptions, fileId: string, now: string, maxFutureSkewSeconds = DEFAULT_MAX_FUTURE_SKEW_SECONDS): ImportPlan {
  const eventSchema = leadEventSchemaFor({ maxFutureSkewSeconds, now: () => Date.parse(now) });
  let table: CsvTable;
  try {
    table = parseCsv(text, options.separator === undefined ? {} : { delimiter: options.separator });
  } catch (err) {
    throw new ImportFileError(`The file is not readable as CSV: ${(err as Error).message}`, 'body');
  }
  const header = table.columns;
  const known = (column: string | undefined, field: string) => {
    if (column !== undefined && !header.includes(column)) throw new ImportFileError(`No column "${column}" in the file (columns: ${header.join(', ')})`, field);
  };
  known(options.leadIdColumn, 'query.leadIdColumn');
  known(options.outcomeColumn, 'query.outcomeColumn');
  known(options.occurredAtColumn, 'query.occurredAtColumn');
  const special = new Set([options.leadIdColumn, options.outcomeColumn, options.occurredAtColumn]);
  const attributeColumns = header.filter((column) => !special.has(column));
  // The same names calibration gives the columns, so a calibrated model reads imported leads.
  const names = attributeNames(attributeColumns);
  const columns = attributeColumns.map((column, i) => ({ column, attribute: names[i] as string }));
  if (columns.length > MAX_ATTRIBUTES) throw new ImportFileError(`The file has ${columns.length} attribute columns; a lead takes at most ${MAX_ATTRIBUTES}`, 'body');
  const missing = new Set((options.missing ?? ['', 'Select', 'NA', 'N/A', 'null']).map((token) => token.toLowerCase()));

  const planned: PlannedRow[] = [];
  const errors: RowError[] = table.problems.map(({ line, message }) => ({ line, message: `has ${message}` }));
  table.rows.forEach((cells, i) => {
    const line = table.lines[i] as number;
    const problems: RowError[] = [];
    const rawId = (cells[options.leadIdColumn] ?? '').trim();
    const leadId = leadIdSchema.safeParse(rawId);
    if (!leadId.success) problems.push({ line, column: options.leadIdColumn, message: `lead id ${JSON.stringify(rawId)}: ${leadId.error.issues[0]?.message}` });
    let at = now;
    if (options.occurredAtColumn !== undefined) {
      const raw = cells[options.occurredAtColumn] ?? '';
      const parsed = Date.parse(raw);
      if (Number.isNaN(parsed)) problems.push({ line, column: options.occurredAtColumn, message: `not a date: ${JSON.stringify(raw)}` });
      else at = new Date(parsed).toISOString();
    }
    let outcome: Extract<CrmOutcome, 'won' | 'lost'> | undefined;
    if (options.outcomeColumn !== undefined) {
      const raw = (cells[options.outcomeColumn] ?? '').trim();
      if (!missing.has(raw.toLowerCase())) {
        outcome = OUTCOMES[raw.toLowerCase()];
        if (!outcome) problems.push({ line, column: options.outcomeColumn, message: `unknown outcome ${JSON.stringify(raw)}; use 1/0, yes/no, won/lost` });
      }
    }
    if (problems.length > 0 || !leadId.success) {
      errors.push(...problems);
      return;
    }
    const attributes: Record<string, string | number> = {};
    for (const { column, attribute } of columns) {
      const raw = (cells[column] ?? '').trim();
      if (missing.has(raw.toLowerCase())) continue;
      attributes[attribute] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    }
    // The known outcome stays on the lead as an attribute too: reports and calibration read it.
    if (outcome) attributes.outcome = outcome;
    const events: unknown[] = [
      { eventId: `import:${fileId}:${line}`, leadId: leadId.data, type: 'custom', properties: { name: 'crm_sync' }, attributes, occurredAt: at },
    ];
    if (outcome) events.push({ eventId: `import:${fileId}:${line}:outcome`, leadId: leadId.data, type: 'crm_outcome', properties: { outcome }, occurredAt: at });
    const checked = events.map((event) => eventSchema.safeParse(event));
    const bad = checked.flatMap((result) => (result.success ? [] : result.error.issues));
    if (bad.length > 0) {
      const rowErrors = bad.map((issue) => ({ line, column: columnOf(issue.path, columns, options.occurredAtColumn), message: issue.message }));
      // A row's sync and outcome share its date: a bad one is named once.
      errors.push(...rowErrors.filter((e, i) => rowErrors.findIndex((other) => other.column === e.column && other.message === e.message) === i));
      return;
    }
    planned.push({ line, events: checked.map((result) => result.data as LeadEventInput) });
  });
  errors.sort((a, b) => a.line - b.line);
  return { columns, rows: table.rows.length + table.problems.length, planned, errors };
}

function columnOf(path: PropertyKey[], columns: Array<{ column: string; attribute: string }>, occurredAtColumn: string | undefined): string | undefined {
  if (path[0] === 'occurredAt') return occurredAtColumn;
  const attribute = path[0] === 'attributes' ? String(path[1]) : undefined;
  return columns.find((c) => c.attribute === attribute)?.column;
}
