import { z } from 'zod';
import type { CalibrationReport } from '../../rules/calibration/calibrate-history';
import { CSV_DELIMITERS as DELIMITERS } from '../../rules/csv-header';
import { graphIssueSchema } from './errors.contract';
import { count, slug, instant as writtenAt } from './fields';
import { operation } from './operation';

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
  outcome: column.optional().describe('The column that says whether each lead converted (required with a CSV export)').meta({ examples: ['Converted'] }),
  positive: columns
    .optional()
    .describe('Values of the outcome column meaning "converted" (repeat the parameter for several); then every other value means "did not". Default 1/0, yes/no, won/lost…'),
  positiveIfPresent: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: a filled-in outcome cell means converted, an empty one not (an opportunity id)'),
  separator: z.enum(DELIMITERS).optional().describe("The CSV's separator; sniffed from the first lines when not given"),
  seed: seed.optional().describe('Seed of the split into training and hold-out leads; default 42'),
  target: target
    .optional()
    .describe('Conversion the leads above the recommended threshold should reach, between 0 and 1; default 0.8, or three times the base rate where that is lower'),
  holdout: holdout.optional().describe('Share of leads held out to test on, between 0.1 and 0.5; default 0.3'),
  asOf: asOf.optional().describe('The day date columns\' ages ("last activity within 30 days") count to; default the newest date in the file'),
  exclude: columns.optional().describe('Columns to leave out (repeat the parameter for several)'),
  include: columns.optional().describe('Columns flagged as leakage to keep all the same (repeat the parameter for several)'),
});
export type CalibrationQuery = z.output<typeof calibrationQuery>;

/** The CSV export itself, sent as text/csv. */
export const calibrationBody = z.string().min(1, 'send the CSV export as the body, with Content-Type: text/csv');

export const mappingOverride = z.strictObject({
  column: column.describe('The column of the file'),
  kind: z
    .enum(['number', 'category', 'date', 'ignore'])
    .optional()
    .describe('Read the column as numbers, categories or dates (scored by their age in days), or leave it out'),
  attribute: z
    .string()
    .regex(/^[a-z][A-Za-z0-9_]{0,63}$/, 'an attribute starts with a lower-case letter, then letters, digits and "_" (e.g. totalVisits)')
    .optional()
    .describe('The lead attribute it becomes, without `lead.`: a catalogue one (leadSource, country…) or one the model declares'),
});

/** A re-run on the same file: what is given replaces the earlier run's choice; the rest stays. */
export const rerunBody = z.strictObject({
  outcome: column.optional().describe('The column that says whether each lead converted'),
  positive: z.array(column).max(50).optional().describe('Values of the outcome column meaning "converted"; then every other value means "did not"'),
  positiveIfPresent: z.boolean().optional().describe('A filled-in outcome cell means converted, an empty one not'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('Seed of the split into training and hold-out leads'),
  target: z.number().gt(0).lt(1).optional().describe('Conversion the leads above the recommended threshold should reach, between 0 and 1'),
  holdout: z.number().min(0.1).max(0.5).optional().describe('Share of leads held out to test on, between 0.1 and 0.5'),
  asOf: asOf.optional().describe("The day date columns' ages count to"),
  exclude: z.array(column).max(500).optional().describe('Columns to leave out'),
  include: z.array(column).max(500).optional().describe('Columns flagged as leakage to keep all the same'),
  mapping: z.array(mappingOverride).max(500).optional().describe("Columns' mappings to use over the proposed ones"),
});
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'a date (2026-01-01) or a date and time with its offset (2026-01-01T00:00:00Z)' });

/**
 * Calibrate from LeadFlow's own history: the leads first seen in [from, to), their outcome from
 * sales' answers and CRM outcomes; the proposal is backtested beside the live version.
 */
