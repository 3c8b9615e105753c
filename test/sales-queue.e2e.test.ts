/**
 * The sales queue a rep keeps open all day, in real Chromium against the real API, worker,
 * Temporal and MongoDB-protocol servers. The queue leads with the person (name, title, company,
 * email from the lead's attributes) and both scores, labelled; it follows the queue without a
 * click: a lead that becomes an MQL while the page is open appears marked new, and the tab's
 * title counts it; the rep takes a lead nobody owns, and another rep who tries next is refused.
 * Screens are photographed into test-results/screenshots/ at 1280×800; no page logs an error.
 *
 * Needs the UI built (`npm run build:ui`; `npm test` does it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startUi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import type { RuleGraphInput } from '../rules/graph.schema';
import { daysAgo, minute } from './support/clock';
import { ownDatabase } from './support/database';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const modelId = `queue-e2e-${run}`;
const ann = `queue-ann-${run}`;
const bo = `queue-bo-${run}`;
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WAIT = { timeout: 30_000 };

/** A pricing visit (5 + 25) and a demo request (50) make an MQL at 60, routed to a queue nobody owns. */
const graph: RuleGraphInput = {
  name: 'Queue e2e',
  scores: [{ id: 'engagement', label: 'Engagement', min: 0, max: 1000 }],
  nodes: [
    { id: 'visit', kind: 'trigger', label: 'Web visit', eventTypes: ['page_view'] },
    { id: 'visit-points', kind: 'points', label: 'Website visit', score: 'engagement', points: 5 },
    { id: 'pricing', kind: 'condition', label: 'Pricing page', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/pricing' }] },
    { id: 'pricing-points', kind: 'points', label: 'Pricing page visit', score: 'engagement', points: 25 },
    { id: 'form', kind: 'trigger', label: 'Form sent', eventTypes: ['form_submit'] },
    { id: 'demo', kind: 'condition', label: 'Demo form', match: 'all', conditions: [{ fact: 'event.form', operator: 'equal', value: 'demo_request' }] },
    { id: 'demo-points', kind: 'points', label: 'Demo requested', score: 'engagement', points: 50 },
    { id: 'mql', kind: 'threshold', label: 'MQL at 60', score: 'total', value: 60, stage: 'mql' },
    { id: 'inbound', kind: 'route', label: 'Inbound team', team: 'Inbound', queue: 'inbound-sales' },
  ],
  edges: [
    { id: 'e1', source: 'visit', target: 'visit-points' },
    { id: 'e2', source: 'visit', target: 'pricing' },
    { id: 'e3', source: 'pricing', target: 'pricing-points' },
    { id: 'e4', source: 'form', target: 'demo' },
    { id: 'e5', source: 'demo', target: 'demo-points' },
    { id: 'e6', source: 'mql', target: 'inbound' },
  ],
};

let designApi: AppProcess;
let api: AppProcess;
let worker: AppProcess;
let ui: AppProcess;
let browser: Browser;
const keys = { marketing: '', ingest: '', sam: '', lee: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  // A database of its own: its live model is this file's.
  const env: StackEnv = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), `sales_queue_${Date.now().toString(36)}`), logDir: path.join(inject('runDir'), 'sales-queue-e2e') };
  designApi = await startApi(env, await freePort());
  const design = designApi.url as string;
  for (const [name, body] of [
    ['marketing', { name: 'mona@acme.example', role: 'marketing' }],
    ['ingest', { name: 'crm-sync', role: 'ingest' }],
    ['sam', { name: 'Sam (inbound)', role: 'sales', queues: ['inbound-sales'], owner: 'sam' }],
    ['lee', { name: 'Lee (inbound)', role: 'sales', queues: ['inbound-sales'], owner: 'lee' }],
  ] as const) {
    const made = await request(design, 'POST', '/api/keys', body);
    expect(made.status).toBe(201);
    keys[name] = made.body.key;
  }
  const marketing = { authorization: `Bearer ${keys.marketing}` };
  expect((await request(design, 'POST', '/api/models', { modelId, name: 'Queue e2e' }, marketing)).status).toBe(201);
  const saved = await request(design, 'PUT', `/api/models/${modelId}/draft`, { revision: 0, graph }, marketing);
  expect(saved.body).toEqual({ revision: 1, issues: [] });
  expect((await request(design, 'POST', `/api/models/${modelId}/publish`, { revision: 1, changeNote: 'queue e2e' }, marketing)).status).toBe(201);
  expect((await request(design, 'PUT', '/api/live-model', { modelId }, marketing)).status).toBe(200);

  const live: StackEnv = env;
  [api, worker] = await Promise.all([startApi(live, await freePort()), startWorker(live)]);
  ui = await startUi(live, await freePort(), api.url as string);
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    // Background networking is refused on machines without internet; keep Chromium quiet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([ui?.stop(), worker?.stop(), api?.stop(), designApi?.stop()]);
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const byId = (page: Page, id: string) => page.getByTestId(id);
const textOf = async (locator: Locator) => (await locator.textContent(WAIT))?.trim() ?? '';

