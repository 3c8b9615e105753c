/**
 * The model editor's canvas end to end, in real Chromium at 1280×800 against the real API and
 * MongoDB-protocol server. The 64-node starter template opens at a readable zoom at the start of
 * the flow, in lanes by node kind, with a minimap to reach the rest; node search finds a node and
 * brings it into view; the arrow keys walk between nodes, Enter edits one in the inspector and
 * Escape comes back, and no connection is a Tab stop; auto-layout keeps the lanes. Leaving with
 * unsaved changes asks first (a link, the back button, a reload). A generated 200-node model opens
 * with readable names and search brings any of its nodes into view. Screens are photographed into
 * test-results/screenshots/; no page logs an error.
 *
 * Needs the UI built (`npm run build:ui`; `npm test` does it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RuleGraphInput } from '../rules/graph.schema';
import { freePort } from '../scripts/services';
import { startApi, startUi, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureChromium, ROOT } from '../scripts/tools';
import { ownDatabase } from './support/database';
import { request } from './support/http';

const run = Date.now().toString(36);
const templateModel = `canvas-template-${run}`;
const bigModel = `canvas-big-${run}`;
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WAIT = { timeout: 30_000 };
/** The smallest on-screen size a node's name may have. */
const READABLE_PX = 10;

let api: AppProcess;
let ui: AppProcess;
let browser: Browser;
let marketingKey = '';
const contexts: BrowserContext[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  const env: StackEnv = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), `canvas_e2e_${run}`), logDir: path.join(inject('runDir'), 'editor-e2e') };
  api = await startApi(env, await freePort());
  ui = await startUi(env, await freePort(), api.url as string);
  const made = await request(api.url as string, 'POST', '/api/keys', { name: 'canvas e2e', role: 'marketing' });
  expect(made.status).toBe(201);
  marketingKey = made.body.key;
  const auth = { authorization: `Bearer ${marketingKey}` };
  expect((await request(api.url as string, 'POST', '/api/models', { modelId: templateModel, name: 'Starter (canvas e2e)', template: 'b2b-default' }, auth)).status).toBe(201);
  expect((await request(api.url as string, 'POST', '/api/models', { modelId: bigModel, name: 'Two hundred nodes', graph: generatedGraph(200) }, auth)).status).toBe(201);
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

