/**
 * Smoke test of the builder UI in real Chromium against the real API: the published model's
 * graph is drawn with all its nodes, and the page logs no errors.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { ensureChromium, ROOT } from '../scripts/tools';
import { startApi, startUi, type AppProcess } from '../scripts/stack';

const defaultModelGraph = ruleGraphSchema.parse(b2bDefaultGraph);
let api: AppProcess;
let ui: AppProcess;
let browser: Browser;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'builder-ui') };
  api = await startApi(env, await freePort());
  ui = await startUi(env, await freePort(), api.url as string);
  browser = await chromium.launch({
    executablePath: await ensureChromium(),
    // Background networking is refused on machines without internet; keep Chromium quiet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([ui?.stop(), api?.stop()]);
});

it('draws the published model as a graph', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto(ui.url as string);
  await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('B2B starter model · version 1');
  await expect.poll(() => page.locator('.react-flow__node').count()).toBe(defaultModelGraph.nodes.length);
  expect(await page.locator('.react-flow__edge').count()).toBe(defaultModelGraph.edges.length);
  expect(await page.locator('.react-flow__node', { hasText: 'Key page visit · +20 engagement' }).count()).toBe(1);

  await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'builder-ui-model.png') });
  expect(errors).toEqual([]);
});