export const leadflowCalibrationBody = z
  .strictObject({
    source: z
      .literal('leadflow', { error: 'send "leadflow" to calibrate from the leads LeadFlow scored (or a CSV export as text/csv)' })
      .describe('"leadflow": calibrate from the leads LeadFlow scored'),
    from: instant.describe('The first day of the period (leads first seen on or after it)'),
    to: instant.describe('The end of the period, not included: 2026-04-01 ends it with 31 March'),
    modelId: slug
      .optional()
      .describe('The model whose live version the proposal is compared with; the live model when absent'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('Seed of the split into training and hold-out leads; default 42'),
    target: z
      .number()
      .gt(0, 'a share of leads between 0 and 1, e.g. 0.3')
      .lt(1, 'a share of leads between 0 and 1, e.g. 0.3')
      .optional()
      .describe('Conversion the leads above the recommended threshold should reach, between 0 and 1'),
    holdout: z
      .number()
      .min(0.1, 'hold out between 0.1 and 0.5 of the leads')
      .max(0.5, 'hold out between 0.1 and 0.5 of the leads')
      .optional()
      .describe('Share of leads held out to test on, between 0.1 and 0.5; default 0.3'),
  })
  .refine((body) => Date.parse(body.from) < Date.parse(body.to), { path: ['to'], message: 'the end of the period must come after its start (from)' });
export type LeadflowCalibrationBody = z.output<typeof leadflowCalibrationBody>;

export type RerunBody = z.output<typeof rerunBody>;

export const calibrationParams = z.object({ calibrationId: z.uuid().describe('The calibration, as its start answered it').meta({ examples: ['2f6c1e9a-3b7d-4c2e-8a1f-5d6e7f809a1b'] }) });

const modelId = slug;

export const draftBody = z.strictObject({
  modelId: modelId.describe("A new model's id, or an existing model's, whose draft the proposed graph replaces"),
  name: z.string().min(1).max(200).optional().describe('The name of the model (and of the graph); the proposal\'s own name when absent'),
  description: z.string().max(2000).optional().describe("The model's description"),
  revision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('For an existing model: the draft revision you last saw (a stale one gets 409). Absent: create the model'),
});
export type DraftBody = z.output<typeof draftBody>;

export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20).describe('How many calibrations, newest first; default 20') });

/** CSV exports above this size get 413, as imports do. */
export const CALIBRATION_LIMIT = '20mb';

export const CALIBRATION_STATUSES = ['queued', 'running', 'done', 'failed', 'interrupted'] as const;
export type CalibrationStatus = (typeof CALIBRATION_STATUSES)[number];

export const calibrationSettingsSchema = z.object({
  outcome: z.string().describe('The outcome column'),
  positive: z.array(z.string()).describe('Outcome values meaning "converted"; every other filled-in value then means "not"'),
  positiveIfPresent: z.boolean().optional().describe('A filled-in outcome cell means converted, an empty one not'),
  seed: z.number().int(),
  target: z.number().optional().describe('Absent: the default for the base rate'),
  holdout: z.number(),
  exclude: z.array(z.string()).describe('Columns left out by the user'),
  include: z.array(z.string()).describe('Columns flagged as leakage that the user keeps all the same'),
  mapping: z.array(z.object({ column: z.string(), kind: z.enum(['number', 'category', 'date', 'ignore']).optional(), attribute: z.string().optional() })).describe("Columns' mappings chosen by the user over the proposed ones"),
});
export type CalibrationSettings = z.infer<typeof calibrationSettingsSchema>;

/**
 * A calibration's report: rules/calibration's own CalibrationReport, less the compiled model. Its
 * top-level fields are checked here; their insides are rules/calibration's to define.
 */
export const calibrationReportSchema = z
  .looseObject({
    rows: z.number().int().describe('Input rows'),
    dropped: z.number().int().describe('Rows dropped for an unrecognised outcome'),
    train: z.number().int(),
    holdout: z.number().int(),
    overallRate: z.number().describe('Close rate of the training leads'),
    profile: z.array(z.unknown()),
    warnings: z.array(z.string()).describe('Things to know that change no number, e.g. conversion drifting over time'),
    mappings: z.array(z.unknown()).describe('How each column became a lead attribute'),
    leakage: z.unknown().describe('Columns that give the outcome away'),
    closeRates: z.unknown().describe('Close rates per attribute value'),
    graph: z.unknown().describe('The proposed rule graph, threshold included'),
    issues: z.array(graphIssueSchema).describe("The proposed graph's warnings"),
    points: z.unknown().describe('Backtest of the points model on the hold-out leads'),
    predictive: z.unknown().describe('Backtest of the fitted predictive score on the hold-out leads'),
    recommendation: z.unknown().describe('The recommended threshold'),
    compared: z.unknown().optional().describe('The live version backtested on the same hold-out leads'),
    ages: z
      .object({ asOf: z.string(), reason: z.string(), columns: z.array(z.string()) })
      .optional()
      .describe('The day date columns were aged to (scored as "within 30 days", "more than 180 days ago"…), why that day, and which columns'),
  })
  .describe("The report (rules/calibration's CalibrationReport, less the compiled model)") as unknown as z.ZodType<CalibrationResult>;
