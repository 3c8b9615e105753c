/**
 * Calibration from history in real Chromium against the real API (issue #7, steps 1–6): a
 * marketer signs in, uploads the real X Education export, names `Converted` as the outcome, sees
 * Tags and Lead Quality flagged as leakage, the proposed mapping and close rates, re-runs with one
 * more column left out, reads both hold-out AUCs and the recommended threshold, saves the proposal
 * as a draft and lands in the editor with the proposed graph. A screenshot of each step goes to
 * test-results/screenshots/calibration-*.png; the page must log no errors.
 *
 * Floors as in docs/calibration.md (measured at seed 42: points 0.886, predictive 0.926; with
 * Last Notable Activity left out too 0.877 and 0.923): points > 0.85, predictive > 0.89, and the
 * threshold's hold-out conversion within 5 points of the 80 % target.
 *
 * Then the loop closes (issue #17): on a stack of its own (API, worker, UI, a database of its own),
 * leads get sales answers and CRM outcomes; a marketer opens the threshold review, calibrates from
 * LeadFlow's history over a period and sees the proposal beside the live version. Build the UI first
 * (`npm run build:ui`; `npm test` does).
 */
import mongoose from 'mongoose';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startUi, startWorker, type AppProcess } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import { leadWorkflowId } from '../workflows/lead.definitions';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';
import { seedHistory, type SeededHistory } from './support/leadflow-history';

const DATA = path.resolve(ROOT, 'datasets/x-education-leads/leads.csv');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
/** A calibration of 9,240 leads on a busy two-core machine: allow it time, assert nothing about it. */
const LONG = { timeout: 110_000 };
let api: AppProcess;
let ui: AppProcess;
let browser: Browser;
let marketingKey: string;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'calibration-ui') };
  api = await startApi(env, await freePort());
  ui = await startUi(env, await freePort(), api.url as string);
  const made = await request(api.url as string, 'POST', '/api/keys', { name: 'mona@acme.example', role: 'marketing' });
  expect(made.status).toBe(201);
  marketingKey = made.body.key;
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    // Background networking is refused on machines without internet; keep Chromium quiet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([ui?.stop(), api?.stop()]);
});

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SHOTS, `calibration-${name}.png`), fullPage });
const number = async (page: Page, testId: string) => Number(await page.getByTestId(testId).textContent());
const percent = async (page: Page, testId: string) => Number.parseFloat((await page.getByTestId(testId).textContent()) ?? '') / 100;

it('walks a marketer from a CRM export to a calibrated draft in the editor', async () => {
  // Never skipped: without the data set this test proves nothing, so it fails and says why.
  if (!existsSync(DATA)) throw new Error(`The X Education export is missing: expected ${DATA}`);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));

  // Sign in as a marketer and open the calibration screen from the menu.
  await page.goto(ui.url as string);
  await page.getByTestId('signin-key').fill(marketingKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('nav-calibration').click();

  // 1. Upload the export and name the outcome column, offered from the file's own header.
  await page.getByTestId('calibration-file').setInputFiles(DATA);
  await expect.poll(() => page.getByTestId('calibration-file-info').textContent()).toBe('leads.csv: 37 columns, comma between fields');
  await page.getByTestId('calibration-outcome').selectOption('Converted');
  await shot(page, '1-upload');
  await page.getByTestId('calibration-run').click();

  // Progress while it runs, then the report.
  await page.locator('[data-testid="calibration-running"], [data-testid="calibration-report"]').first().waitFor(LONG);
  await shot(page, '2-progress');
  await page.getByTestId('calibration-report').waitFor(LONG);
  const first = await page.getByTestId('calibration-report').getAttribute('data-calibration-id');

  // 2. Leakage flagged with reasons, left out by default; the mapping and the close rates.
  for (const column of ['tags', 'lead-quality']) {
    expect(await page.getByTestId(`leakage-${column}`).getAttribute('data-flagged')).toBe('true');
    expect(await page.getByTestId(`leakage-toggle-${column}`).isChecked()).toBe(true);
  }
  expect(await page.getByTestId('leakage-tags').textContent()).toContain('information value');
  expect(await page.getByTestId('mapping-lead-source').getAttribute('data-fact')).toBe('lead.leadSource');
  await page.getByTestId('close-rates-column').selectOption('Lead Source');
  expect(await page.getByTestId('close-rates-table').textContent()).toContain('Reference');
  await page.getByTestId('calibration-leakage').scrollIntoViewIfNeeded();
  await shot(page, '3-leakage-and-mapping');

  // Leave one more column out (the export's README doubts it) and run again on the kept file.
  await page.getByTestId('mapping-exclude-last-notable-activity').check();
  await page.getByTestId('calibration-rerun').click();
  await expect.poll(() => page.getByTestId('calibration-report').getAttribute('data-calibration-id'), LONG).not.toBe(first);
  expect(await page.getByTestId('mapping-exclude-last-notable-activity').isChecked()).toBe(true);
  expect(await page.getByTestId('mapping-last-notable-activity').getAttribute('data-fact')).toBe('');

  // 3–5. The proposed model, both backtests on the hold-out and the recommended threshold.
  expect(await page.getByTestId('model-points').textContent()).toMatch(/Points: \d+ rules/);
  expect(await number(page, 'auc-points')).toBeGreaterThan(0.85);
  expect(await number(page, 'auc-predictive')).toBeGreaterThan(0.89);
  expect(await page.getByTestId('bands-predictive').locator('.recharts-bar-rectangle').count()).toBe(10);
  expect(await number(page, 'recommended-threshold')).toBeGreaterThan(0);
  expect(Math.abs((await percent(page, 'recommended-conversion')) - 0.8)).toBeLessThan(0.05);
  expect(await page.getByTestId('recommended-sent').textContent()).toMatch(/^[\d,]+ of 2,772 \(/);
  await page.getByTestId('calibration-backtests').scrollIntoViewIfNeeded();
  await shot(page, '4-backtests');
  await page.getByTestId('calibration-recommendation').scrollIntoViewIfNeeded();
  await shot(page, '5-threshold');

  // 6. Save as a draft: the editor opens with the proposed graph.
  const modelId = `x-education-${Date.now().toString(36)}`;
  await page.getByTestId('draft-name').fill('X Education, calibrated');
  await page.getByTestId('draft-model-id').fill(modelId);
  await page.getByTestId('draft-save').click();
  await expect.poll(() => page.evaluate(() => window.location.hash), LONG).toBe(`#/models/${modelId}`);
  await expect.poll(() => page.getByTestId('model-title').textContent(), LONG).toContain('X Education, calibrated');
  const saved = await request(api.url as string, 'GET', `/api/models/${modelId}`);
  expect(saved.body.issues).toEqual([]);
  await expect.poll(() => page.locator('.react-flow__node').count(), LONG).toBe(saved.body.draft.graph.nodes.length);
  expect(await page.locator('.react-flow__node', { hasText: 'Sales-ready (calibrated)' }).count()).toBe(1);
  await shot(page, '6-editor');
  expect(errors).toEqual([]);
});

