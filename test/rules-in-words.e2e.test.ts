/**
 * Rules that speak the marketer's language, end to end in real Chromium against the real API and
 * MongoDB-protocol server: operators read as words on the node cards, in the inspector and in the
 * version diff; a condition after a page-view trigger offers the properties page views carry
 * first; a route's queue and escalation target are chosen from the queues in use, a new one is
 * typed deliberately and one no sales key works is said so; and a validation error is marked on
 * the input that causes it. Screens are photographed at 1280×800 into test-results/screenshots/,
 * and no page logs an error.
 *
 * Needs the UI built (`npm run build:ui`; `npm test` does it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RuleGraphInput } from '../rules/graph.schema';
import { freePort } from '../scripts/services';
import { startApi, startUi, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import { ownDatabase } from './support/database';
import { request } from './support/http';

const run = Date.now().toString(36);
const modelId = `words-${run}`;
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WAIT = { timeout: 30_000 };
/** Operator ids as the rules store them: none may reach the screen. */
const CODE_NAMES = /\b(startsWith|greaterThanInclusive|greaterThan|lessThanInclusive|keyboardMash|isKnown|withinDays|olderThanDays|notCapitalised|emailDomainIn|containsText|matchesPattern|notEqual|notIn)\b/;

const at = (column: number, row: number) => ({ x: column * 300, y: row * 150 });
const url = (value: string) => ({ fact: 'event.url', operator: 'startsWith' as const, value });
const graph: RuleGraphInput = {
  name: 'Rules in words (e2e)',
  scores: [
    { id: 'engagement', label: 'Engagement' },
    { id: 'fit', label: 'Fit' },
  ],
  nodes: [
    { id: 'visit', kind: 'trigger', label: 'Page view', eventTypes: ['page_view'], position: at(0, 0) },
    { id: 'key-page', kind: 'condition', label: 'Pricing or demo page', match: 'any', conditions: [url('/pricing'), url('/demo')], position: at(1, 0) },
    { id: 'key-page-points', kind: 'points', label: 'Key page visit', score: 'engagement', points: 20, position: at(2, 0) },
    {
      id: 'frequent',
      kind: 'condition',
      label: 'Frequent visitor',
      match: 'all',
      conditions: [{ fact: 'derived.eventCount', params: { eventType: 'page_view', days: 30 }, operator: 'greaterThanInclusive', value: 10 }],
      position: at(1, 1),
    },
    { id: 'frequent-points', kind: 'points', label: 'Frequent visits', score: 'engagement', points: 10, position: at(2, 1) },
    { id: 'phone-set', kind: 'trigger', label: 'Phone changes', attributes: ['lead.phone'], position: at(0, 2) },
    { id: 'has-phone', kind: 'condition', label: 'Has a phone', match: 'all', conditions: [{ fact: 'lead.phone', operator: 'isKnown', value: true }], position: at(1, 2) },
    { id: 'phone-points', kind: 'points', label: 'Phone given', score: 'fit', points: 10, position: at(2, 2) },
    { id: 'mql', kind: 'threshold', label: 'MQL at 60', score: 'total', value: 60, stage: 'mql', position: at(0, 3) },
    { id: 'inbound', kind: 'route', label: 'Inbound sales', team: 'Inbound', queue: 'inbound-sales', escalateTo: 'sales-managers', position: at(1, 3) },
  ],
  edges: [
    { id: 'e1', source: 'visit', target: 'key-page' },
    { id: 'e2', source: 'key-page', target: 'key-page-points' },
    { id: 'e3', source: 'visit', target: 'frequent' },
    { id: 'e4', source: 'frequent', target: 'frequent-points' },
    { id: 'e5', source: 'phone-set', target: 'has-phone' },
    { id: 'e6', source: 'has-phone', target: 'phone-points' },
    { id: 'e7', source: 'mql', target: 'inbound' },
  ],
};

