/**
 * The builder UI end to end in real Chromium, against the real API, worker, Temporal and
 * MongoDB-protocol servers. A marketer builds a model from an empty canvas by dragging nodes from
 * the palette, sees a validation error on a node and fixes it, simulates the draft and publishes
 * it (the publish dialog says it will not score events yet), then makes it the live model from
 * the models list. A worker scores the next events with it and they make a lead MQL; a salesperson
 * rejects it with a reason from the queue; a reviewer raises the threshold, watches the what-if
 * preview change and saves a new version; then the lead explorer and dashboard show the result.
 * Every screen is photographed into test-results/screenshots/, and no page logs an error.
 *
 * Needs the UI built (`npm run build:ui`; `npm test` does it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startUi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import { ownDatabase } from './support/database';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const modelId = `web-e2e-${run}`;
const leadId = `e2e-lead-${run}`;
const otherLeadId = `e2e-other-${run}`;
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WAIT = { timeout: 30_000 };

let env: StackEnv;
let designApi: AppProcess;
let designUi: AppProcess;
/** Started once the model is published: they score live events with it. */
let liveApi: AppProcess | undefined;
let liveWorker: AppProcess | undefined;
let liveUi: AppProcess | undefined;
let browser: Browser;
const contexts: BrowserContext[] = [];
const keys = { marketing: '', sales: '', reviewer: '', ingest: '' };
/** Every console error and uncaught exception of every page, named by who saw it. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  // A database of its own: this test changes which model is live.
  env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), `web_e2e_${run}`), logDir: path.join(inject('runDir'), 'builder-ui-e2e') };
  designApi = await startApi(env, await freePort());
  designUi = await startUi(env, await freePort(), designApi.url as string);
  for (const [role, extra] of [
    ['marketing', {}],
    ['reviewer', {}],
    ['ingest', {}],
    ['sales', { queues: ['inbound-sales'] }],
  ] as const) {
    const made = await request(designApi.url as string, 'POST', '/api/keys', { name: `e2e ${role}`, role, ...extra });
    expect(made.status).toBe(201);
    keys[role] = made.body.key;
  }
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    // Background networking is refused on machines without internet; keep Chromium quiet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await Promise.all([designUi?.stop(), designApi?.stop(), liveUi?.stop(), liveWorker?.stop(), liveApi?.stop()]);
});

let signInShot: Buffer | undefined;

/** A browser window of its own (its own signed-in key) at 1280×800, its errors collected. */
async function openAs(who: string, url: string, key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${who}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${who}: ${error.message}`));
  await page.goto(url);
  await page.getByTestId('signin-key').waitFor(WAIT);
  // The first screen anyone sees, once.
  if (!signInShot) signInShot = await page.screenshot({ path: path.join(SHOTS, '00-sign-in.png') });
  await page.getByTestId('signin-key').fill(key);
  await page.getByTestId('signin-key').press('Enter');
  await page.getByTestId('whoami').waitFor(WAIT);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const byId = (page: Page, id: string) => page.getByTestId(id);
const textOf = async (locator: Locator) => (await locator.textContent(WAIT))?.trim() ?? '';

/** Drags a palette item onto the canvas at (x, y) of the canvas; returns the new node's id. */
async function drop(page: Page, kind: string, x: number, y: number): Promise<string> {
  const before = await page.locator(`.lf-node[data-kind="${kind}"]`).count();
  await byId(page, `palette-${kind}`).dragTo(byId(page, 'canvas'), { targetPosition: { x, y } });
  const node = page.locator(`.lf-node[data-kind="${kind}"]`).nth(before);
  await node.waitFor(WAIT);
  // A dropped node is selected: its inspector is open.
  await byId(page, `inspector-${kind}`).waitFor(WAIT);
  return ((await node.getAttribute('data-testid')) as string).replace(/^node-/, '');
}

/** Draws a connection with the mouse, from one node's output handle to another's input. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  const edges = await page.locator('.react-flow__edge').count();
  await page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`).dragTo(page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`));
  await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(edges + 1);
}

/** Selects a node by clicking it, so its inspector shows. */
async function select(page: Page, nodeId: string, kind: string): Promise<void> {
  await byId(page, `node-${nodeId}`).click();
  await byId(page, `inspector-${kind}`).waitFor(WAIT);
}

describe('builder UI, end to end', () => {
  it('a marketer builds a model from an empty canvas by drag and drop, fixes a validation error, simulates and publishes', async () => {
    const page = await openAs('marketer', designUi.url as string, keys.marketing);
    await byId(page, 'models-list').waitFor(WAIT);
    await shot(page, '01-models');

    await byId(page, 'create-name').fill('Web leads (e2e)');
    await byId(page, 'create-id').fill(modelId);
    expect(await byId(page, 'create-template').inputValue()).toBe('');
    await byId(page, 'create-submit').click();
    await expect.poll(() => textOf(byId(page, 'model-title')), WAIT).toBe('Web leads (e2e)');
    expect(await page.locator('.lf-node').count()).toBe(0);

    // A trigger with no event yet: the validator paints the error on the node.
    const pricingTrigger = await drop(page, 'trigger', 130, 70);
    const badge = byId(page, `node-${pricingTrigger}-issues`);
    await expect.poll(() => textOf(badge), WAIT).toMatch(/^\d+ errors?$/);
    expect(await page.locator(`.react-flow__node[data-id="${pricingTrigger}"]`).getAttribute('aria-label')).toMatch(/^Trigger node: .*error/);
    expect(await textOf(byId(page, `node-${pricingTrigger}`).locator('.lf-node-problem'))).toBe('choose at least one event type or attribute');
    await shot(page, '02-editor-validation-error');
    // Fixed in the inspector: the error goes.
    await byId(page, 'field-eventTypes-page_view').check();
    await expect.poll(() => byId(page, `node-${pricingTrigger}`).locator('.lf-node-problem').count(), WAIT).toBe(0);
    await byId(page, 'field-label').fill('Web visit');

    const pricingCondition = await drop(page, 'condition', 390, 70);
    await byId(page, 'field-label').fill('Pricing page');
    await byId(page, 'field-conditions-0-value').fill('/pricing');

    const pricingPoints = await drop(page, 'points', 650, 70);
    await byId(page, 'field-label').fill('Pricing page visit');
    await byId(page, 'field-points').fill('30');

    const formTrigger = await drop(page, 'trigger', 130, 230);
    await byId(page, 'field-label').fill('Form sent');
    await byId(page, 'field-eventTypes-form_submit').check();

    const demoCondition = await drop(page, 'condition', 390, 230);
    await byId(page, 'field-label').fill('Demo form');
    await byId(page, 'field-conditions-0-fact').selectOption('event.form');
    await byId(page, 'field-conditions-0-operator').selectOption('equal');
    await byId(page, 'field-conditions-0-value').fill('demo_request');

    const demoPoints = await drop(page, 'points', 650, 230);
    await byId(page, 'field-label').fill('Demo requested');
    await byId(page, 'field-points').fill('50');

    const threshold = await drop(page, 'threshold', 130, 390);
    await byId(page, 'field-label').fill('MQL');
    expect(await byId(page, 'field-value').inputValue()).toBe('60');

    const route = await drop(page, 'route', 390, 390);
    await byId(page, 'field-label').fill('Inbound team');
    expect(await byId(page, 'field-queue').inputValue()).toBe('inbound-sales');

    await connect(page, pricingTrigger, pricingCondition);
    await connect(page, pricingCondition, pricingPoints);
    await connect(page, formTrigger, demoCondition);
    await connect(page, demoCondition, demoPoints);
    await connect(page, threshold, route);
    await select(page, pricingPoints, 'points');
    expect(await textOf(byId(page, 'inspector-connections'))).toContain('← from Condition: Pricing page');

    // Model settings (nothing selected): a new model starts a rejected lead over on engagement
    // and makes it wait 30 days before it can qualify again; the marketer makes it 45.
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 560 } });
    await byId(page, 'model-settings').waitFor(WAIT);
    expect(await byId(page, 'field-recycle-coolDownDays').inputValue()).toBe('30');
    await byId(page, 'field-recycle-coolDownDays').fill('45');

    await expect.poll(() => page.locator('.lf-node-error').count(), WAIT).toBe(0);
    expect(await byId(page, 'btn-publish').isDisabled()).toBe(false);
    // Save from the keyboard.
    await page.keyboard.press('Control+s');
    await expect.poll(() => textOf(byId(page, 'draft-state')), WAIT).toMatch(/^Saved · revision \d+ · not published$/);
    expect(await textOf(byId(page, 'editor-status'))).toMatch(/^Draft saved \(revision \d+\)\.$/);
    await shot(page, '03-editor-model-built');

    // Simulate the draft: the example timeline is a visit to /pricing, then a demo request.
    await byId(page, 'btn-simulate').click();
    await expect.poll(() => textOf(byId(page, 'simulate-title')), WAIT).toBe('Simulate: Web leads (e2e)');
    expect(await byId(page, 'sim-event-0-properties').inputValue()).toBe('url=/pricing');
    expect(await byId(page, 'sim-event-1-properties').inputValue()).toBe('form=demo_request');
    await byId(page, 'sim-event-1-properties').press('Control+Enter');
    await byId(page, 'sim-result').waitFor(WAIT);
    expect(await textOf(byId(page, 'sim-final-stage'))).toBe('MQL');
    expect(await textOf(byId(page, 'sim-final-total'))).toBe('80');
    expect(await textOf(byId(page, 'sim-handoff'))).toContain('queue inbound-sales');
    expect(await textOf(byId(page, 'sim-step-0-entry-0'))).toContain('+30 Engagement · Pricing page visit');
    expect(await textOf(byId(page, 'sim-step-1-stage'))).toContain('→ MQL');
    await expect.poll(() => page.locator('[data-testid="sim-chart"] .recharts-line').count(), WAIT).toBe(3);
    await shot(page, '04-simulate');

    await byId(page, 'simulate-back').click();
    await byId(page, 'btn-publish').click();
    // Not the live model yet: publishing it changes nothing that scores events, and the dialog says so.
    expect(await textOf(byId(page, 'publish-dialog'))).toContain('Version 1 will not score events');
    await byId(page, 'publish-note').fill('Pricing visits and demo requests; MQL at 60');
    await byId(page, 'publish-confirm').click();
    await expect.poll(() => textOf(byId(page, 'editor-status')), WAIT).toBe('Published version 1.');
    expect(await textOf(byId(page, 'draft-state'))).toMatch(/published v1$/);
    await shot(page, '05-editor-published');
  });

  it('a marketer makes the published model live from the models list; the editor and its history mark it', async () => {
    const page = await openAs('marketer', designUi.url as string, keys.marketing);
    await byId(page, 'models-list').waitFor(WAIT);
    expect(await byId(page, `model-row-${modelId}`).getByTestId('live-badge').count()).toBe(0);
    await byId(page, `model-make-live-${modelId}`).click();
    await byId(page, 'make-live').waitFor(WAIT);
    expect(await textOf(byId(page, 'make-live'))).toContain('Version 1 of Web leads (e2e) will score every new event');
    await shot(page, '05a-make-live-dialog');
    await byId(page, 'make-live-confirm').click();
    await byId(page, `model-row-${modelId}`).getByTestId('live-badge').waitFor(WAIT);
    expect(await textOf(byId(page, 'live-model-line'))).toContain(`(${modelId}), version 1`);
    expect(await byId(page, `model-make-live-${modelId}`).count()).toBe(0);
    expect(await page.getByTestId('live-badge').count()).toBe(1);
    await shot(page, '05b-models-live');

    await byId(page, `model-open-${modelId}`).click();
    await byId(page, 'editor-live-badge').waitFor(WAIT);
    expect(await textOf(byId(page, 'model-title'))).toBe('Web leads (e2e)');
    await byId(page, 'tab-history').click();
    expect(await textOf(byId(page, 'version-1').getByTestId('live-badge'))).toBe('Live: scores new events');
    await shot(page, '05c-editor-history-live');
    await byId(page, 'btn-publish').click();
    expect(await textOf(byId(page, 'publish-dialog'))).toContain('This is the live model: version 2 will score every new event');
    await byId(page, 'publish-dialog-close').click();
  });

  it('live events scored by that model make a lead MQL, and a salesperson rejects it with a reason from the keyboard', async () => {
    // No LEADFLOW_MODEL_ID: the live model is the one chosen in the UI.
    const live: StackEnv = { ...env, logDir: path.join(env.logDir, 'live') };
    [liveApi, liveWorker] = await Promise.all([startApi(live, await freePort()), startWorker(live)]);
    liveUi = await startUi(live, await freePort(), liveApi.url as string);
    const base = liveApi.url as string;
    const ingest = { authorization: `Bearer ${keys.ingest}` };
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    // Two leads visit /pricing and ask for a demo; the first is the one sales rejects.
    for (const lead of [leadId, otherLeadId]) {
      for (const [n, type, properties] of [
        [1, 'page_view', { url: '/pricing' }],
        [2, 'form_submit', { form: 'demo_request' }],
      ] as const) {
        const sent = await request(base, 'POST', '/api/events', { eventId: `${lead}-e${n}`, leadId: lead, type, properties, occurredAt: minutesAgo(10 - n) }, ingest);
        expect(sent.status).toBe(202);
      }
    }
    for (const lead of [leadId, otherLeadId]) {
      const mql = await eventually(() => request(base, 'GET', `/api/leads/${lead}`), (r) => r.status === 200 && r.body.stage === 'mql', `lead ${lead} to become MQL`, 60_000);
      expect(mql.body).toMatchObject({ total: 80, scores: { engagement: 80 }, modelVersion: 1, handoff: { queue: 'inbound-sales', status: 'pending' } });
    }

    const page = await openAs('sales', liveUi.url as string, keys.sales);
    expect(await page.getByTestId('nav-models').count()).toBe(0);
    expect(await page.getByTestId('nav-queue').getAttribute('aria-current')).toBe('page');
    const handoffId = `${leadId}:1`;
    const row = byId(page, `handoff-${handoffId}`);
    await row.waitFor(WAIT);
    expect(await textOf(byId(page, `handoff-${handoffId}-why`))).toBe('+50 Demo requested+30 Pricing page visit');
    expect(await textOf(byId(page, `handoff-${handoffId}-sla`))).toMatch(/^due in 2[34] h( \d+ min)?$/);
    await shot(page, '06-sales-queue');

    // From the keyboard: R on the row, the reason, a note, Ctrl+Enter.
    await row.focus();
    await page.keyboard.press('r');
    await byId(page, 'decision-dialog').waitFor(WAIT);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('decision-reason');
    await byId(page, 'decision-reason').selectOption('no_need');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Students researching a thesis');
    await shot(page, '07-sales-reject-dialog');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => textOf(byId(page, 'queue-said')), WAIT).toBe(`Rejected lead ${leadId} (No need).`);
    expect(await byId(page, 'decision-dialog').count()).toBe(0);

    const rejected = await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.body.stage === 'nurture', 'the lead to go back to nurture');
    expect(rejected.body.handoff).toMatchObject({ status: 'rejected', reason: 'no_need', note: 'Students researching a thesis' });
    // The other lead still waits for an answer.
    await byId(page, 'queue-refresh').click();
    await expect.poll(() => byId(page, `handoff-${handoffId}`).count(), WAIT).toBe(0);
    expect(await byId(page, `handoff-${otherLeadId}:1`).count()).toBe(1);

    // The rep can look the lead up; its page says why it went back.
    await byId(page, 'nav-leads').click();
    await byId(page, `lead-open-${leadId}`).click();
    await expect.poll(() => textOf(byId(page, 'lead-stage')), WAIT).toBe('NURTURE');
    expect(await textOf(byId(page, 'lead-handoff'))).toContain('rejected — No need');
  });

  it('a reviewer raises the threshold, watches the what-if preview change, and saves a new version', async () => {
    const page = await openAs('reviewer', (liveUi as AppProcess).url as string, keys.reviewer);
    await byId(page, 'nav-review').click();
    await expect.poll(() => textOf(byId(page, 'review-version')), WAIT).toContain(`Model ${modelId}, version 1.`);
    const threshold = (await byId(page, 'review-segment-_default').locator('[data-testid^="review-value-"]').getAttribute('data-testid'))!.replace('review-value-', '');
    const proposed = byId(page, 'whatif-proposed');
    await expect.poll(() => proposed.getAttribute('data-value'), WAIT).toBe('60');
    const atSixty = Number(await textOf(byId(page, 'whatif-current')));
    // The lead still waiting, at 80, is among them (the rejected one started over on engagement).
    expect(atSixty).toBeGreaterThanOrEqual(1);
    expect(Number(await textOf(proposed))).toBe(atSixty);

    const value = byId(page, `review-value-${threshold}`);
    await value.fill('');
    await value.pressSequentially('90');
    await expect.poll(() => proposed.getAttribute('data-value'), WAIT).toBe('90');
    await expect.poll(() => byId(page, 'whatif').getAttribute('data-pending'), WAIT).toBe('false');
    expect(Number(await textOf(proposed))).toBeLessThanOrEqual(atSixty - 1);
    expect(await textOf(byId(page, 'whatif-delta'))).toMatch(/^-\d+ leads?$/);
    expect(await byId(page, 'review-bands').locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await shot(page, '08-threshold-review');

    await page.keyboard.press('Control+s');
    await byId(page, 'review-save-dialog').waitFor(WAIT);
    expect(await textOf(byId(page, 'review-save-dialog'))).toContain('MQL: 60 → 90');
    await byId(page, 'review-save-note').fill('Quarterly review: sales rejected leads at 80');
    await byId(page, 'review-save-confirm').click();
    await expect.poll(() => textOf(byId(page, 'review-status')), WAIT).toContain(`Saved as version 2 of ${modelId}`);
    await expect.poll(() => textOf(byId(page, 'review-version')), WAIT).toContain('version 2.');
    const model = await request((liveApi as AppProcess).url as string, 'GET', `/api/models/${modelId}`);
    expect(model.body.latestVersion).toBe(2);
    expect(model.body.versions[0]).toMatchObject({ version: 2, changeNote: 'Quarterly review: sales rejected leads at 80' });
  });

  it('the lead explorer and the dashboard show what happened', async () => {
    const page = await openAs('reviewer', (liveUi as AppProcess).url as string, keys.reviewer);
    await byId(page, 'nav-leads').click();
    await byId(page, 'leads-filter-stage').selectOption('nurture');
    await byId(page, 'leads-filter-max').fill('0');
    await byId(page, 'leads-search').click();
    await byId(page, `lead-row-${leadId}`).waitFor(WAIT);
    await shot(page, '09-lead-explorer');

    await byId(page, `lead-open-${leadId}`).click();
    await expect.poll(() => textOf(byId(page, 'lead-stage')), WAIT).toBe('NURTURE');
    // Rejected: engagement started over (the recycle entry takes the 80 back).
    expect(await textOf(byId(page, 'lead-total'))).toBe('0');
    expect(await byId(page, 'lead-ledger').locator('tbody tr').count()).toBe(3);
    expect(await textOf(byId(page, 'lead-ledger'))).toContain('Demo requested');
    expect(await textOf(byId(page, 'lead-ledger'))).toContain('Recycled to nurture');
    expect(await byId(page, 'lead-stages').locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^LEAD/),
      expect.stringMatching(/^MQL/),
      expect.stringMatching(/^NURTURE.*rejected by sales: no_need/),
    ]);
    expect(await byId(page, 'lead-timeline').getAttribute('data-points')).toBe('3');
    await expect.poll(() => page.locator('[data-testid="lead-timeline"] .recharts-line').count(), WAIT).toBeGreaterThanOrEqual(2);
    await shot(page, '10-lead-page');

    await byId(page, 'nav-dashboard').click();
    await byId(page, 'funnel').waitFor(WAIT);
    expect(Number(await byId(page, 'funnel-mql').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    expect(await textOf(byId(page, 'acceptance-rate'))).toMatch(/%$/);
    // The model grades nobody: no grade matrix of zeros, a sentence saying so.
    expect(await textOf(byId(page, 'grade-none'))).toBe('The live model has no grade matrix: leads are not graded.');
    expect(await byId(page, 'grade-heatmap').count()).toBe(0);
    await byId(page, 'funnel-by').selectOption('modelVersion');
    await byId(page, 'funnel-row-v1').waitFor(WAIT);
    await shot(page, '11-dashboard');
  });

  it('logs no errors in any page (its content security policy, sent with every page, refused nothing)', async () => {
    const page = await fetch(`${designUi.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(consoleErrors).toEqual([]);
  });
});
