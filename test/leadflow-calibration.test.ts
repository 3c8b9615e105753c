/**
 * Closing the loop on the real stack: leads come in through the API (a CRM sync with their
 * industry, then what they did), some reach sales and are accepted or rejected through the
 * handoffs API, others get CRM outcomes (won, opportunity, lost, disqualified), a few have no
 * answer yet, and some are older than the period. `POST /api/calibrations {"source": "leadflow"}`
 * then calibrates on the period's labelled leads through the same pipeline as an upload, and the
 * report backtests the proposal and the live version on the same hold-out leads.
 *
 * A database of its own: the period is "now", and other test files' leads would fall into it.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { leadWorkflowId } from '../workflows/lead.definitions';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';
import { seedHistory, type SeededHistory } from './support/leadflow-history';

const run = Date.now().toString(36);
const modelId = `loop-${run}`;
const prefix = `loop-${run}-`;

let history: SeededHistory;
let api: AppProcess;
let worker: AppProcess;
let base: string;
let temporal: Client;
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_loop_${run}`;
  return url.toString();
})();
const call = (method: string, route: string, body?: unknown, headers?: Record<string, string>) => request(base, method, route, body, headers);
const period = { from: daysAgo(1), to: daysAgo(-1) };
const calibrationCount = async () => (await call('GET', '/api/calibrations?limit=100')).body.calibrations.length as number;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'leadflow-calibration'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});

afterAll(async () => {
  // Lead workflows never end by themselves; end this test's so no later worker picks them up.
  await Promise.all((history?.leadIds ?? []).map((leadId) => temporal?.workflow.getHandle(leadWorkflowId(leadId)).terminate('test finished').catch(() => undefined)));
  await temporal?.connection.close();
  await Promise.all([api?.stop(), worker?.stop()]);
  const db = await new mongoose.Mongoose().connect(mongoUri);
  await db.connection.dropDatabase().catch(() => undefined);
  await db.disconnect();
});

describe('calibrating from LeadFlow’s own history', { timeout: 300_000 }, () => {
  it('calibrates on the period’s leads with sales answers and CRM outcomes, the live version backtested beside the proposal on the same leads', async () => {
    await eventually(() => call('GET', '/api/reviews/thresholds'), (response) => response.status === 200, 'the API to publish version 1');
    history = await seedHistory(call, prefix);

    const before = await calibrationCount();
    const started = await call('POST', '/api/calibrations', { source: 'leadflow', ...period });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const { converted, labelled, inPeriod } = history;
    expect(started.body).toMatchObject({
      source: { kind: 'leadflow', from: period.from, to: period.to, modelId, version: 1, leads: inPeriod, converted, notConverted: labelled - converted, unknown: inPeriod - labelled },
      settings: { outcome: 'Converted', seed: 42, holdout: 0.3 },
      file: { rows: labelled, columns: ['Lead ID', 'companySize', 'industry', 'Converted'] },
    });
    expect(await calibrationCount()).toBe(before + 1);
    const done = await eventually(() => call('GET', `/api/calibrations/${started.body.calibrationId}`), (r) => !['queued', 'running'].includes(r.body.status), 'the calibration to finish', 120_000);
    expect(done.body.status, done.body.error).toBe('done');
    const report = done.body.report;
    // The counts add up: every labelled lead is a row, split between training and hold-out.
    expect(report).toMatchObject({ rows: labelled, dropped: 0 });
    expect(report.train + report.holdout).toBe(labelled);
    // Both models on the same hold-out leads: the proposal's recommendation and the live version at its threshold.
    expect(report.recommendation.holdoutLeads).toBe(report.holdout);
    expect(report.compared).toMatchObject({ name: `${modelId} version 1`, threshold: expect.any(Number), auc: expect.any(Number), holdout: { selected: expect.any(Number) } });
    expect(report.compared.holdout.selected).toBeLessThanOrEqual(report.holdout);
    // The live version is scored on each hold-out lead as it really scored it: its input log replayed up to its outcome.
    expect(report.compared).toMatchObject({ replayed: report.holdout, fromAttributes: 0 });
    // The lead id names the row; it is no feature.
    expect(report.ignored).toContainEqual({ column: 'Lead ID', reason: expect.stringContaining('identifier') });
    expect(report.compared.holdout.share).toBeCloseTo(report.compared.holdout.selected / report.holdout, 10);
    // The industry drives conversion here, and the proposal finds it.
    expect(report.mappings.map((m: { attribute: string }) => m.attribute)).toContain('industry');
    expect(report.predictive.auc).toBeGreaterThan(0.6);

    // A re-run with other choices needs nothing more, keeps the period and compares with the same version.
    const again = await call('POST', `/api/calibrations/${started.body.calibrationId}/rerun`, { seed: 7 });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body).toMatchObject({ rerunOf: started.body.calibrationId, source: started.body.source, settings: { seed: 7 } });
    const rerun = await eventually(() => call('GET', `/api/calibrations/${again.body.calibrationId}`), (r) => !['queued', 'running'].includes(r.body.status), 'the re-run to finish', 120_000);
    expect(rerun.body.status, rerun.body.error).toBe('done');
    expect(rerun.body.report).toMatchObject({ rows: labelled, compared: { name: `${modelId} version 1`, replayed: rerun.body.report.holdout, fromAttributes: 0 } });
  });

  it('refuses a bad period naming the field, and too few labelled leads with how many were found and are needed, creating nothing', async () => {
    const before = await calibrationCount();
    const bad = await call('POST', '/api/calibrations', { source: 'leadflow', from: period.to, to: period.from });
    expect(bad).toMatchObject({ status: 400, body: { error: { fields: [{ path: 'body.to', message: expect.stringContaining('after its start') }] } } });
    const malformed = await call('POST', '/api/calibrations', { source: 'leadflow', from: 'last spring', to: period.to });
    expect(malformed.body.error.fields).toEqual([{ path: 'body.from', message: expect.stringContaining('a date') }]);
    const withQuery = await call('POST', '/api/calibrations?seed=3', { source: 'leadflow', ...period });
    expect(withQuery.body.error.fields).toEqual([{ path: 'query.seed', message: expect.stringContaining('in the body') }]);
    const empty = await call('POST', '/api/calibrations', { source: 'leadflow', from: daysAgo(40), to: daysAgo(30) });
    expect(empty).toMatchObject({ status: 422, body: { error: { code: 'too_few_outcomes', message: expect.stringMatching(/found 0 .* needs at least 50/) } } });
    const old = await call('POST', '/api/calibrations', { source: 'leadflow', from: daysAgo(11), to: daysAgo(9) });
    expect(old.body.error.message).toContain(`found ${history.old} (${history.old} converted, 0 not) of ${history.old} leads`);
    expect(await calibrationCount()).toBe(before);
  });
});