let env: StackEnv;
let api: AppProcess;
let ui: AppProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let marketingKey = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), `words_e2e_${run}`), logDir: path.join(inject('runDir'), 'rules-in-words-e2e') };
  api = await startApi(env, await freePort());
  ui = await startUi(env, await freePort(), api.url as string);
  const base = api.url as string;
  const marketing = await request(base, 'POST', '/api/keys', { name: 'words marketing', role: 'marketing' });
  expect(marketing.status).toBe(201);
  marketingKey = marketing.body.key;
  // One sales key works the inbound queue; nobody works "sales-managers", the escalation target.
  expect((await request(base, 'POST', '/api/keys', { name: 'words inbound team', role: 'sales', queues: ['inbound-sales'] })).status).toBe(201);

  // Version 1 as drawn; version 2 tests "contains" where version 1 tested "starts with".
  const created = await request(base, 'POST', '/api/models', { modelId, name: graph.name, graph });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const first = await request(base, 'POST', `/api/models/${modelId}/publish`, { revision: created.body.draft.revision, changeNote: 'first version' });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  const second = structuredClone(graph);
  const keyPage = second.nodes.find((node) => node.id === 'key-page');
  if (keyPage?.kind === 'condition') keyPage.conditions = [{ fact: 'event.url', operator: 'containsText', value: 'pricing' }, url('/demo')];
  const current = await request(base, 'GET', `/api/models/${modelId}`);
  const saved = await request(base, 'PUT', `/api/models/${modelId}/draft`, { revision: current.body.draft.revision, graph: second });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect((await request(base, 'POST', `/api/models/${modelId}/publish`, { revision: saved.body.revision, changeNote: 'pricing anywhere in the path' })).status).toBe(201);

  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await Promise.all([ui?.stop(), api?.stop()]);
});