/** Sends a lead's events as a CRM and a website would: a pricing visit, then a demo form with who they are. */
async function qualify(leadId: string, person: Record<string, string>, from: number): Promise<void> {
  const ingest = { authorization: `Bearer ${keys.ingest}` };
  const events = [
    { eventId: `${leadId}-pricing`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minute(from) },
    { eventId: `${leadId}-demo`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, attributes: person, occurredAt: minute(from + 1) },
  ];
  expect((await request(api.url as string, 'POST', '/api/events/batch', { events }, ingest)).status).toBe(202);
}

async function openAs(who: string, key: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${who}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${who}: ${error.message}`));
  await page.goto(ui.url as string);
  await byId(page, 'signin-key').fill(key);
  await byId(page, 'signin-key').press('Enter');
  await byId(page, 'whoami').waitFor(WAIT);
  return page;
}

describe('the sales queue, end to end', () => {
  it('shows the person and both scores, follows new MQLs without a click, and lets a rep take a lead nobody owns', async () => {
    const base = api.url as string;
    await qualify(ann, { firstName: 'Ann', lastName: 'Lee', company: 'Acme Corp', title: 'VP Sales', email: 'ann.lee@acme.example' }, 0);
    await eventually(() => request(base, 'GET', `/api/leads/${ann}`, undefined, { authorization: `Bearer ${keys.marketing}` }), (r) => r.body?.stage === 'mql', `lead ${ann} to become MQL`, 60_000);

    // The API serves the person and both scores, in one page.
    const sam = { authorization: `Bearer ${keys.sam}` };
    const listed = await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs', undefined, sam);
    expect(listed.status).toBe(200);
    expect(listed.body.handoffs.find((h: { leadId: string }) => h.leadId === ann)).toMatchObject({
      handoffId: `${ann}:1`,
      person: { name: 'Ann Lee', company: 'Acme Corp', title: 'VP Sales', email: 'ann.lee@acme.example' },
      score: 80,
      scoreNow: 80,
      qualifiedWhy: 'score 80 reached threshold 60 (MQL at 60); routed to Inbound team',
      topRules: [
        { ruleId: 'demo-points', ruleName: 'Demo requested', points: 50 },
        { ruleId: 'pricing-points', ruleName: 'Pricing page visit', points: 25 },
        { ruleId: 'visit-points', ruleName: 'Website visit', points: 5 },
      ],
    });
    expect(listed.body.handoffs.find((h: { leadId: string }) => h.leadId === ann).owner).toBeUndefined();

    const page = await openAs('sam', keys.sam);
    expect(await byId(page, 'nav-queue').getAttribute('aria-current')).toBe('page');
    const annId = `${ann}:1`;
    await byId(page, `handoff-${annId}`).waitFor(WAIT);
    expect(await textOf(byId(page, `handoff-${annId}-name`))).toBe('Ann Lee');
    expect(await textOf(byId(page, `handoff-${annId}-role`))).toBe('VP Sales · Acme Corp');
    expect(await textOf(byId(page, `handoff-${annId}-email`))).toBe('ann.lee@acme.example');
    expect(await textOf(byId(page, `handoff-${annId}-owner`))).toBe('Inbound · unassigned');
    expect(await textOf(byId(page, `handoff-${annId}-qualified`))).toBe('score 80 reached threshold 60 (MQL at 60); routed to Inbound team');
    expect(await byId(page, `handoff-${annId}`).getAttribute('data-new')).toBe('false');

    // Ann keeps reading: the score now moves on the open page, the score at handoff stays.
    const ingest = { authorization: `Bearer ${keys.ingest}` };
    expect((await request(base, 'POST', '/api/events', { eventId: `${ann}-blog`, leadId: ann, type: 'page_view', properties: { url: '/blog/pipelines' }, occurredAt: minute(5) }, ingest)).status).toBe(202);
    await expect.poll(() => textOf(byId(page, `handoff-${annId}-score-now`)), WAIT).toBe('85');
    expect(await textOf(byId(page, `handoff-${annId}-score`))).toBe('80');
    await shot(page, 'queue-01-people');

    // A new MQL while the page is open: it appears without a click, marked new, counted in the title.
    const titleBefore = await page.title();
    await qualify(bo, { firstName: 'Bo', lastName: 'Chen', company: 'Globex', title: 'Head of Data', email: 'bo@globex.example' }, 10);
    const boId = `${bo}:1`;
    await byId(page, `handoff-${boId}`).waitFor(WAIT);
    expect(await byId(page, `handoff-${boId}`).getAttribute('data-new')).toBe('true');
    expect(await textOf(byId(page, `handoff-${boId}-new`))).toBe('New');
    expect(await textOf(byId(page, `handoff-${boId}-name`))).toBe('Bo Chen');
    expect(await textOf(byId(page, 'queue-new-count'))).toBe('1 new');
    await expect.poll(() => page.title(), WAIT).toBe(`(1 new) ${titleBefore}`);
    await shot(page, 'queue-02-new-mql');

    // Sam takes Bo: the lead is his, and the mark and the count go.
    await byId(page, `handoff-${boId}-take`).click();
    await expect.poll(() => textOf(byId(page, 'queue-said')), WAIT).toBe('You took Bo Chen: the lead is yours.');
    await expect.poll(() => textOf(byId(page, `handoff-${boId}-owner`)), WAIT).toBe('Inbound · sam');
    expect(await byId(page, `handoff-${boId}-take`).count()).toBe(0);
    expect(await byId(page, `handoff-${boId}`).getAttribute('data-new')).toBe('false');
    await expect.poll(() => page.title(), WAIT).toBe(titleBefore);
    await shot(page, 'queue-03-taken');

    // Lee was a moment late: refused, and Bo stays Sam's.
    const late = await request(base, 'POST', `/api/handoffs/${encodeURIComponent(boId)}/take`, {}, { authorization: `Bearer ${keys.lee}` });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(`Handoff ${boId} was already taken by sam`);
    expect((await request(base, 'GET', `/api/leads/${bo}`, undefined, sam)).body.handoff).toMatchObject({ owner: 'sam', status: 'pending' });
    // A key that names no rep cannot take a lead.
    const noRep = await request(base, 'POST', `/api/handoffs/${encodeURIComponent(annId)}/take`, {}, { authorization: `Bearer ${keys.marketing}` });
    expect(noRep.status).toBe(403);
  });

  it('finds a lead by company in the explorer, sorts by a column, and titles the lead page by the person', async () => {
    // The API's search and sort, and what it refuses (naming the field).
    const marketing = { authorization: `Bearer ${keys.marketing}` };
    const found = await request(api.url as string, 'GET', '/api/leads?q=acme%20ann&sort=-company', undefined, marketing);
    expect(found.body.leads.map((lead: { leadId: string }) => lead.leadId)).toContain(ann);
    expect(found.body.leads.map((lead: { leadId: string }) => lead.leadId)).not.toContain(bo);
    for (const [bad, field] of [
      ['q=%20', 'query.q'],
      ['sort=size', 'query.sort'],
    ] as const) {
      const refused = await request(api.url as string, 'GET', `/api/leads?${bad}`, undefined, marketing);
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields.map((f: { path: string }) => f.path)).toEqual([field]);
    }
    const backwards = await request(api.url as string, 'GET', '/api/reports/funnel?from=2026-03-31&to=2026-01-01', undefined, marketing);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields).toEqual([{ path: 'query.from', message: 'from is after to' }]);

    const page = await openAs('marketing', keys.marketing);
    await byId(page, 'nav-leads').click();
    await byId(page, 'leads-filter-text').fill('globex');
    await byId(page, 'leads-search').click();
    await expect.poll(() => textOf(byId(page, 'leads-total')), WAIT).toBe('1 lead, highest score first');
    expect(await textOf(byId(page, `lead-open-${bo}`))).toBe('Bo Chen');
    expect(await byId(page, `lead-id-${bo}`).getAttribute('title')).toBe(bo);

    // Both leads of this run, by the words of their ids; sorted by company, A to Z and back.
    await byId(page, 'leads-filter-text').fill(run);
    await byId(page, 'leads-search').click();
    await expect.poll(() => textOf(byId(page, 'leads-total')), WAIT).toBe('2 leads, highest score first');
    const order = () => page.locator('[data-testid^="lead-row-"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')));
    await byId(page, 'leads-sort-company').click();
    await expect.poll(() => textOf(byId(page, 'leads-total')), WAIT).toBe('2 leads, by company, ascending');
    await expect.poll(order, WAIT).toEqual([`lead-row-${ann}`, `lead-row-${bo}`]);
    await byId(page, 'leads-sort-company').click();
    await expect.poll(order, WAIT).toEqual([`lead-row-${bo}`, `lead-row-${ann}`]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    await shot(page, 'queue-04-lead-explorer');

    await byId(page, `lead-open-${ann}`).click();
    await expect.poll(() => textOf(byId(page, 'lead-title')), WAIT).toBe('Ann Lee, Acme Corp');
    expect(await byId(page, 'lead-id').getAttribute('title')).toBe(ann);
    // The live model's threshold is drawn on the chart.
    await expect.poll(() => page.locator('[data-testid="lead-timeline"] .recharts-reference-line').count(), WAIT).toBe(1);
    expect(await textOf(byId(page, 'lead-timeline'))).toContain('MQL at 60 (60)');
    await shot(page, 'queue-05-lead-page');

    // The dashboard over a period of days: the two MQLs of this run happened in it.
    await byId(page, 'nav-dashboard').click();
    await byId(page, 'funnel').waitFor(WAIT);
    const [from, to] = [daysAgo(2).slice(0, 10), daysAgo(-1).slice(0, 10)];
    await byId(page, 'dashboard-from').fill(from);
    await byId(page, 'dashboard-to').fill(to);
    await byId(page, 'dashboard-apply').click();
    await expect.poll(() => textOf(byId(page, 'dashboard-period-said')), WAIT).toBe(`What happened from ${from} to ${to} (UTC days, both included).`);
    expect(Number(await byId(page, 'funnel-mql').getAttribute('data-count'))).toBeGreaterThanOrEqual(2);
    expect(await byId(page, 'grade-none').count()).toBe(1);
    await shot(page, 'queue-06-dashboard-period');
  });

  it('logs no errors in any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
