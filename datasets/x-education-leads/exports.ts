/**
 * The X Education export for tests, as it is and as another CRM might write it (other column
 * names, outcome "Enrolled" yes/no, ";" separator, decimal commas, a byte-order mark, a separator
 * inside a quoted field): calibration and imports must read both without code changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'leads.csv');

/** The export's text. Throws (never skips) when the file is missing: a test cannot prove anything without it. */
export function readExport(): string {
  if (!existsSync(DATA)) throw new Error(`The X Education export is missing: expected ${DATA} (datasets/x-education-leads/leads.csv in the repository)`);
  return readFileSync(DATA, 'utf8');
}

/** Columns kept, and their names in the other CRM's export. */
export const RENAMED: Record<string, string> = {
  'Lead Origin': 'Origin',
  'Lead Source': 'Channel',
  TotalVisits: 'Visits',
  'Total Time Spent on Website': 'Minutes on site',
  'Last Activity': 'Latest action',
  'What is your current occupation': 'Occupation',
  Specialization: 'Field',
  Tags: 'Status note',
  'Lead Quality': 'Rep rating',
  City: 'Town',
  'Do Not Email': 'Opted out of email',
  Converted: 'Enrolled',
};

/** The export's rows rewritten as the other CRM's export. */
export function otherCrmExport(rows: ReadonlyArray<Record<string, string>>): string {
  const quote = (value: string) => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const cell = (to: string, value: string) => {
    if (to === 'Enrolled') return value === '1' ? 'yes' : 'no';
    if (to === 'Minutes on site') return (Number(value) / 60).toFixed(2).replace('.', ',');
    if (to === 'Opted out of email') return value === 'Yes' ? 'true' : 'false';
    // A separator inside a quoted field, which the sniffer and the parser must see through.
    if (to === 'Latest action') return quote(value.replace('Email Opened', 'Email; opened'));
    return quote(value === 'Select' ? '' : value);
  };
  const lines = rows.map((row) => Object.entries(RENAMED).map(([from, to]) => cell(to, row[from] ?? '')).join(';'));
  return `\uFEFF${[Object.values(RENAMED).join(';'), ...lines].join('\r\n')}\r\n`;
}
