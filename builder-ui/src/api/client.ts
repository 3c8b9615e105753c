/**
 * Every HTTP call the builder UI makes, in one place. Each request carries the caller's API key
 * as `Authorization: Bearer <key>`; every failure becomes an ApiError with the API's one error
 * shape `{ error: { status, code, message, fields?, issues? } }` read into typed fields.
 */
import type { CompiledModel, FactValue, RejectReason } from '../../../engine/types';
import type { GraphIssue } from '../../../rules/validate-graph';
import type { Calibration, CalibrationChanges, CalibrationSummary, CalibrationDraftInput, CalibrationStarted, CalibrationUpload, HistoryCalibrationInput } from '../../../api/contracts/calibrations.contract';
import type { Me, WorkedQueue } from '../../../api/contracts/keys.contract';
import type { HandoffStatus, Lead, LeadSearch, LedgerEntryView as LedgerEntry } from '../../../api/contracts/leads.contract';
import type { LiveModel } from '../../../api/contracts/live-model.contract';
import type { CreateModelInput, ModelDetail, ModelSummary, ModelVersion, ModelVersionSummary, VersionDiff } from '../../../api/contracts/models.contract';
import type { FunnelGrouping, FunnelReport, GradeReport, ScoreReport } from '../../../api/contracts/reports.contract';
import type { ThresholdReview, WhatIf } from '../../../api/contracts/reviews.contract';
import type { SimulationRequest, SimulationResult } from '../../../api/contracts/simulations.contract';
import type { QueuedHandoff } from '../../../api/contracts/handoffs.contract';

// What the API takes and answers is its contract's (api/contracts): the screens use those types.
export type { Role } from '../../../api/contracts/roles';
export type { FactValue };
export type { Calibration, CalibrationChanges, CalibrationSummary, CalibrationDraftInput, CalibrationResult, CalibrationSettings, CalibrationStarted, CalibrationStatus, CalibrationUpload, HistoryCalibrationInput, MappingOverride } from '../../../api/contracts/calibrations.contract';
export type { Me, WorkedQueue } from '../../../api/contracts/keys.contract';
export type { Handoff, HandoffStatus, Lead, LeadSearch, LeadSort, LedgerEntryView as LedgerEntry } from '../../../api/contracts/leads.contract';
export type { QueuedHandoff } from '../../../api/contracts/handoffs.contract';
export type { LiveModel } from '../../../api/contracts/live-model.contract';
export type { CreateModelInput, ModelDetail, ModelSummary, ModelVersion, ModelVersionSummary, VersionDiff } from '../../../api/contracts/models.contract';
export type { FunnelGroup, FunnelGrouping, FunnelReport, GradeReport, ScoreReport } from '../../../api/contracts/reports.contract';
export type { ReviewThreshold, ScoreBand, ThresholdReview, WhatIf } from '../../../api/contracts/reviews.contract';
export type { SimulatedEvent, SimulationRequest, SimulationResult, SimulationStep } from '../../../api/contracts/simulations.contract';
export type { StageChange } from '../../../engine/lead-records';

export interface FieldProblem {
  path: string;
  message: string;
}

/** A refused or failed request. `status` 0 means the API could not be reached at all. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** A rule graph's issues, when the graph is what the API refused (422 invalid_graph). */
    readonly issues: GraphIssue[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
  get forbidden(): boolean {
    return this.status === 403;
  }
  /** Someone else changed the resource first (a stale draft revision). */
  get conflict(): boolean {
    return this.status === 409;
  }
}

export interface ApiClientOptions {
  /** Where the API is; '' for the UI's own origin (the dev and preview servers forward /api). */
  baseUrl?: string;
  /** The key to send; read on every request, so signing in or out takes effect at once. */
  getKey: () => string | null;
  /** Called when the API answers 401: the key is unknown, revoked or missing. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? '';
  const send = <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> => request<T>(options, baseUrl, method, path, body, contentType);
  const calibration = (calibrationId: string) => `/api/calibrations/${encodeURIComponent(calibrationId)}`;
  const model = (modelId: string) => `/api/models/${encodeURIComponent(modelId)}`;
  const handoff = (handoffId: string) => `/api/handoffs/${encodeURIComponent(handoffId)}`;

  return {
    me: () => send<Me>('GET', '/api/me'),
    /** The queues active sales keys work: a route to any other hands its leads to nobody. */
    workedQueues: () => send<{ queues: WorkedQueue[] }>('GET', '/api/queues').then((r) => r.queues),