describe('the editor canvas, end to end', () => {
  it('opens the 64-node template readable, in lanes; search, arrow keys, Enter and Escape reach any node without tabbing through connections', async () => {
    const page = await openEditor('template', templateModel);
    expect(await page.locator('.lf-node').count()).toBe(64);

    const view = await defaultViewFacts(page);
    expect(view.smallestNamePx).toBeGreaterThanOrEqual(READABLE_PX);
    expect(view.namesInView).toBeGreaterThanOrEqual(6);
    // The start of the flow: the first trigger is in view.
    expect(await inView(page, 'visit')).toBe(true);
    for (const [lane, title] of [
      ['triggers', 'Triggers'],
      ['conditions', 'Conditions'],
      ['points', 'Points'],
      ['routes', 'Routes'],
    ]) {
      expect(await page.getByTestId(`lane-${lane}`).textContent()).toContain(title);
    }
    await shot(page, 'editor-01-template-default-view');
    const target = await farthestNode(page);

    // The minimap navigates: dragging in it moves the view.
    const before = await viewportTransform(page);
    const minimap = page.locator('.react-flow__minimap svg');
    const box = (await minimap.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => viewportTransform(page), WAIT).not.toBe(before);

    // Search: Ctrl+F while the canvas has focus, type part of a name, Enter.
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 500 } });
    await page.keyboard.press('Control+f');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), WAIT).toBe('node-search');
    await page.keyboard.type(target.name);
    await page.getByTestId(`node-search-result-${target.id}`).waitFor(WAIT);
    await shot(page, 'editor-02-node-search');
    await page.keyboard.press('Enter');
    await expect.poll(() => inView(page, target.id), WAIT).toBe(true);
    await expect.poll(() => page.locator(`.react-flow__node[data-id="${target.id}"]`).getAttribute('class'), WAIT).toContain('selected');
    await expect.poll(() => focusedNodeId(page), WAIT).toBe(target.id);
    expect(await nameSizeOnScreen(page, target.id)).toBeGreaterThanOrEqual(READABLE_PX);
    await shot(page, 'editor-03-node-found');

    // Arrow keys walk between nodes; the one Tab stop follows the selection; connections are no Tab stops.
    expect(await page.locator('.react-flow__edge[tabindex]').count()).toBe(0);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focusedNodeId(page), WAIT).not.toBe(target.id);
    const moved = (await focusedNodeId(page)) as string;
    expect(await boxOf(page, moved).then((b) => b.x)).toBeLessThan(await boxOf(page, target.id).then((b) => b.x));
    await expect.poll(() => page.locator(`.react-flow__node[data-id="${moved}"]`).getAttribute('class'), WAIT).toContain('selected');
    expect(await page.locator('.react-flow__node[tabindex="0"]').count()).toBe(1);
    // Enter edits it in the inspector; Escape comes back to it on the canvas.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('#panel-side'))), WAIT).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedNodeId(page), WAIT).toBe(moved);
    // "/" also opens search when the canvas has focus.
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), WAIT).toBe('node-search');
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedNodeId(page), WAIT).toBe(moved);

    // Auto-layout keeps the lanes: the points lane stands wholly right of the conditions lane.
    await page.getByTestId('btn-layout').click();
    await expect.poll(async () => (await page.getByTestId('lane-points').boundingBox())!.x - rightOf((await page.getByTestId('lane-conditions').boundingBox())!), WAIT).toBeGreaterThan(0);
    for (const points of await idsOfKind(page, 'points')) {
      for (const condition of await idsOfKind(page, 'condition')) {
        expect((await nodePosition(page, points)).x).not.toBe((await nodePosition(page, condition)).x);
      }
    }
    expect((await defaultViewFacts(page)).smallestNamePx).toBeGreaterThanOrEqual(READABLE_PX);
    await shot(page, 'editor-04-template-laid-out');
  });

  it('asks before leaving with unsaved changes: Stay keeps them, Save draft keeps them saved, Leave drops them; the back button and a reload ask too', async () => {
    const page = await openEditor('leaver', templateModel);
    const savedState = await page.getByTestId('draft-state').textContent();
    expect(savedState).toMatch(/^Saved · revision \d+/);
    const revision = Number(/revision (\d+)/.exec(savedState ?? '')![1]);

    // A change: lay the graph out. Leaving by the Models link asks; Stay keeps the change.
    await page.getByTestId('btn-layout').click();
    await expect.poll(() => page.getByTestId('draft-state').textContent(), WAIT).toMatch(/^Unsaved changes/);
    const laidOut = await nodePosition(page, 'visit-points');
    await page.getByRole('link', { name: '← Models' }).click();
    await page.getByTestId('leave-dialog').waitFor(WAIT);
    await shot(page, 'editor-05-leave-asks');
    await page.getByTestId('leave-stay').click();
    await page.getByTestId('leave-dialog').waitFor({ state: 'detached', ...WAIT });
    expect(await page.getByTestId('draft-state').textContent()).toMatch(/^Unsaved changes/);
    expect(new URL(page.url()).hash).toBe(`#/models/${templateModel}`);

    // The back button asks too, and staying keeps the editor.
    await page.goBack();
    await page.getByTestId('leave-dialog').waitFor(WAIT);
    await page.getByTestId('leave-stay').click();
    expect(new URL(page.url()).hash).toBe(`#/models/${templateModel}`);
    expect(await page.getByTestId('draft-state').textContent()).toMatch(/^Unsaved changes/);

    // A reload or closing the tab asks the browser's own question.
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    expect(await page.getByTestId('draft-state').textContent()).toMatch(/^Unsaved changes/);

    // Save draft and leave: the models list, and coming back the change is there, saved.
    await page.getByRole('link', { name: '← Models' }).click();
    await page.getByTestId('leave-save').click();
    await page.getByTestId('models-list').waitFor(WAIT);
    await page.goto(`${ui.url}/#/models/${templateModel}`);
    await expect.poll(() => page.getByTestId('draft-state').textContent(), WAIT).toMatch(new RegExp(`^Saved · revision ${revision + 1}\\b`));
    expect(await nodePosition(page, 'visit-points')).toEqual(laidOut);

    // Leave without saving: coming back, the change is gone, and the status says what is saved.
    const node = await boxOf(page, 'visit-points');
    await page.mouse.move(node.x + node.width / 2, node.y + node.height / 2);
    await page.mouse.down();
    await page.mouse.move(node.x + node.width / 2 + 40, node.y + node.height / 2 + 120, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('draft-state').textContent(), WAIT).toMatch(/^Unsaved changes/);
    expect(await nodePosition(page, 'visit-points')).not.toEqual(laidOut);
    await page.getByRole('link', { name: '← Models' }).click();
    await page.getByTestId('leave-discard').click();
    await page.getByTestId('models-list').waitFor(WAIT);
    await page.goBack();
    await expect.poll(() => page.getByTestId('draft-state').textContent(), WAIT).toMatch(new RegExp(`^Saved · revision ${revision + 1}\\b`));
    expect(await nodePosition(page, 'visit-points')).toEqual(laidOut);

    // With nothing unsaved, leaving does not ask.
    await page.getByRole('link', { name: '← Models' }).click();
    await page.getByTestId('models-list').waitFor(WAIT);
    expect(await page.getByTestId('leave-dialog').count()).toBe(0);
  });

  it('opens a generated 200-node model with readable names, and search brings any node into view', async () => {
    const page = await openEditor('big model', bigModel);
    expect(await page.locator('.lf-node').count()).toBe(200);
    const view = await defaultViewFacts(page);
    expect(view.smallestNamePx).toBeGreaterThanOrEqual(READABLE_PX);
    expect(view.namesInView).toBeGreaterThanOrEqual(6);
    await shot(page, 'editor-06-200-nodes-default-view');

    const ids = await page.locator('.react-flow__node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id') as string));
    // The last node of each lane and a spread of others: every part of the graph.
    const sample = [...new Set([ids[ids.length - 1]!, ids[0]!, ids[57]!, ids[123]!, ids[166]!, ids[199]!, 'route-19', 'points-extra-39', 'threshold-0'])];
    for (const id of sample) {
      const name = await page.locator(`.react-flow__node[data-id="${id}"] .lf-node-name`).textContent();
      const search = page.getByTestId('node-search');
      await search.fill(name!.trim());
      await page.getByTestId(`node-search-result-${id}`).waitFor(WAIT);
      await search.press('Enter');
      await expect.poll(() => inView(page, id), WAIT).toBe(true);
      expect(await nameSizeOnScreen(page, id)).toBeGreaterThanOrEqual(READABLE_PX);
    }
    await shot(page, 'editor-07-200-nodes-found');
    expect(consoleErrors).toEqual([]);
  });
});

