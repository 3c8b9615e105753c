/**
 * Calibration from history through the API: an uploaded export (or the file of an earlier run,
 * with other choices) is checked against the request, kept gzipped, and calibrated in the
 * background; clients poll its progress and then read the report. The proposed graph becomes the
 * draft of a new or existing model, to simulate and publish like any other.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { OutcomeError, readOutcomes } from '../../../engine/calibration/outcome';
import { profileColumns } from '../../../engine/calibration/profile-columns';
import { attributeNames } from '../../../rules/calibration/map-columns';
import { parseCsv, type CsvTable } from '../../csv/read-csv';
import { historyRows, LEADFLOW_LEAD_ID, LEADFLOW_OUTCOME } from '../../../engine/calibration/leadflow-history';
import type { LeadInput } from '../../../engine/lifecycle/lifecycle';
import { holdoutRowsOf } from '../../../rules/calibration/calibrate-history';
import { toCsv } from '../../csv/write-csv';
import type { CalibrationProgress, CalibrationRecord, CalibrationRepository, CalibrationSettings, CalibrationSummary, LeadflowSource } from '../../db/calibrations.repository';
import type { LeadRepository } from '../../db/leads.repository';
import type { ModelVersionRecord } from '../../db/model-versions.repository';
import { conflict, HttpError, notFound, type FieldError } from '../../http/errors';
import { createModel, saveDraft, type ModelDeps } from '../models/models.service';
import type { CalibrationRunner } from './calibration-runner';
import type { CalibrationQuery, DraftBody, LeadflowCalibrationBody, RerunBody } from '../../contracts/calibrations.contract';
import { attributeProblem } from './rename-attributes';
import { API_OUTCOME_WORDS, type CalibrationJob, type CalibrationResult } from './run-calibration';

export interface CalibrationDeps {
  calibrations: CalibrationRepository;
  models: ModelDeps;
  run: CalibrationRunner;
  /** LeadFlow's own leads, for a calibration from its history. */
  leads: Pick<LeadRepository, 'historyLeads'>;
  /** The live model (the one whose version a calibration from LeadFlow's history is compared with, unless it names another). */
  liveModelId: () => Promise<string>;
  /** The complete input logs of these leads (a lead whose log is incomplete is left out). */
  inputLogs: (leadIds: readonly string[]) => Promise<Map<string, LeadInput[]>>;
}

/**
 * Labelled leads a calibration from LeadFlow's history needs, and of each outcome: fewer give a
 * hold-out too small to measure anything on (a 30 % hold-out of 50 leads is 15).
 */
export const MIN_HISTORY_LEADS = 50;
export const MIN_HISTORY_PER_OUTCOME = 10;

/** What GET /calibrations/:id shows: the record, with its report once done. */
export type CalibrationView = CalibrationSummary & { report?: CalibrationResult };

/** Malformed rows listed in the record; the rest are counted. */
const MAX_PROBLEMS = 20;
/** Stored files stay well inside a database document (16 MB). */
const MAX_STORED_BYTES = 15 * 1024 * 1024;
/** Progress is saved at most this often (and at every new step). */
const PROGRESS_EVERY_MS = 250;

export async function startCalibration(deps: CalibrationDeps, text: string, query: CalibrationQuery, actor: string): Promise<CalibrationRecord> {
  if (query.outcome === undefined) throw invalid([{ path: 'query.outcome', message: 'name the column that says whether each lead converted (outcome=…)' }]);
  const table = readTable(text, query.separator, 'body');
  const settings: CalibrationSettings = {
    outcome: query.outcome,
    positive: query.positive ?? [],
    ...(query.positiveIfPresent && { positiveIfPresent: true }),
    seed: query.seed ?? 42,
    ...(query.target !== undefined && { target: query.target }),
    holdout: query.holdout ?? 0.3,
    ...(query.asOf !== undefined && { asOf: query.asOf }),
    exclude: query.exclude ?? [],
    include: query.include ?? [],
    mapping: [],
  };
  refuseUnfit(table, settings, 'query');
  return launch(deps, text, table, await keepFile(deps, text), settings, actor);
}

