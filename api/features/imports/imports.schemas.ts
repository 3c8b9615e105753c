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

export const importParams = z.object({ importId: z.uuid() });