/** A model of `count` nodes without positions (the editor lays it out): scoring flows, extra points, thresholds with routes. */
function generatedGraph(count: number): RuleGraphInput {
  const flows = Math.floor(count / 5);
  const nodes: RuleGraphInput['nodes'] = [];
  const edges: RuleGraphInput['edges'] = [];
  for (let i = 0; i < flows; i++) {
    nodes.push({ id: `trigger-${i}`, kind: 'trigger', label: `Visit of page ${i}`, eventTypes: ['page_view'] });
    nodes.push({ id: `condition-${i}`, kind: 'condition', label: `Page ${i} is a product page`, match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: `/product/${i}` }] });
    nodes.push({ id: `points-${i}`, kind: 'points', label: `Product page ${i} visited`, score: 'engagement', points: 5 + (i % 20) });
    nodes.push({ id: `points-extra-${i}`, kind: 'points', label: `Any visit ${i}`, score: 'engagement', points: 1 });
    edges.push({ id: `e-tc-${i}`, source: `trigger-${i}`, target: `condition-${i}` }, { id: `e-cp-${i}`, source: `condition-${i}`, target: `points-${i}` }, { id: `e-tp-${i}`, source: `trigger-${i}`, target: `points-extra-${i}` });
  }
  for (let i = 0; nodes.length < count; i++) {
    nodes.push({ id: `threshold-${i}`, kind: 'threshold', label: `Qualified at ${100 + i * 10}`, score: 'total', value: 100 + i * 10, stage: 'mql' });
    nodes.push({ id: `route-${i}`, kind: 'route', label: `Team ${i}`, team: `Team ${i}`, queue: `team-${i}` });
    edges.push({ id: `e-tr-${i}`, source: `threshold-${i}`, target: `route-${i}` });
  }
  return { name: 'Two hundred nodes', scores: [{ id: 'engagement', label: 'Engagement', min: 0, max: 1000 }], nodes, edges };
}