export type CalibrationResult = Omit<CalibrationReport, 'model'>;

/** A calibration as lists show it: everything but its report. */
export const calibrationSummarySchema = z.object({
  calibrationId: z.string(),
  status: z.enum(CALIBRATION_STATUSES),
  createdBy: z.string(),
  createdAt: writtenAt,
  startedAt: writtenAt.optional(),
  finishedAt: writtenAt.optional(),
  rerunOf: z.string().optional().describe('The calibration whose file and choices this one started from'),
  source: z
    .object({ kind: z.literal('leadflow'), from: z.string(), to: z.string(), modelId: z.string(), version: z.number().int(), leads: count, converted: count, notConverted: count, unknown: count })
    .optional()
    .describe("A calibration from LeadFlow's own history: the period, the live version compared, and how the leads' outcomes read; absent for an uploaded export"),
  file: z.object({
    sha256: z.string(),
    bytes: count,
    rows: count,
    columns: z.array(z.string()),
    delimiter: z.string(),
    problems: z.array(z.object({ line: z.number().int(), message: z.string() })).describe('Rows skipped as malformed, the first few'),
    moreProblems: count,
  }),
  settings: calibrationSettingsSchema,
  progress: z.object({ step: z.string(), percent: z.number().min(0).max(100), message: z.string() }),
  error: z.string().optional().describe('Why a failed calibration failed'),
  drafts: z.array(z.object({ modelId: z.string(), revision: z.number().int(), savedBy: z.string(), savedAt: writtenAt })).describe('Models whose draft was saved from this calibration'),
});

export const calibrationSchema = calibrationSummarySchema.extend({ report: calibrationReportSchema.optional().describe('Once done') });
export type Calibration = z.infer<typeof calibrationSchema>;

/** The answer to an upload or a re-run: the new calibration, with the path to poll. */
export const calibrationStartedSchema = calibrationSummarySchema.extend({ progress: z.string().describe('Where to follow it: GET this path') });
export type CalibrationStarted = z.infer<typeof calibrationStartedSchema>;

export const savedDraftSchema = z.object({ modelId: z.string(), revision: count.describe("The draft's new revision"), created: z.boolean().describe('A new model was created (201); else an existing draft was replaced (200)') });

const exampleStarted: CalibrationStarted = {
  calibrationId: '2f6c1e9a-3b7d-4c2e-8a1f-5d6e7f809a1b',
  status: 'queued',
  createdBy: 'marketing-ops',
  createdAt: '2026-03-02T09:00:00.000Z',
  file: { sha256: 'a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6', bytes: 48213, rows: 900, columns: ['Lead Source', 'Total Visits', 'Converted'], delimiter: ',', problems: [], moreProblems: 0 },
  settings: { outcome: 'Converted', positive: ['1'], seed: 42, holdout: 0.3, exclude: [], include: [], mapping: [] },
  progress: '/api/calibrations/2f6c1e9a-3b7d-4c2e-8a1f-5d6e7f809a1b',
  drafts: [],
};
const calibrationLocation = { operationId: 'getCalibration', path: '/calibrations/:calibrationId' };

