/**
 * The threshold review, the simulator and the calibration report end to end in real Chromium,
 * against the real API, worker, Temporal and MongoDB-protocol servers, at 1280×800:
 * - the review axis has no gaps and draws the proposed value; the save confirmation is in view
 *   and the threshold just edited stays selected;
 * - "let 10 days pass" draws the chart to +10 days; the sample lead survives a trip to the editor;
 *   a real lead simulated under a changed draft says why its score differs from its page;
 * - the calibration report explains its figures in plain words, its re-run bar covers no heading,
 *   it warns that the proposal routes to a queue no sales key works, and past calibrations are
 *   listed.
 * Every screen is photographed into test-results/screenshots/; no page logs an error.
 *
 * Needs the UI built (`npm run build:ui`; `npm test` does it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mulberry32 } from '../engine/calibration/split';
import { freePort } from '../scripts/services';
import { startApi, startUi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import { ownDatabase } from './support/database';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WAIT = { timeout: 30_000 };
const DAY_MS = 86_400_000;
/** Leads of no segment, scored by the default model's "mql" threshold: 75 (MQL), 25 and 5. */
const LEADS = {
  hot: `rsc-hot-${run}`,
  warm: `rsc-warm-${run}`,
  cold: `rsc-cold-${run}`,
};

let env: StackEnv;
let api: AppProcess;
let worker: AppProcess;
let ui: AppProcess;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const keys = { marketing: '', reviewer: '', ingest: '', sales: '' };
const consoleErrors: string[] = [];

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const as = (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role]}` });

beforeAll(async () => {
  // A database of its own: the default model's draft is changed and a threshold saved.
  env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), `rsc_e2e_${run}`), logDir: path.join(inject('runDir'), 'review-simulate-calibrate') };
  api = await startApi(env, await freePort());
  base = api.url as string;
  [worker, ui] = await Promise.all([startWorker(env), startUi(env, await freePort(), base)]);
  for (const [role, extra] of [
    ['marketing', {}],
    ['reviewer', {}],
    ['ingest', {}],
    ['sales', { queues: ['inbound-sales'] }],
  ] as const) {
    const made = await request(base, 'POST', '/api/keys', { name: `rsc ${role}`, role, ...extra });
    expect(made.status).toBe(201);
    keys[role] = made.body.key;
  }
  const events: Array<[string, string, Record<string, string>, number]> = [
    [LEADS.hot, 'page_view', { url: '/pricing' }, 90],
    [LEADS.hot, 'form_submit', { form: 'demo_request' }, 80],
    [LEADS.warm, 'page_view', { url: '/pricing' }, 70],
    [LEADS.cold, 'page_view', { url: '/blog/hello' }, 60],
  ];
  for (const [n, [leadId, type, properties, ago]] of events.entries()) {
    const sent = await request(base, 'POST', '/api/events', { eventId: `${leadId}-e${n}`, leadId, type, properties, occurredAt: minutesAgo(ago) }, as('ingest'));
    expect(sent.status).toBe(202);
  }
  for (const [leadId, total] of [
    [LEADS.hot, 75],
    [LEADS.warm, 25],
    [LEADS.cold, 5],
  ] as const) {
    await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (answer) => answer.status === 200 && answer.body.total === total, `${leadId} scored ${total}`, 60_000);
  }
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    // Background networking is refused on machines without internet; keep Chromium quiet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await Promise.all([ui?.stop(), worker?.stop(), api?.stop()]);
});

/** A browser window of its own, signed in with `key`, at 1280×800; its errors collected. */
async function openAs(who: string, hash: string, key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${who}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${who}: ${error.message}`));
  await page.goto(`${ui.url}/${hash}`);
  await page.getByTestId('signin-key').fill(key);
  await page.getByTestId('signin-key').press('Enter');
  await page.getByTestId('whoami').waitFor(WAIT);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const inViewport = async (page: Page, testId: string) => {
  const box = await page.getByTestId(testId).boundingBox();
  return box !== null && box.height > 0 && box.y >= 0 && box.y + box.height <= VIEWPORT.height;
};