it('closes the loop: from the threshold review, calibrates on LeadFlow’s own history and shows the proposal beside the live version', { timeout: 300_000 }, async () => {
  const run = Date.now().toString(36);
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_loop_ui_${run}`;
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: url.toString(), logDir: path.join(inject('runDir'), 'calibration-ui-loop'), extra: { LEADFLOW_MODEL_ID: `loop-ui-${run}` } };
  const [loopApi, loopWorker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  let loopUi: AppProcess | undefined;
  let history: SeededHistory | undefined;
  try {
    const base = loopApi.url as string;
    loopUi = await startUi(env, await freePort(), base);
    await eventually(() => request(base, 'GET', '/api/reviews/thresholds'), (response) => response.status === 200, 'the API to publish version 1');
    history = await seedHistory((method, route, body) => request(base, method, route, body), `loop-ui-${run}-`);
    const made = await request(base, 'POST', '/api/keys', { name: 'mona@acme.example', role: 'marketing' });
    expect(made.status).toBe(201);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(loopUi.url as string);
    await page.getByTestId('signin-key').fill(made.body.key);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-review').click();
    // The period: from yesterday to the day after tomorrow (not included), so the ten-day-old leads stay out.
    await page.getByTestId('review-history-from').fill(daysAgo(1).slice(0, 10));
    await page.getByTestId('review-history-to').fill(daysAgo(-2).slice(0, 10));
    await shot(page, '7-review-history');
    await page.getByTestId('review-history-start').click();
    await expect.poll(() => page.evaluate(() => window.location.hash), LONG).toMatch(/^#\/calibration\/[0-9a-f-]{36}$/);
    await page.getByTestId('calibration-comparison').waitFor(LONG);

    expect(await page.getByTestId('comparison-source').textContent()).toContain(
      `${history.inPeriod} leads first seen from ${daysAgo(1).slice(0, 10)} to before ${daysAgo(-2).slice(0, 10)}; ${history.converted} converted`,
    );
    expect(await page.getByTestId('comparison-table').locator('thead').textContent()).toContain(`version 1`);
    // Every held-out lead has its history: the live version is replayed on all of them.
    expect(await page.getByTestId('comparison-caption').textContent()).toMatch(/The live version scored as it really scored them: \d+ replayed from their events and sales answers/);
    expect(await page.getByTestId('comparison-caption').textContent()).not.toContain('without a complete history');
    for (const side of ['live', 'proposal']) {
      const auc = await number(page, `comparison-${side}-auc`);
      expect(auc).toBeGreaterThanOrEqual(0);
      expect(auc).toBeLessThanOrEqual(1);
      expect(await page.getByTestId(`comparison-${side}-threshold`).textContent()).toMatch(/≥ \d+/);
      expect(await page.getByTestId(`comparison-${side}-sent`).textContent()).toMatch(/^\d+ \(\d+\.\d %\)$/);
      expect(await page.getByTestId(`comparison-${side}-precision`).textContent()).toMatch(/^\d+\.\d %$/);
      expect(await page.getByTestId(`comparison-${side}-recall`).textContent()).toMatch(/^\d+\.\d %$/);
    }
    // The proposal's side is the report's recommendation, on the same held-out leads.
    expect(await page.getByTestId('comparison-proposal-sent').textContent()).toBe(
      `${(await page.getByTestId('recommended-sent').textContent())!.split(' of ')[0]} ${(await page.getByTestId('recommended-sent').textContent())!.replace(/^.* \(/, '(')}`,
    );
    await page.getByTestId('calibration-comparison').scrollIntoViewIfNeeded();
    await shot(page, '8-proposal-beside-live');
    expect(errors).toEqual([]);
  } finally {
    const temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    // Lead workflows never end by themselves; end this test's so no later worker picks them up.
    await Promise.all((history?.leadIds ?? []).map((leadId) => temporal.workflow.getHandle(leadWorkflowId(leadId)).terminate('test finished').catch(() => undefined)));
    await temporal.connection.close();
    await Promise.all([loopUi?.stop(), loopApi.stop(), loopWorker.stop()]);
    const db = await new mongoose.Mongoose().connect(env.mongoUri);
    await db.connection.dropDatabase().catch(() => undefined);
    await db.disconnect();
  }
});