export const calibrationsOperations = {
  startCalibration: operation({
    operationId: 'startCalibration',
    method: 'post',
    path: '/calibrations',
    tag: 'Calibrations',
    summary: 'Calibrate a model from history',
    description:
      'Calibrates a model on a CSV export of past leads with known outcomes (text/csv, the outcome column in the query), or on the leads LeadFlow scored in a period ' +
      '(application/json {"source": "leadflow", "from", "to"}: sales answers and CRM outcomes, the live version backtested beside the proposal; 422 with too few). 202 with a calibration to poll for progress and then its report.',
    roles: ['marketing'],
    status: 202,
    query: calibrationQuery,
    bodies: { 'text/csv': calibrationBody, 'application/json': leadflowCalibrationBody },
    bodyLimit: CALIBRATION_LIMIT,
    response: calibrationStartedSchema,
    location: calibrationLocation,
    errors: { 422: 'Too few leads of the period have an outcome (the message says how many were found and how many are needed)' },
    examples: { request: { source: 'leadflow', from: '2026-01-01', to: '2026-04-01' }, response: exampleStarted },
  }),
  listCalibrations: operation({
    operationId: 'listCalibrations',
    method: 'get',
    path: '/calibrations',
    tag: 'Calibrations',
    summary: 'Calibrations',
    description: 'Calibrations, newest first, without their reports.',
    roles: ['marketing'],
    query: listQuery,
    response: z.object({ calibrations: z.array(calibrationSummarySchema).max(100) }),
    examples: { response: { calibrations: [{ ...exampleStarted, status: 'running', progress: { step: 'fit', percent: 60, message: 'Fitting the predictive score' } }] } },
  }),
  getCalibration: operation({
    operationId: 'getCalibration',
    method: 'get',
    path: '/calibrations/:calibrationId',
    tag: 'Calibrations',
    summary: 'A calibration',
    description: "A calibration's progress; once done, its report: mapping, leakage, close rates, proposed graph, backtests and recommended threshold.",
    roles: ['marketing'],
    params: calibrationParams,
    response: calibrationSchema,
    errors: { 404: 'No such calibration' },
    examples: { response: { ...exampleStarted, status: 'running', progress: { step: 'fit', percent: 60, message: 'Fitting the predictive score' } } },
  }),
  rerunCalibration: operation({
    operationId: 'rerunCalibration',
    method: 'post',
    path: '/calibrations/:calibrationId/rerun',
    tag: 'Calibrations',
    summary: 'Calibrate again with other choices',
    description: 'Calibrates again on the same file with other choices (exclusions, kept columns, mapping…); what is given replaces the earlier choice, the rest stays. 202 with the new calibration.',
    roles: ['marketing'],
    status: 202,
    params: calibrationParams,
    body: rerunBody,
    response: calibrationStartedSchema,
    location: calibrationLocation,
    errors: { 404: 'No such calibration', 410: 'The file, or the version compared, is no longer kept' },
    examples: { request: { exclude: ['Lead Number'] }, response: { ...exampleStarted, rerunOf: '1a2b3c4d-0000-4000-8000-000000000001', settings: { ...exampleStarted.settings, exclude: ['Lead Number'] } } },
  }),
  saveCalibrationDraft: operation({
    operationId: 'saveCalibrationDraft',
    method: 'post',
    path: '/calibrations/:calibrationId/draft',
    tag: 'Calibrations',
    summary: 'Save the proposed graph as a draft',
    description: 'Saves the proposed graph as the draft of a new model (201), or of an existing one at its draft revision (200; 409 when stale).',
    roles: ['marketing'],
    status: 201,
    alsoSucceeds: { 200: "An existing model's draft was replaced" },
    params: calibrationParams,
    body: draftBody,
    response: savedDraftSchema,
    location: { operationId: 'getModel', path: '/models/:modelId' },
    errors: { 404: 'No such calibration, or no such model (with a revision)', 409: 'The calibration is not done, the model exists already (without a revision), or its draft was saved since the revision' },
    examples: { request: { modelId: 'calibrated', name: 'Calibrated on 2025' }, response: { modelId: 'calibrated', revision: 0, created: true } },
  }),
};

export type MappingOverride = z.input<typeof mappingOverride>;
/** An upload's choices, as its query string carries them. */
export type CalibrationUpload = z.input<typeof calibrationQuery>;
/** A calibration as the list shows it: no report. */
export type CalibrationSummary = z.infer<typeof calibrationSummarySchema>;
/** A re-run's choices; what is left out stays as the earlier run had it. */
export type CalibrationChanges = z.input<typeof rerunBody>;
/** A calibration from LeadFlow's own history: leads first seen in [from, to). */
export type HistoryCalibrationInput = Omit<z.input<typeof leadflowCalibrationBody>, 'source'>;
export type CalibrationDraftInput = z.input<typeof draftBody>;