async function openEditor(who: string, modelId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${who}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${who}: ${error.message}`));
  await page.goto(ui.url as string);
  await page.getByTestId('signin-key').fill(marketingKey);
  await page.getByTestId('signin-key').press('Enter');
  await page.getByTestId('whoami').waitFor(WAIT);
  await page.goto(`${ui.url}/#/models/${modelId}`);
  await page.locator('.lf-node').first().waitFor(WAIT);
  // The default view is set once React Flow has measured the nodes.
  await expect.poll(() => viewportTransform(page), WAIT).not.toBe('none');
  await page.waitForTimeout(300);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

/** The viewport's CSS transform (translate and scale). */
const viewportTransform = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);

/** Of the node names inside the canvas: how many, and the smallest on-screen size (computed font size × zoom). */
function defaultViewFacts(page: Page): Promise<{ namesInView: number; smallestNamePx: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const zoom = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
    const names = [...document.querySelectorAll<HTMLElement>('.lf-node-name')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom;
    });
    const sizes = names.map((el) => parseFloat(getComputedStyle(el).fontSize) * zoom);
    return { namesInView: names.length, smallestNamePx: sizes.length ? Math.min(...sizes) : 0 };
  });
}

/** A node's name size on screen: computed font size × the viewport's zoom. */
function nameSizeOnScreen(page: Page, id: string): Promise<number> {
  return page.evaluate((nodeId) => {
    const name = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${nodeId}"] .lf-node-name`)!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
    return parseFloat(getComputedStyle(name).fontSize) * zoom;
  }, id);
}

/** True when the node lies wholly inside the canvas on screen. */
function inView(page: Page, id: string): Promise<boolean> {
  return page.evaluate((nodeId) => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const r = document.querySelector(`.react-flow__node[data-id="${nodeId}"]`)!.getBoundingClientRect();
    return r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom;
  }, id);
}

const focusedNodeId = (page: Page) => page.evaluate(() => document.activeElement?.closest<HTMLElement>('.react-flow__node')?.dataset.id ?? null);
const boxOf = async (page: Page, id: string) => (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
const rightOf = (box: { x: number; width: number }) => box.x + box.width;
const idsOfKind = (page: Page, kind: string) => page.locator(`.lf-node[data-kind="${kind}"]`).evaluateAll((nodes) => nodes.map((node) => node.closest<HTMLElement>('.react-flow__node')!.dataset.id!));

/** A node's position on the flow (not the screen): React Flow's translate of it. */
function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  return page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => {
    const m = new DOMMatrixReadOnly(getComputedStyle(el).transform);
    return { x: m.e, y: m.f };
  });
}

/** The node farthest from the top left of the flow, which the default view does not show, with its name. */
async function farthestNode(page: Page): Promise<{ id: string; name: string }> {
  const found = await page.locator('.react-flow__node').evaluateAll((nodes) =>
    nodes
      .map((el) => {
        const m = new DOMMatrixReadOnly(getComputedStyle(el).transform);
        return { id: (el as HTMLElement).dataset.id!, name: el.querySelector('.lf-node-name')!.textContent!.trim(), distance: Math.hypot(m.e, m.f) };
      })
      .sort((a, b) => b.distance - a.distance)[0]!,
  );
  expect(await inView(page, found.id)).toBe(false);
  return { id: found.id, name: found.name };
}