    /** The model version live events are scored with (404 while there is none). */
    liveModel: () => send<ModelVersion>('GET', '/api/models/current'),
    listModels: () => send<{ models: ModelSummary[] }>('GET', '/api/models').then((r) => r.models),
    getLiveModel: () => send<LiveModel>('GET', '/api/live-model'),
    /** Makes `modelId` the live model: its newest version scores the next events. */
    setLiveModel: (modelId: string) => send<LiveModel>('PUT', '/api/live-model', { modelId }),
    createModel: (input: CreateModelInput) => send<ModelDetail>('POST', '/api/models', input),
    getModel: (modelId: string) => send<ModelDetail>('GET', model(modelId)),
    /** Saves the draft if nobody saved since `revision`; 409 (ApiError.conflict) otherwise. */
    saveDraft: (modelId: string, revision: number, graph: unknown) =>
      send<{ revision: number; issues: GraphIssue[] }>('PUT', `${model(modelId)}/draft`, { revision, graph }),
    validate: (modelId: string, graph?: unknown) => send<{ ok: boolean; issues: GraphIssue[] }>('POST', `${model(modelId)}/validate`, graph === undefined ? {} : { graph }),
    /** What `graph` (or the saved draft) compiles to; 422 with issues when it cannot. */
    compile: (modelId: string, graph?: unknown) =>
      send<{ compiled: CompiledModel; issues: GraphIssue[] }>('POST', `${model(modelId)}/compile`, graph === undefined ? {} : { graph }),
    publish: (modelId: string, revision: number, changeNote: string) => send<ModelVersion>('POST', `${model(modelId)}/publish`, { revision, changeNote }),
    rollback: (modelId: string, version: number, changeNote: string) => send<ModelVersion>('POST', `${model(modelId)}/rollback`, { version, changeNote }),
    listVersions: (modelId: string) => send<{ versions: ModelVersionSummary[] }>('GET', `${model(modelId)}/versions`).then((r) => r.versions),
    getVersion: (modelId: string, version: number) => send<ModelVersion>('GET', `${model(modelId)}/versions/${version}`),
    diff: (modelId: string, from: number, to: number) => send<VersionDiff>('GET', `${model(modelId)}/diff?from=${from}&to=${to}`),
    /** Runs a made-up or a real lead through the saved draft (or `graph`); nothing is stored. */
    simulate: (modelId: string, input: SimulationRequest) => send<SimulationResult>('POST', `${model(modelId)}/simulate`, input),

    /** A sales queue's handoffs in one status, oldest first (a rep's key gets its own view). */
    queue: (queue: string, status: HandoffStatus = 'pending', owner?: string) =>
      send<{ queue: string; status: HandoffStatus; handoffs: QueuedHandoff[] }>('GET', `/api/sales/queues/${encodeURIComponent(queue)}/handoffs${query({ status, owner })}`).then((r) => r.handoffs),
    /** The caller's rep takes a handoff nobody owns; 409 (ApiError.conflict) when someone took it first. */
    take: (handoffId: string) => send<Lead>('POST', `${handoff(handoffId)}/take`, {}),
    accept: (handoffId: string, note?: string) => send<Lead>('POST', `${handoff(handoffId)}/accept`, note ? { note } : {}),
    qualify: (handoffId: string, note?: string) => send<Lead>('POST', `${handoff(handoffId)}/qualify`, note ? { note } : {}),
    reject: (handoffId: string, reason: RejectReason, note?: string) => send<Lead>('POST', `${handoff(handoffId)}/reject`, note ? { reason, note } : { reason }),

    searchLeads: (search: LeadSearch) => send<{ page: number; pageSize: number; total: number; leads: Lead[] }>('GET', `/api/leads${query(search)}`),
    getLead: (leadId: string) => send<Lead>('GET', `/api/leads/${encodeURIComponent(leadId)}`),
    /** The lead's ledger, oldest first, at most `limit` entries. */
    ledger: (leadId: string, limit = 1000) => send<{ leadId: string; entries: LedgerEntry[] }>('GET', `/api/leads/${encodeURIComponent(leadId)}/ledger?limit=${limit}`).then((r) => r.entries),

