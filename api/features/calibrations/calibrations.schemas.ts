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
const asOf = z.iso.date({ error: 'a day, e.g. 2024-03-31' });
const holdout = z.coerce.number().min(0.1, 'hold out between 0.1 and 0.5 of the leads').max(0.5, 'hold out between 0.1 and 0.5 of the leads');

/** For a CSV upload; a calibration from LeadFlow's own history takes its choices in the body. */
export const calibrationQuery = z.object({
  /** The column that says whether each lead converted (required with a CSV export). */
  outcome: column.optional(),
  /** Values of the outcome column meaning "converted"; then every other value means "did not". Default 1/0, yes/no, won/lost… */
  positive: columns.optional(),
  /** A filled-in outcome cell means converted, an empty one not (an opportunity id). */
  positiveIfPresent: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  /** Sniffed from the first lines when not given. */
  separator: z.enum(DELIMITERS).optional(),
  /** Default 42. */
  seed: seed.optional(),
  /** Conversion the leads above the recommended threshold should reach; default 80 %, or three times the base rate where that is lower. */
  target: target.optional(),
  /** Share of leads held out to test on; default 0.3. */
  holdout: holdout.optional(),
  /** The day date columns' ages ("last activity within 30 days") count to; default the newest date in the file. */
  asOf: asOf.optional(),
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
  /** Read the column as numbers, categories or dates (scored by their age in days), or leave it out. */
  kind: z.enum(['number', 'category', 'date', 'ignore']).optional(),
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
  asOf: asOf.optional(),
  exclude: z.array(column).max(500).optional(),
  include: z.array(column).max(500).optional(),
  mapping: z.array(mappingOverride).max(500).optional(),
});
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'a date (2026-01-01) or a date and time with its offset (2026-01-01T00:00:00Z)' });

/**
 * Calibrate from LeadFlow's own history: the leads first seen in [from, to), their outcome from
 * sales' answers and CRM outcomes; the proposal is backtested beside the live version.
 */
export const leadflowCalibrationBody = z
  .strictObject({
    source: z.literal('leadflow', { error: 'send "leadflow" to calibrate from the leads LeadFlow scored (or a CSV export as text/csv)' }),
    /** The first day of the period (leads first seen on or after it). */
    from: instant,
    /** The end of the period, not included: 2026-04-01 ends it with 31 March. */
    to: instant,
    /** The model whose live version the proposal is compared with; the live model when absent. */
    modelId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only').optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    target: z.number().gt(0, 'a share of leads between 0 and 1, e.g. 0.3').lt(1, 'a share of leads between 0 and 1, e.g. 0.3').optional(),
    holdout: z.number().min(0.1, 'hold out between 0.1 and 0.5 of the leads').max(0.5, 'hold out between 0.1 and 0.5 of the leads').optional(),
  })
  .refine((body) => Date.parse(body.from) < Date.parse(body.to), { path: ['to'], message: 'the end of the period must come after its start (from)' });
export type LeadflowCalibrationBody = z.output<typeof leadflowCalibrationBody>;

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