/** Keeps the file gzipped, once per content, for re-runs. */
async function keepFile(deps: CalibrationDeps, text: string): Promise<{ sha256: string; bytes: number }> {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const packed = await promisify(gzip)(text);
  if (packed.length > MAX_STORED_BYTES) throw new HttpError(413, 'too_large', `The file compresses to ${Math.round(packed.length / 2 ** 20)} MB; LeadFlow keeps at most 15 MB: leave out columns or rows`);
  await deps.calibrations.saveFile({ sha256, gzip: packed, bytes: Buffer.byteLength(text), createdAt: new Date() });
  return { sha256, bytes: Buffer.byteLength(text) };
}

/**
 * The live version as calibration's model to compare with, with the input logs of the leads the
 * calibration holds out: the version is backtested on each as it really scored it, its log
 * replayed up to its outcome, behaviour points included (engine/calibration/leadflow-history.ts,
 * `scoreAsDecided`). Scoring it on attributes alone, as the proposal must be, would understate a
 * version that earns most of its points from what leads do. Only the hold-out's logs are read:
 * the split is calibration's own (`holdoutRowsOf`).
 */
async function liveCompare(
  deps: CalibrationDeps,
  version: Pick<ModelVersionRecord, 'modelId' | 'version' | 'compiled'>,
  table: CsvTable,
  settings: CalibrationSettings,
): Promise<NonNullable<CalibrationJob['compare']>> {
  const compare = { model: version.compiled, version: version.version, name: `${version.modelId} version ${version.version}` };
  // A file kept before rows named their leads has nothing to replay: every lead is scored from its attributes.
  if (!table.columns.includes(LEADFLOW_LEAD_ID)) return compare;
  const holdout = holdoutRowsOf(table.rows, { outcome: settings.outcome, positive: settings.positive, holdoutShare: settings.holdout, seed: settings.seed, words: API_OUTCOME_WORDS });
  const leadIds = holdout.flatMap((row) => table.rows[row]?.[LEADFLOW_LEAD_ID] || []);
  return { ...compare, logs: { column: LEADFLOW_LEAD_ID, inputs: await deps.inputLogs(leadIds) } };
}

/**
 * Calibrates from LeadFlow's own history: the leads first seen in [from, to) with an outcome
 * (engine/calibration/leadflow-history.ts) are written as an export, kept like an upload (so a
 * re-run needs nothing more), and calibrated on the one path; the live version is backtested on
 * the same hold-out leads. Query parameters belong to a CSV upload and are refused here.
 * @throws HttpError 400 naming a query parameter; 404 without a published version; 422 with
 *   too few labelled leads in the period, saying how many were found and how many are needed.
 */