/** The model's editor in a window of its own at 1280×800, signed in as marketing, its errors collected. */
async function openEditor(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${who}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${who}: ${error.message}`));
  await page.goto(`${ui.url}/#/models/${modelId}`);
  await page.getByTestId('signin-key').fill(marketingKey);
  await page.getByTestId('signin-key').press('Enter');
  await expect.poll(() => textOf(page.getByTestId('model-title')), WAIT).toBe(graph.name);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const byId = (page: Page, id: string) => page.getByTestId(id);
const textOf = async (locator: Locator) => (await locator.textContent(WAIT))?.trim() ?? '';
const selectedText = (select: Locator) => select.evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');
const optionTexts = (select: Locator) => select.evaluate((element) => [...(element as HTMLSelectElement).options].map((option) => option.textContent ?? ''));

async function select(page: Page, nodeId: string, kind: string): Promise<void> {
  await byId(page, `node-${nodeId}`).click();
  await byId(page, `inspector-${kind}`).waitFor(WAIT);
}

describe('rules in the words of the people who write them', () => {
  let page: Page;

  it('node cards and the inspector name operators in words, never by their code names', async () => {
    page = await openEditor('marketer');
    expect(await textOf(byId(page, 'node-key-page'))).toContain('Page URL contains pricing or Page URL starts with /demo');
    expect(await textOf(byId(page, 'node-frequent'))).toContain('Number of page view events in the last 30 days is at least 10');
    expect(await textOf(byId(page, 'node-has-phone'))).toContain('Phone is filled in');

    await select(page, 'frequent', 'condition');
    const operator = byId(page, 'field-conditions-0-operator');
    expect(await selectedText(operator)).toBe('at least');
    expect(await optionTexts(operator)).toEqual(['is', 'is not', 'is one of', 'is none of', 'less than', 'at most', 'more than', 'at least', 'is filled in']);
    await select(page, 'has-phone', 'condition');
    expect(await selectedText(byId(page, 'field-conditions-0-operator'))).toBe('is filled in');
    await shot(page, '20-words-operators');
    expect(await page.locator('body').innerText()).not.toMatch(CODE_NAMES);
  });

  it("a condition after a page-view trigger offers page views' properties first, then a value", async () => {
    await select(page, 'key-page', 'condition');
    const fact = byId(page, 'field-conditions-1-fact');
    const groups = await fact.evaluate((element) =>
      Object.fromEntries([...element.querySelectorAll('optgroup')].map((group) => [group.label, [...group.querySelectorAll('option')].map((option) => option.textContent)])),
    );
    expect(groups['Sent with page view events']).toEqual(['Page URL (path)', 'Referrer', 'Email or ad campaign', 'Product the event is about', 'When the event happened']);
    expect(groups['Other event properties']).toContain('Form name');
    await fact.selectOption({ label: 'Referrer' });
    expect(await selectedText(byId(page, 'field-conditions-1-operator'))).toBe('starts with');
    await byId(page, 'field-conditions-1-value').fill('google');
    await expect.poll(() => textOf(byId(page, 'node-key-page')), WAIT).toContain('Page URL contains pricing or Referrer starts with google');
    await shot(page, '21-words-property-picker');
  });

  it('marks a validation error on the input that causes it, not only on the node', async () => {
    const value = byId(page, 'field-conditions-0-value');
    await value.fill('');
    await expect.poll(() => value.getAttribute('aria-invalid'), WAIT).toBe('true');
    const problem = byId(page, 'field-conditions-0-value-problem');
    expect(await textOf(problem)).toBe('Condition 1: needs some text.');
    expect(await value.getAttribute('aria-describedby')).toBe(await problem.getAttribute('id'));
    expect(await value.evaluate((element) => getComputedStyle(element).borderTopColor)).toBe('rgb(196, 50, 10)');
    expect(await byId(page, 'field-conditions-1-value').getAttribute('aria-invalid')).toBeNull();
    expect(await textOf(byId(page, 'node-key-page-issues'))).toMatch(/^1 error$/);
    await shot(page, '22-words-error-on-field');

    await value.fill('pricing');
    await expect.poll(() => value.getAttribute('aria-invalid'), WAIT).toBeNull();
    expect(await byId(page, 'field-conditions-0-value-problem').count()).toBe(0);
  });

  it("a route's queue and escalation come from the queues in use; a new one is typed deliberately, and one nobody works is said so", async () => {
    await select(page, 'inbound', 'route');
    const queue = byId(page, 'field-queue');
    expect(await selectedText(queue)).toBe('inbound-sales · 1 sales key');
    expect(await byId(page, 'field-queue-unworked').count()).toBe(0);
    expect(await selectedText(byId(page, 'field-escalateTo'))).toBe('sales-managers · no sales key works it');
    expect(await textOf(byId(page, 'field-escalateTo-unworked'))).toContain('No sales key works the queue "sales-managers"');

    await queue.selectOption({ label: 'Another queue…' });
    const typed = byId(page, 'field-queue-new');
    await typed.fill('inbound sales');
    await expect.poll(() => typed.getAttribute('aria-invalid'), WAIT).toBe('true');
    expect(await textOf(byId(page, 'field-queue-problem'))).toBe('use letters, digits, "_" and "-" only');
    await typed.fill('inboud-sales');
    await expect.poll(() => typed.getAttribute('aria-invalid'), WAIT).toBeNull();
    expect(await textOf(byId(page, 'field-queue-unworked'))).toContain('No sales key works the queue "inboud-sales"');
    await expect.poll(() => textOf(byId(page, 'node-inbound')), WAIT).toContain('queue inboud-sales');
    await shot(page, '23-words-queue-nobody-works');

    await queue.selectOption('inbound-sales');
    expect(await byId(page, 'field-queue-new').count()).toBe(0);
    expect(await byId(page, 'field-queue-unworked').count()).toBe(0);
    await byId(page, 'field-escalateTo').selectOption('(none)');
    expect(await byId(page, 'field-escalateTo-unworked').count()).toBe(0);
    await expect.poll(() => textOf(byId(page, 'node-inbound')), WAIT).toContain('queue inbound-sales');
  });

  it('the version diff says a changed condition in words', async () => {
    const history = await openEditor('history');
    await byId(history, 'tab-history').click();
    await byId(history, 'version-2-diff').click();
    const change = byId(history, 'diff-condition-key-page');
    expect(await textOf(change)).toBe(
      'Condition Pricing or demo page: “Page URL starts with /pricing or Page URL starts with /demo” → “Page URL contains pricing or Page URL starts with /demo”',
    );
    await shot(history, '24-words-version-diff');
    expect(await history.locator('body').innerText()).not.toMatch(CODE_NAMES);
  });

  it('logs no errors in any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
