/**
 * Hostile and oversized input on the real API: bodies over the limits get 413 before any work,
 * MongoDB operators smuggled into any field or query parameter are refused (400), never run, a
 * stranger's body is never read (401 first), and a method a path does not answer gets 405.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { request } from './support/http';

let api: AppProcess;
let base: string;
const admin = () => ({ authorization: `Bearer ${inject('adminKey')}` });

beforeAll(async () => {
  api = await startApi({ temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'api-input') }, await freePort());
  base = api.url as string;
});

afterAll(async () => {
  await api?.stop();
});

describe('size limits', () => {
  it('refuse a JSON body over 2 MB with 413 in the one error shape', async () => {
    const events = Array.from({ length: 1_000 }, (_v, i) => ({ eventId: `big-${i}`, leadId: 'big', type: 'page_view', properties: { url: `/${'x'.repeat(2_100)}` }, occurredAt: minute(0) }));
    const response = await request(base, 'POST', '/api/events/batch', { events });
    expect(response).toMatchObject({ status: 413, body: { error: { status: 413, code: 'too_large' } } });
    expect((await request(base, 'GET', '/api/leads/big')).status).toBe(404);
  });

  it('refuse a CSV import over 20 MB with 413', async () => {
    const row = `lead-x,${'y'.repeat(1_000)}\n`;
    const body = `id,notes\n${row.repeat(21_000)}`;
    const response = await fetch(`${base}/api/imports?leadIdColumn=id`, { method: 'POST', headers: { ...admin(), 'content-type': 'text/csv' }, body });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('too_large');
  });
});

describe('MongoDB operators in input', () => {
  it('are refused in bodies, naming the field', async () => {
    const event = { eventId: 'inj-1', leadId: { $ne: null }, type: 'page_view', properties: { url: { $gt: '' } }, occurredAt: minute(0) };
    const response = await request(base, 'POST', '/api/events', event);
    expect(response.status).toBe(400);
    expect(response.body.error.fields.map((f: any) => f.path)).toEqual(expect.arrayContaining(['body.leadId', 'body.properties.url']));
    const keyed = await request(base, 'POST', '/api/events', { ...event, leadId: 'inj', properties: { $where: 'sleep(1000)' } });
    expect(keyed.status).toBe(400);
    expect(keyed.body.error.fields[0].path).toMatch(/^body\.properties/);
  });

  it('are refused in query strings and paths, naming the parameter', async () => {
    // Bracket syntax is not parsed into objects, and a parameter the route does not know is refused:
    // never an unfiltered list that looks filtered.
    const smuggled = await request(base, 'GET', '/api/leads?stage[$ne]=lead&pageSize=1');
    expect(smuggled).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', fields: [{ path: 'query.stage[$ne]', message: expect.stringMatching(/^unknown query parameter; this route accepts stage, grade, /) }] } } });
    expect((await request(base, 'GET', '/api/leads?owner=%7B%22%24ne%22%3Anull%7D')).status).toBe(400);
    expect((await request(base, 'GET', '/api/leads/%7B%22%24ne%22%3Anull%7D')).status).toBe(400);
  });
});

describe('input found by fuzzing (test/fuzz.test.ts)', () => {
  it('a score band narrower than 0.01 points is refused naming bandWidth, not answered with bands JSON cannot carry', async () => {
    const tiny = await request(base, 'GET', '/api/reports/scores?bandWidth=5e-324');
    expect(tiny).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', fields: [{ path: 'query.bandWidth', message: 'at least 0.01 points' }] } } });
    expect((await request(base, 'GET', '/api/reports/scores?bandWidth=0.01')).status).toBe(200);
  });

  it('an event import without a body is refused naming the body; no import is recorded', async () => {
    const importId = `empty-${Date.now().toString(36)}`;
    const response = await fetch(`${base}/api/imports/events?format=ndjson&importId=${importId}`, { method: 'POST', headers: admin() });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request', fields: [{ path: 'body', message: expect.stringMatching(/^send the events as the body/) }] });
    expect((await request(base, 'GET', `/api/imports/${importId}`)).status).toBe(404);
  });

  it('a query string over 16 KB gets 431 in the one error shape, not an empty answer', async () => {
    const response = await fetch(`${base}/api/calibrations?exclude=${'x'.repeat(200)}${'&exclude=y'.repeat(2_000)}`, { method: 'POST', headers: { ...admin(), 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { status: 431, code: 'headers_too_large', message: expect.stringMatching(/larger than 16 KB/) } });
  });

  it('a batch item or a simulated event that is not an object is refused as it is, not answered 500', async () => {
    const batch = await request(base, 'POST', '/api/events/batch', { events: [null] });
    expect(batch.status).toBeLessThan(500);
    expect(batch.body.results).toEqual([expect.objectContaining({ index: 0, status: 'rejected', code: 'invalid_request' })]);
    const simulated = await request(base, 'POST', '/api/models/default/simulate', { events: [null] });
    expect(simulated).toMatchObject({ status: 400, body: { error: { fields: [{ path: 'body.events.0' }] } } });
  });
});

describe('unknown query parameters', () => {
  it('are refused with 400 naming each, on routes with a query and on routes without one', async () => {
    const misspelt = await request(base, 'GET', '/api/leads?stages=lead&pagesize=5&page=1');
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.fields.map((f: any) => f.path)).toEqual(['query.stages', 'query.pagesize']);
    const none = await request(base, 'GET', '/api/models?limit=1');
    expect(none).toMatchObject({ status: 400, body: { error: { fields: [{ path: 'query.limit', message: 'unknown query parameter; this route takes no query parameters' }] } } });
    // Also on a route that reads its own query (a streamed import): refused before anything is read or stored.
    const imported = await fetch(`${base}/api/imports/events?importid=x`, { method: 'POST', headers: { ...admin(), 'content-type': 'application/x-ndjson' }, body: '{}\n' });
    expect(imported.status).toBe(400);
    expect((await imported.json()).error.fields[0].path).toBe('query.importid');
    expect((await request(base, 'GET', '/api/leads?stage=lead&pageSize=1')).status).toBe(200);
  });
});

describe('callers are known before their bodies are read', () => {
  const stranger = { authorization: '' };
  it('a stranger’s malformed JSON gets 401, not 400', async () => {
    const response = await request(base, 'POST', '/api/events', '{"eventId": ', stranger);
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    const badKey = await request(base, 'POST', '/api/events', '{"eventId": ', { authorization: `Bearer lf_aaaaaaaaaaaa_${'x'.repeat(43)}` });
    expect(badKey).toMatchObject({ status: 401, body: { error: { message: 'The API key is unknown or revoked' } } });
  });

  it('a stranger’s 3 MB body gets 401, not 413', async () => {
    const response = await request(base, 'POST', '/api/events/batch', JSON.stringify({ events: ['x'.repeat(3 * 1024 * 1024)] }), stranger);
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it('a key without the role gets 403 before its body is read', async () => {
    const made = await request(base, 'POST', '/api/keys', { name: 'reader', role: 'reviewer' });
    const response = await request(base, 'POST', '/api/events', '{"eventId": ', { authorization: `Bearer ${made.body.key}` });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('a caller with the role gets its malformed JSON named (400)', async () => {
    expect(await request(base, 'POST', '/api/events', '{"eventId": ')).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });
});

describe('methods a path does not answer', () => {
  it('get 405 with the methods it does answer in Allow', async () => {
    const response = await fetch(`${base}/api/leads`, { method: 'DELETE', headers: admin() });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await response.json()).error).toMatchObject({ status: 405, code: 'method_not_allowed', message: '/api/leads does not answer DELETE; it answers GET, HEAD' });
    const model = await fetch(`${base}/api/models/some-model`, { method: 'PATCH', headers: admin() });
    expect(model.status).toBe(405);
    expect(model.headers.get('allow')).toBe('GET, HEAD');
    const both = await fetch(`${base}/api/reviews/thresholds`, { method: 'POST', headers: admin() });
    expect(both.headers.get('allow')).toBe('GET, HEAD, PUT');
    // A path nobody serves is still 404.
    expect((await fetch(`${base}/api/nothing-here`, { method: 'DELETE', headers: admin() })).status).toBe(404);
  });
});

describe('webhook URLs', () => {
  it('that reach loopback, private or link-local addresses are refused, naming the field; nothing is stored', async () => {
    const before = (await request(base, 'GET', '/api/webhooks')).body.webhooks.length;
    for (const url of ['http://127.0.0.1:9/hooks', 'http://localhost:9/hooks', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.7/hooks', 'http://[::1]:9/hooks']) {
      const response = await request(base, 'POST', '/api/webhooks', { url });
      expect(response.status, url).toBe(400);
      expect(response.body.error.fields, url).toEqual([{ path: 'body.url', message: expect.stringMatching(/loopback, private or link-local address; webhooks go to public addresses unless LEADFLOW_ALLOW_PRIVATE_WEBHOOKS=true$/) }]);
    }
    expect((await request(base, 'GET', '/api/webhooks')).body.webhooks.length).toBe(before);
  });
});

describe('security headers', () => {
  it('come with every answer: JSON may not be run, framed or sniffed', async () => {
    for (const [path, headers] of [
      ['/api/models', admin()],
      ['/api/nothing-here', admin()],
      ['/api/health', {}],
      ['/api/leads', {}],
    ] as const) {
      const response = await fetch(`${base}${path}`, { headers });
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
  });

  it('let the documentation page load its own scripts, styles and the document, and nothing else', async () => {
    for (const path of ['/docs/', '/api/docs/', '/api/docs/swagger-initializer.js']) {
      const csp = (await fetch(`${base}${path}`)).headers.get('content-security-policy');
      expect(csp, path).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;.* connect-src 'self'; frame-ancestors 'none'/);
    }
  });
});