export async function startLeadflowCalibration(deps: CalibrationDeps, body: LeadflowCalibrationBody, query: CalibrationQuery, actor: string): Promise<CalibrationRecord> {
  const given = Object.entries(query).filter(([, value]) => value !== undefined);
  if (given.length > 0) throw invalid(given.map(([name]) => ({ path: `query.${name}`, message: 'a calibration from LeadFlow\'s history takes its choices in the body' })));
  const modelId = body.modelId ?? (await deps.liveModelId());
  const live = await deps.models.versions.latest(modelId);
  if (!live) throw notFound(`A published version of model ${modelId}`);
  if (live.problem) throw conflict(live.problem);
  const from = new Date(body.from).toISOString();
  const to = new Date(body.to).toISOString();
  const history = historyRows(await deps.leads.historyLeads(from, to), { from, to });
  const { counts } = history;
  const labelled = counts.converted + counts.notConverted;
  if (labelled < MIN_HISTORY_LEADS || counts.converted < MIN_HISTORY_PER_OUTCOME || counts.notConverted < MIN_HISTORY_PER_OUTCOME) {
    throw new HttpError(
      422,
      'too_few_outcomes',
      `Too few leads with an outcome between ${body.from} and ${body.to}: found ${labelled} (${counts.converted} converted, ${counts.notConverted} not) of ${counts.leads} leads first seen then; ` +
        `calibration needs at least ${MIN_HISTORY_LEADS}, with at least ${MIN_HISTORY_PER_OUTCOME} converted and ${MIN_HISTORY_PER_OUTCOME} not. Choose a longer period, or wait for sales to answer more handoffs.`,
    );
  }
  const text = toCsv(history.columns, history.rows);
  const settings: CalibrationSettings = {
    outcome: LEADFLOW_OUTCOME,
    positive: [],
    seed: body.seed ?? 42,
    ...(body.target !== undefined && { target: body.target }),
    holdout: body.holdout ?? 0.3,
    exclude: [],
    include: [],
    mapping: [],
  };
  const table = readTable(text, ',', 'body');
  const source: LeadflowSource = { kind: 'leadflow', from, to, modelId, version: live.version, ...counts };
  const file = await keepFile(deps, text);
  return launch(deps, text, table, file, settings, actor, undefined, { source, compare: await liveCompare(deps, live, table, settings) });
}

/** A new calibration on the file of `calibrationId`, with the choices in `body` over that run's. */
export async function rerunCalibration(deps: CalibrationDeps, calibrationId: string, body: RerunBody, actor: string): Promise<CalibrationRecord> {
  const earlier = await deps.calibrations.get(calibrationId);
  if (!earlier) throw notFound(`Calibration ${calibrationId}`);
  const file = await deps.calibrations.getFile(earlier.file.sha256);
  if (!file) throw new HttpError(410, 'gone', `The file of calibration ${calibrationId} is no longer kept; upload it again`);
  const text = (await promisify(gunzip)(file.gzip)).toString('utf8');
  const table = readTable(text, earlier.file.delimiter, 'body');
  const settings: CalibrationSettings = { ...earlier.settings };
  for (const key of Object.keys(body) as Array<keyof RerunBody>) {
    if (body[key] !== undefined) Object.assign(settings, { [key]: body[key] });
  }
  refuseUnfit(table, settings, 'body');
  let extra: Parameters<typeof launch>[7];
  if (earlier.source) {
    // Compared with the version the first run was, so that the two runs' figures stand side by side.
    const version = await deps.models.versions.get(earlier.source.modelId, earlier.source.version);
    if (!version || version.problem) throw new HttpError(410, 'gone', `Version ${earlier.source.version} of ${earlier.source.modelId} can no longer be scored; calibrate from LeadFlow's history again`);
    extra = { source: earlier.source, compare: await liveCompare(deps, version, table, settings) };
  }
  return launch(deps, text, table, { sha256: file.sha256, bytes: file.bytes }, settings, actor, calibrationId, extra);
}

export async function getCalibration(deps: CalibrationDeps, calibrationId: string): Promise<CalibrationView> {
  const record = await deps.calibrations.get(calibrationId);
  if (!record) throw notFound(`Calibration ${calibrationId}`);
  const { reportJson, ...summary } = record;
  return { ...summary, ...(reportJson !== undefined && { report: JSON.parse(reportJson) as CalibrationResult }) };
}

/**
 * Saves the proposed graph as the draft of a new model (no `revision`), or of an existing one at
 * `revision` (409 when someone saved since, 404 when there is no such model).
 */