    /** The live model's thresholds, per segment. */
    thresholds: () => send<ThresholdReview>('GET', '/api/reviews/thresholds'),
    whatIf: (nodeId: string, value: number, bandWidth?: number) => send<WhatIf>('POST', '/api/reviews/what-if', { nodeId, value, ...(bandWidth !== undefined && { bandWidth }) }),
    /** Saves reviewed thresholds as a new version; 409 (ApiError.conflict) when one was published since `baseVersion`. */
    saveThresholds: (baseVersion: number, thresholds: Array<{ nodeId: string; value: number }>, changeNote: string) =>
      send<ModelVersion>('PUT', '/api/reviews/thresholds', { baseVersion, thresholds, changeNote }),

    /** The funnel; within `range` (days, both included), what happened in those days. */
    funnel: (by: FunnelGrouping = 'none', range: { from?: string; to?: string } = {}) => send<FunnelReport>('GET', `/api/reports/funnel${query({ by, from: range.from, to: range.to })}`),
    grades: () => send<GradeReport>('GET', '/api/reports/grades'),
    scores: (score = 'total', bandWidth = 10, segment?: string) => send<ScoreReport>('GET', `/api/reports/scores${query({ score, bandWidth, segment })}`),

    /** Calibrates on a CSV export, sent as it is (text/csv); poll getCalibration for progress, then the report. */
    startCalibration: (csv: string, upload: CalibrationUpload) => send<CalibrationStarted>('POST', `/api/calibrations${uploadQuery(upload)}`, csv, 'text/csv'),
    /** Calibrates on the leads LeadFlow scored in a period, their outcomes from sales and the CRM; the live version is backtested beside the proposal. */
    calibrateFromHistory: (input: HistoryCalibrationInput) => send<CalibrationStarted>('POST', '/api/calibrations', { source: 'leadflow', ...input }),
    getCalibration: (calibrationId: string) => send<Calibration>('GET', calibration(calibrationId)),
    /** Calibrations, newest first, without their reports. */
    listCalibrations: (limit = 20) => send<{ calibrations: CalibrationSummary[] }>('GET', `/api/calibrations?limit=${limit}`).then((r) => r.calibrations),
    /** Calibrates again on the kept file with other choices: a new calibration. */
    rerunCalibration: (calibrationId: string, changes: CalibrationChanges) => send<CalibrationStarted>('POST', `${calibration(calibrationId)}/rerun`, changes),
    /** Saves the proposed graph as a new model (no revision) or over a draft at `revision` (409 when stale). */
    saveCalibrationDraft: (calibrationId: string, input: CalibrationDraftInput) =>
      send<{ modelId: string; revision: number; created: boolean }>('POST', `${calibration(calibrationId)}/draft`, input),
  };
}

/** The query string of a calibration upload: lists repeat their parameter (`?exclude=A&exclude=B`). */
export function uploadQuery(upload: CalibrationUpload): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(upload)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== '') search.append(name, String(item));
    }
  }
  return `?${search.toString()}`;
}

/** `?a=1&b=x` from the parameters that have a value ('' for none). */
export function query(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request<T>(options: ApiClientOptions, baseUrl: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = options.getKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  let response: Response;
  try {
    response = await doFetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined && { body: typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body) }) });
  } catch (err) {
    throw new ApiError(0, 'network', `The LeadFlow API could not be reached (${(err as Error).message}).`);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed as T;

  const error = toApiError(response.status, parsed);
  if (error.unauthorized) options.onUnauthorized?.(error);
  throw error;
}

/** Reads the API's error shape; a proxy's or server's own page becomes a plain HTTP error. */
export function toApiError(status: number, body: unknown): ApiError {
  const shaped = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!shaped || typeof shaped.message !== 'string') {
    return new ApiError(status, `http_${status}`, `The API answered ${status}${status === 404 ? ' (not found)' : ''}.`);
  }
  const fields = Array.isArray(shaped.fields) ? shaped.fields.filter(isFieldProblem) : [];
  const issues = Array.isArray(shaped.issues) ? (shaped.issues.filter(isRecord) as unknown as GraphIssue[]) : [];
  return new ApiError(
    typeof shaped.status === 'number' ? shaped.status : status,
    typeof shaped.code === 'string' ? shaped.code : `http_${status}`,
    shaped.message,
    fields,
    issues,
    typeof shaped.requestId === 'string' ? shaped.requestId : undefined,
  );
}

/** One line for a person: the message and, for a refused form, what each field needs. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const fields = error.fields.map((field) => `${field.path}: ${field.message}`);
  return [error.message, ...fields].join(' · ');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return isRecord(value) && typeof value.path === 'string' && typeof value.message === 'string';
}
