/**
 * The API's OpenAPI document: generated from the zod schemas, valid OpenAPI 3.1, browsable, and
 * true to the running API — every documented operation exists and answers with its documented
 * status or the one error shape.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, type AppProcess } from '../scripts/stack';
import { request } from './support/http';

let api: AppProcess;
let base: string;
let document: any;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'openapi') };
  api = await startApi(env, await freePort());
  base = api.url as string;
  document = (await request(base, 'GET', '/openapi.json')).body;
});

afterAll(async () => {
  await api?.stop();
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents the API’s resources with their schemas', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/events', '/api/events/batch', '/api/leads/{leadId}', '/api/leads/{leadId}/ledger', '/api/sales/queues/{queue}/handoffs', '/api/handoffs/{handoffId}/accept', '/api/models/{modelId}/draft', '/api/rescores']),
    );
    const event = document.paths['/api/events'].post;
    expect(event.responses['202']).toBeDefined();
    expect(event.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['eventId', 'leadId', 'type', 'occurredAt']));
    expect(event.requestBody.content['application/json'].schema.properties.type.enum).toContain('page_view');
    expect(document.paths['/api/leads/{leadId}/ledger'].get.parameters.map((p: any) => [p.name, p.in, p.required])).toEqual([
      ['leadId', 'path', true],
      ['limit', 'query', false],
      ['from', 'query', false],
    ]);
  });

  it('documents both ways to start a calibration: a CSV export, or LeadFlow’s own history', () => {
    const calibrate = document.paths['/api/calibrations'].post;
    expect(Object.keys(calibrate.requestBody.content)).toEqual(['text/csv', 'application/json']);
    const history = calibrate.requestBody.content['application/json'].schema;
    expect(history.required).toEqual(expect.arrayContaining(['source', 'from', 'to']));
    expect(Object.keys(history.properties)).toEqual(expect.arrayContaining(['source', 'from', 'to', 'modelId', 'seed', 'target', 'holdout']));
    expect(calibrate.responses['422']).toBeDefined();
  });

  it('matches the running API: every operation answers with its documented status or the error shape', async () => {
    const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.entries(methods as object).map(([method, op]) => ({ route, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { route, method, op } of operations) {
      const url = route.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'modelVersion' || name === 'version' ? '1' : name === 'handoffId' ? 'nobody:1' : 'nobody'));
      // Bodies every strict schema refuses, and unknown ids: no side effects, yet a documented answer.
      const response = await request(base, method.toUpperCase(), url, method === 'get' ? undefined : { walkCheck: true });
      const documented = Object.keys((op as any).responses).filter((code) => code !== 'default');
      const where = `${method.toUpperCase()} ${url} → ${response.status}`;
      expect(response.status, where).toBeLessThan(500);
      if (!documented.includes(String(response.status))) {
        expect(response.body?.error, where).toMatchObject({ status: response.status, code: expect.any(String), message: expect.any(String) });
        expect(response.body.error.code, where).not.toBe('not_found_route');
        expect(response.body.error.message, where).not.toMatch(/^No route for/);
      }
    }
  });

  it('says a just-started rescoring is queued, at once, while no worker has taken it up', async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    let rescoreId: string | undefined;
    try {
      // No body: the latest version, as the document says (its body is optional).
      const started = await request(base, 'POST', '/api/rescores');
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      rescoreId = started.body.rescoreId;
      const asked = Date.now();
      const progress = await request(base, 'GET', started.body.progress);
      expect(progress).toMatchObject({ status: 200, body: { modelVersion: started.body.modelVersion, state: 'queued', done: false } });
      expect(Date.now() - asked).toBeLessThan(2_000);
    } finally {
      // No worker runs in this file: end the rescoring so that no later test's worker picks it up.
      if (rescoreId) await new Client({ connection }).workflow.getHandle(rescoreId).terminate('test finished').catch(() => undefined);
      await connection.close();
    }
  });

  it('says which request bodies are optional, as the API treats them', () => {
    expect(document.paths['/api/rescores'].post.requestBody.required).toBe(false);
    expect(document.paths['/api/events'].post.requestBody.required).toBe(true);
  });

  it('has a browsable page', async () => {
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    expect(await (await fetch(`${base}/docs/swagger-initializer.js`)).text()).toContain("url: '/api/openapi.json'");
  });

  it('renders in a real browser under its content security policy, without a violation', async () => {
    const { chromium } = await import('playwright-core');
    const { ensureChromium } = await import('../scripts/tools');
    const browser = await chromium.launch({ executablePath: await ensureChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      const response = await page.goto(`${base}/api/docs/`);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await page.locator('.swagger-ui .info .title').filter({ hasText: 'LeadFlow API' }).waitFor({ timeout: 30_000 });
      await page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