export async function saveCalibrationDraft(deps: CalibrationDeps, calibrationId: string, body: DraftBody, actor: string): Promise<{ modelId: string; revision: number; created: boolean }> {
  const view = await getCalibration(deps, calibrationId);
  if (view.status !== 'done' || !view.report) throw conflict(`Calibration ${calibrationId} is ${view.status}: only a finished one has a model to save`);
  const graph = { ...view.report.graph, ...(body.name !== undefined && { name: body.name }), ...(body.description !== undefined && { description: body.description }) };
  let saved: { modelId: string; revision: number; created: boolean };
  if (body.revision === undefined) {
    const model = await createModel(deps.models, { modelId: body.modelId, name: body.name ?? graph.name, description: graph.description ?? '', graph }, actor);
    saved = { modelId: model.modelId, revision: model.draft.revision, created: true };
  } else {
    const { revision } = await saveDraft(deps.models, body.modelId, { revision: body.revision, graph }, actor);
    saved = { modelId: body.modelId, revision, created: false };
  }
  await deps.calibrations.addDraft(calibrationId, { modelId: saved.modelId, revision: saved.revision, savedBy: actor, savedAt: new Date() });
  return saved;
}

async function launch(
  deps: CalibrationDeps,
  text: string,
  table: CsvTable,
  file: { sha256: string; bytes: number },
  settings: CalibrationSettings,
  actor: string,
  rerunOf?: string,
  history?: { source: LeadflowSource; compare: NonNullable<CalibrationJob['compare']> },
): Promise<CalibrationRecord> {
  const record: CalibrationRecord = {
    calibrationId: randomUUID(),
    status: 'queued',
    createdBy: actor,
    createdAt: new Date(),
    ...(rerunOf !== undefined && { rerunOf }),
    ...(history && { source: history.source }),
    file: {
      ...file,
      rows: table.rows.length,
      columns: table.columns,
      delimiter: table.delimiter,
      problems: table.problems.slice(0, MAX_PROBLEMS),
      moreProblems: Math.max(0, table.problems.length - MAX_PROBLEMS),
    },
    settings,
    progress: { step: 'queued', percent: 0, message: 'waiting to start (one calibration runs at a time)' },
    drafts: [],
  };
  await deps.calibrations.create(record);
  // The client polls for progress; the calibration goes on after this request is answered.
  void calibrate(deps, record.calibrationId, { text, delimiter: table.delimiter, settings, ...(history && { compare: history.compare }) });
  return record;
}

async function calibrate(deps: CalibrationDeps, calibrationId: string, job: Parameters<CalibrationRunner>[0]): Promise<void> {
  // Writes go one after another, so that a late progress write never lands after the result.
  let writes: Promise<void> = Promise.resolve();
  const write = (fields: Partial<CalibrationRecord>) => {
    writes = writes.then(() => deps.calibrations.update(calibrationId, fields)).catch(() => undefined);
    return writes;
  };
  let started = false;
  let saved = { step: '', at: 0 };
  const onProgress = (reported: CalibrationProgress) => {
    // "done" and 100 % come with the report, in one write: a poll in between sees the run's last step.
    if (reported.step === 'done') return;
    const progress = { ...reported, percent: Math.min(reported.percent, 99) };
    const now = Date.now();
    if (!started) {
      started = true;
      void write({ status: 'running', startedAt: new Date(), progress });
    } else if (progress.step !== saved.step || now - saved.at >= PROGRESS_EVERY_MS) void write({ progress });
    else return;
    saved = { step: progress.step, at: now };
  };
  try {
    const result = await deps.run(job, onProgress);
    await write({ status: 'done', finishedAt: new Date(), progress: { step: 'done', percent: 100, message: 'done' }, reportJson: JSON.stringify(result) });
  } catch (err) {
    await write({ status: 'failed', finishedAt: new Date(), error: (err as Error).message.replace(/^\w+: /, '') });
  }
}

function readTable(text: string, delimiter: string | undefined, where: string): CsvTable {
  let table: CsvTable;
  try {
    table = parseCsv(text, delimiter === undefined ? {} : { delimiter });
  } catch (err) {
    throw invalid([{ path: where, message: `not readable as CSV: ${(err as Error).message.replace(/^parseCsv: /, '')}` }]);
  }
  if (table.rows.length === 0) throw invalid([{ path: where, message: 'the file has a header but no rows' }]);
  return table;
}

