import { z } from 'zod';

const column = z.string().min(1).max(200);

export const importQuery = z.object({
  /** The column holding each lead's id. */
  leadIdColumn: column,
  /** A column of known outcomes (1/0, yes/no, won/lost), when the file has one. */
  outcomeColumn: column.optional(),
  /** A column of dates for the rows' events; without it they are dated now. */
  occurredAtColumn: column.optional(),
  /** Sniffed from the header line when not given. */
  separator: z.enum([',', ';', '\t', '|']).optional(),
});

/** The CSV file itself, sent as text/csv. */
export const importBody = z.string().min(1, 'send the CSV file as the body, with Content-Type: text/csv');

/** An import's id: a UUID LeadFlow gave it, or the client's own name for a history import. */
export const importId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash or underscore, at most 100');

export const importParams = z.object({ importId });

export const eventImportQuery = z.object({
  /** Names the import: the same id again resumes it after the rows already done. A new UUID when absent. */
  importId: importId.optional(),
  /** Taken from Content-Type (application/x-ndjson, text/csv) when not given. */
  format: z.enum(['ndjson', 'csv']).optional(),
  /** CSV only: the field separator (default a comma). */
  separator: z.enum([',', ';', '\t', '|']).optional(),
});
