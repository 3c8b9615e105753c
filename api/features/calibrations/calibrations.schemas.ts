import { z } from 'zod';
import { DELIMITERS } from '../../csv/read-csv';

const column = z.string().min(1).max(200);
/** A query parameter given once or repeated (`?exclude=A&exclude=B`), as a list. */
const columns = z
  .union([column, z.array(column)])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .pipe(z.array(column).max(500));
const seed = z.coerce.number().int().min(0).max(2 ** 31 - 1);
const target = z.coerce.number().gt(0, 'a share of leads between 0 and 1, e.g. 0.8').lt(1, 'a share of leads between 0 and 1, e.g. 0.8');
const holdout = z.coerce.number().min(0.1, 'hold out between 0.1 and 0.5 of the leads').max(0.5, 'hold out between 0.1 and 0.5 of the leads');

export const calibrationQuery = z.object({
  /** The column that says whether each lead converted. */
  outcome: column,
  /** Values of the outcome column meaning "converted"; then every other value means "did not". Default 1/0, yes/no, won/lost… */
  positive: columns.optional(),
  /** A filled-in outcome cell means converted, an empty one not (an opportunity id). */
  positiveIfPresent: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  /** Sniffed from the first lines when not given. */
  separator: z.enum(DELIMITERS).optional(),
  seed: seed.default(42),
  /** Conversion the leads above the recommended threshold should reach; default 80 %, or three times the base rate where that is lower. */
  target: target.optional(),
  /** Share of leads held out to test on. */
  holdout: holdout.default(0.3),
  /** Columns to leave out. */
  exclude: columns.optional(),
  /** Columns flagged as leakage to keep all the same. */
  include: columns.optional(),
});
export type CalibrationQuery = z.output<typeof calibrationQuery>;

/** The CSV export itself, sent as text/csv. */
export const calibrationBody = z.string().min(1, 'send the CSV export as the body, with Content-Type: text/csv');

export const mappingOverride = z.strictObject({
  column,
  /** Read the column as numbers or categories, or leave it out. */
  kind: z.enum(['number', 'category', 'ignore']).optional(),
  /** The lead attribute it becomes, without `lead.`: a catalogue one (leadSource, country…) or one the model declares. */
  attribute: z
    .string()
    .regex(/^[a-z][A-Za-z0-9_]{0,63}$/, 'an attribute starts with a lower-case letter, then letters, digits and "_" (e.g. totalVisits)')
    .optional(),
});

/** A re-run on the same file: what is given replaces the earlier run's choice; the rest stays. */
export const rerunBody = z.strictObject({
  outcome: column.optional(),
  positive: z.array(column).max(50).optional(),
  positiveIfPresent: z.boolean().optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  target: z.number().gt(0).lt(1).optional(),
  holdout: z.number().min(0.1).max(0.5).optional(),
  exclude: z.array(column).max(500).optional(),
  include: z.array(column).max(500).optional(),
  mapping: z.array(mappingOverride).max(500).optional(),
});
export type RerunBody = z.output<typeof rerunBody>;

export const calibrationParams = z.object({ calibrationId: z.uuid() });

const modelId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

export const draftBody = z.strictObject({
  /** A new model's id, or an existing model's, whose draft the proposed graph replaces. */
  modelId,
  /** The name of the model (and of the graph); the proposal's own name when absent. */
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  /** For an existing model: the draft revision you last saw (a stale one gets 409). Absent: create the model. */
  revision: z.number().int().min(0).optional(),
});
export type DraftBody = z.output<typeof draftBody>;

export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