describe('threshold review, simulation and calibration, end to end', () => {
  it('the review axis has no gaps, the proposed value is drawn, and saving keeps the threshold in view', async () => {
    const page = await openAs('reviewer', '#/review', keys.reviewer);
    await page.getByTestId('review-pick-mql').check();
    await page.getByTestId('review-value-mql').fill('65');
    const histogram = page.getByTestId('review-histogram');
    await expect.poll(() => histogram.getAttribute('data-proposed'), WAIT).toBe('65');
    // Leads at 5, 25 and 75: every band from 0 to 70 is on the axis, the empty ones too.
    const bands = ((await histogram.getAttribute('data-bands')) ?? '').split(',').map(Number);
    expect(bands).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(await page.locator('[data-testid="review-bands"] tbody th').allTextContents()).toEqual(['0–10', '10–20', '20–30', '30–40', '40–50', '50–60', '60–70', '70–80']);
    await expect.poll(() => histogram.locator('.recharts-xAxis .recharts-cartesian-axis-tick').count(), WAIT).toBeGreaterThan(2);
    // The proposed value is a line on the chart, between the bars of 60–70, with its label; today's value a dashed one.
    await expect.poll(() => histogram.locator('.recharts-reference-line').count(), WAIT).toBe(2);
    expect(await histogram.getByText('Proposed 65').count()).toBe(1);
    expect(await histogram.getByText('Today 60').count()).toBe(1);
    const bars = histogram.locator('.recharts-bar-rectangle');
    const lineBox = await histogram.locator('.recharts-reference-line-line[stroke="#b42318"]').boundingBox();
    const plot = await histogram.locator('.recharts-cartesian-grid').boundingBox();
    expect(lineBox && plot).toBeTruthy();
    // 65 lies at 6.5 of the 8 bands' width.
    expect(Math.abs(lineBox!.x - (plot!.x + (plot!.width * 6.5) / 8))).toBeLessThan(4);
    expect(await bars.count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('whatif').getAttribute('data-pending'), WAIT).toBe('false');
    expect(await page.getByTestId('whatif-proposed').getAttribute('data-value')).toBe('65');
    await shot(page, 'review-axis');

    await page.getByTestId('review-save').click();
    await page.getByTestId('review-save-note').fill('Quarterly review: a little higher');
    await page.getByTestId('review-save-confirm').click();
    await expect.poll(() => page.getByTestId('review-status').textContent(), WAIT).toContain('Saved as version 2 of default');
    await expect.poll(() => inViewport(page, 'review-status'), WAIT).toBe(true);
    await expect.poll(() => page.getByTestId('review-version').textContent(), WAIT).toContain('version 2');
    expect(await page.getByTestId('review-threshold-mql').getAttribute('data-selected')).toBe('true');
    expect(await page.getByTestId('review-threshold-mql-enterprise').getAttribute('data-selected')).toBe('false');
    expect(await page.getByTestId('review-value-mql').inputValue()).toBe('65');
    await shot(page, 'review-saved');
  });

  it('simulation runs to +10 days, keeps the sample lead across the editor, and says why a real lead differs from its page', async () => {
    // The draft gives a demo request 40 points instead of the live 50.
    const model = await request(base, 'GET', '/api/models/default', undefined, as('marketing'));
    const graph = structuredClone(model.body.draft.graph);
    graph.nodes.find((node: { id: string }) => node.id === 'demo-points').points = 40;
    const saved = await request(base, 'PUT', '/api/models/default/draft', { revision: model.body.draft.revision, graph }, as('marketing'));
    expect(saved.status).toBe(200);

    const page = await openAs('marketing', '#/models/default/simulate', keys.marketing);
    await page.getByTestId('sim-event-0-properties').fill('url=/pricing/enterprise');
    await page.getByTestId('sim-then-days').fill('10');
    await page.getByTestId('sim-run').click();
    const chart = page.getByTestId('sim-chart');
    await chart.waitFor(WAIT);
    const lastEventAt = await page.getByTestId('sim-event-1-at').inputValue();
    const end = Number(await chart.getAttribute('data-end'));
    expect(end - new Date(lastEventAt).getTime()).toBe(10 * DAY_MS);
    // The last point is the end of the ten days, at the right edge of the plot.
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(2);
    await shot(page, 'simulate-ten-days');

    // To the editor and back: the lead set up is still there.
    await page.getByTestId('simulate-back').click();
    await page.getByTestId('btn-simulate').click();
    await page.getByTestId('simulate-title').waitFor(WAIT);
    expect(await page.getByTestId('sim-event-0-properties').inputValue()).toBe('url=/pricing/enterprise');
    expect(await page.getByTestId('sim-then-days').inputValue()).toBe('10');

    // A real lead: 75 on its page, 65 under the draft, and the screen says why.
    await page.getByTestId('sim-mode-lead').check();
    await page.getByTestId('sim-lead-id').fill(LEADS.hot);
    await page.getByTestId('sim-run').click();
    await expect.poll(() => page.getByTestId('sim-final-total').textContent(), WAIT).toBe('65');
    await expect.poll(() => page.getByTestId('sim-difference-headline').textContent(), WAIT).toBe('Its page shows 75 (MQL); this simulation gives 65, 10 points fewer.');
    const why = (await page.getByTestId('sim-difference').textContent()) ?? '';
    expect(why).toContain('scores all 2 of its stored events');
    expect(why).toContain('with the saved draft of');
    expect(why).toContain('keeps the points each event earned under the version live when it arrived');
    await shot(page, 'simulate-real-lead');
  });

  it('the calibration report speaks plainly, keeps its headings clear, warns of an unworked queue, and past calibrations are listed', async () => {
    const started = await request(base, 'POST', '/api/calibrations?outcome=Converted', pastLeadsCsv(), { ...as('marketing'), 'content-type': 'text/csv' });
    expect(started.status).toBe(202);
    const calibrationId = started.body.calibrationId as string;
    await eventually(() => request(base, 'GET', `/api/calibrations/${calibrationId}`, undefined, as('marketing')), (answer) => answer.body.status === 'done', 'the calibration done', 120_000);

    const page = await openAs('marketing', `#/calibration/${calibrationId}`, keys.marketing);
    const warning = page.getByTestId('calibration-queue-warning');
    await warning.waitFor(WAIT);
    // The proposal routes to "sales"; the only sales key works "inbound-sales".
    expect(await warning.textContent()).toContain('no sales key works: “sales” (its handoffs)');
    expect(await warning.textContent()).toContain('(inbound-sales)');
    const glossary = page.getByTestId('calibration-glossary');
    for (const id of ['auc', 'auc-points', 'iv', 'log-odds', 'iterations', 'log-loss', 'holdout']) expect(await glossary.getByTestId(`glossary-${id}`).count()).toBe(1);
    const auc = Number(await page.getByTestId('auc-predictive').textContent());
    expect(await glossary.getByTestId('glossary-auc').textContent()).toContain(`ranks the converting one higher ${Math.round(auc * 100)} % of the time`);
    await shot(page, 'calibration-report');

    // No heading lies under the re-run bar, scrolled to the top or the bottom of the window.
    const covered = await page.evaluate(() => {
      const bar = document.querySelector('[data-testid="calibration-choices"]') as HTMLElement;
      const overlaps = (a: DOMRect, b: DOMRect) => a.top < b.bottom && b.top < a.bottom && a.left < b.right && b.left < a.right;
      const hits: string[] = [];
      for (const heading of document.querySelectorAll<HTMLElement>('.lf-cal-report h2, .lf-cal-report h3')) {
        if (bar.contains(heading)) continue;
        for (const block of ['start', 'end'] as const) {
          heading.scrollIntoView({ block });
          if (overlaps(heading.getBoundingClientRect(), bar.getBoundingClientRect())) hits.push(`${heading.textContent} (${block})`);
        }
      }
      return hits;
    });
    expect(covered).toEqual([]);
    await page.getByTestId('calibration-leakage').scrollIntoViewIfNeeded();
    await shot(page, 'calibration-rerun-bar');

    await page.getByTestId('calibration-new').click();
    const past = page.getByTestId('calibration-past');
    await past.getByTestId(`calibration-past-${calibrationId}`).waitFor(WAIT);
    expect(await past.getByTestId(`calibration-past-${calibrationId}`).textContent()).toContain('A CSV export: 1,200 rows, 3 columns');
    await shot(page, 'calibration-past');
    await past.getByTestId(`calibration-past-${calibrationId}`).getByRole('link').click();
    await expect.poll(() => page.getByTestId('calibration-report').getAttribute('data-calibration-id'), WAIT).toBe(calibrationId);
  });

  it('logged no errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/** 1,200 past leads whose source and minutes on the site drive conversion, as a CSV export. */
function pastLeadsCsv(): string {
  const random = mulberry32(7);
  const rows = Array.from({ length: 1200 }, (_, i) => {
    const source = ['Web', 'Partner', 'Event'][i % 3] as 'Web' | 'Partner' | 'Event';
    const minutes = Math.round(random() * 30);
    const won = random() < 1 / (1 + Math.exp(-({ Web: -0.5, Partner: 1.1, Event: 0.2 }[source] + (minutes - 15) * 0.12)));
    return `${source},${minutes},${won ? 1 : 0}`;
  });
  return ['Lead Source,Minutes,Converted', ...rows].join('\n');
}