/**
 * Refuses settings the file cannot satisfy, naming the field (`query.outcome`, `body.mapping.2.attribute`):
 * a column it does not have, an outcome column that does not say who converted, an attribute
 * name taken twice or of the wrong type.
 */
function refuseUnfit(table: CsvTable, settings: CalibrationSettings, where: 'query' | 'body'): void {
  const fields: FieldError[] = [];
  const has = new Set(table.columns);
  const list = table.columns.length > 12 ? `${table.columns.slice(0, 12).join(', ')}…` : table.columns.join(', ');
  const missing = (name: string) => `no column "${name}" in the file (columns: ${list})`;

  if (!has.has(settings.outcome)) fields.push({ path: `${where}.outcome`, message: missing(settings.outcome) });
  else {
    try {
      readOutcomes(table.rows, { column: settings.outcome, positive: settings.positive, ...(settings.positiveIfPresent && { ifPresent: true }) }, { words: API_OUTCOME_WORDS });
    } catch (err) {
      if (!(err instanceof OutcomeError)) throw err;
      const field = err.code === 'two-ways' ? 'positiveIfPresent' : 'outcome';
      fields.push({ path: `${where}.${field}`, message: err.message });
    }
  }
  for (const key of ['exclude', 'include'] as const) {
    settings[key].forEach((name, i) => {
      if (!has.has(name)) fields.push({ path: `${where}.${key}.${i}`, message: missing(name) });
      else if (name === settings.outcome) fields.push({ path: `${where}.${key}.${i}`, message: `"${name}" is the outcome column` });
    });
  }
  settings.include.forEach((name, i) => {
    if (settings.exclude.includes(name)) fields.push({ path: `${where}.include.${i}`, message: `"${name}" is excluded too; choose one` });
  });

  const defaults = attributeNames(table.columns);
  const names = new Map(table.columns.map((name, i) => [name, defaults[i] as string]));
  const seen = new Set<string>();
  settings.mapping.forEach((override, i) => {
    const at = `${where}.mapping.${i}`;
    if (!has.has(override.column)) return fields.push({ path: `${at}.column`, message: missing(override.column) });
    if (override.column === settings.outcome) return fields.push({ path: `${at}.column`, message: `"${override.column}" is the outcome column` });
    if (seen.has(override.column)) return fields.push({ path: `${at}.column`, message: `"${override.column}" is mapped twice` });
    seen.add(override.column);
    if (override.attribute !== undefined) names.set(override.column, override.attribute);
  });
  settings.mapping.forEach((override, i) => {
    if (override.attribute === undefined || !has.has(override.column) || override.kind === 'ignore') return;
    const at = `${where}.mapping.${i}.attribute`;
    const other = table.columns.find((name) => name !== override.column && name !== settings.outcome && names.get(name) === override.attribute);
    if (other !== undefined) return fields.push({ path: at, message: `"${override.attribute}" is the attribute of column "${other}" already` });
    const kind = override.kind ?? readAs(table, override.column);
    const problem = kind && attributeProblem(override.attribute, kind);
    if (problem) fields.push({ path: at, message: problem });
  });
  if (fields.length > 0) throw invalid(fields);
}

/** How calibration will read a column (undefined when it will not use it: an identifier, a constant). */
function readAs(table: CsvTable, column: string): 'number' | 'category' | 'date' | undefined {
  const [profile] = profileColumns(table.rows, { columns: [column] });
  return profile?.kind === 'number' || profile?.kind === 'category' || profile?.kind === 'date' ? profile.kind : undefined;
}

function invalid(fields: FieldError[]): HttpError {
  return new HttpError(400, 'invalid_request', `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}
