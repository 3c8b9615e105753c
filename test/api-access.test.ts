/**
 * Who may call what, on the real API: every route against every role (allowed, or 403), no key
 * or a bad key (401), keys made and revoked by an admin, and sales keys kept to their queues.
 * The matrix below is the specification; a route the API serves that is missing here fails.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, type AppProcess } from '../scripts/stack';
import { eventually, request } from './support/http';

let api: AppProcess;
let base: string;
const keys: Record<string, string> = {};
const ROLES = ['admin', 'marketing', 'reviewer', 'sales', 'ingest'] as const;
type Role = (typeof ROLES)[number];

/** Route → the roles that may call it besides admin ('public': anyone, without a key). */
const MATRIX: Record<string, Role[] | 'public'> = {
  'GET /api/health': 'public',
  'GET /api/ready': 'public',
  'GET /api/me': ['marketing', 'reviewer', 'sales', 'ingest'],
  'GET /api/keys': [],
  'GET /api/queues': ['marketing', 'reviewer'],
  'POST /api/keys': [],
  'DELETE /api/keys/{keyId}': [],
  'GET /api/models/current': ['marketing', 'reviewer'],
  'GET /api/models': ['marketing', 'reviewer'],
  'POST /api/models': ['marketing'],
  'GET /api/models/{modelId}': ['marketing', 'reviewer'],
  'PUT /api/models/{modelId}/draft': ['marketing'],
  'POST /api/models/{modelId}/validate': ['marketing'],
  'POST /api/models/{modelId}/compile': ['marketing'],
  'POST /api/models/{modelId}/simulate': ['marketing'],
  'POST /api/models/{modelId}/publish': ['marketing'],
  'POST /api/models/{modelId}/rollback': ['marketing'],
  'GET /api/models/{modelId}/versions': ['marketing', 'reviewer'],
  'GET /api/models/{modelId}/versions/{version}': ['marketing', 'reviewer'],
  'GET /api/models/{modelId}/diff': ['marketing', 'reviewer'],
  'GET /api/models/{modelId}/audit': ['marketing', 'reviewer'],
  'GET /api/live-model': ['marketing', 'reviewer'],
  'PUT /api/live-model': ['marketing'],
  'POST /api/events': ['ingest'],
  'POST /api/events/batch': ['ingest'],
  'PUT /api/leads/{leadId}/attributes': ['ingest'],
  'GET /api/leads': ['marketing', 'reviewer', 'sales'],
  'GET /api/leads/{leadId}': ['marketing', 'reviewer', 'sales'],
  'GET /api/leads/{leadId}/ledger': ['marketing', 'reviewer', 'sales'],
  'GET /api/sales/queues': ['sales'],
  'GET /api/sales/queues/{queue}/handoffs': ['sales'],
  'POST /api/handoffs/{handoffId}/accept': ['sales'],
  'POST /api/handoffs/{handoffId}/qualify': ['sales'],
  'POST /api/handoffs/{handoffId}/reject': ['sales'],
  'POST /api/handoffs/{handoffId}/take': ['sales'],
  'POST /api/rescores': ['marketing'],
  'GET /api/rescores/{modelVersion}': ['marketing', 'reviewer'],
  'GET /api/reviews/thresholds': ['reviewer', 'marketing'],
  'POST /api/reviews/what-if': ['reviewer', 'marketing'],
  'PUT /api/reviews/thresholds': ['reviewer'],
  'GET /api/reports/funnel': ['reviewer', 'marketing'],
  'GET /api/reports/scores': ['reviewer', 'marketing'],
  'GET /api/reports/grades': ['reviewer', 'marketing'],
  'POST /api/imports': ['ingest'],
  'POST /api/imports/events': ['ingest'],
  'GET /api/imports/{importId}': ['ingest', 'marketing'],
  'POST /api/calibrations': ['marketing'],
  'GET /api/calibrations': ['marketing'],
  'GET /api/calibrations/{calibrationId}': ['marketing'],
  'POST /api/calibrations/{calibrationId}/rerun': ['marketing'],
  'POST /api/calibrations/{calibrationId}/draft': ['marketing'],
  'GET /api/webhooks': [],
  'POST /api/webhooks': [],
  'DELETE /api/webhooks/{webhookId}': [],
};

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'api-access') };
  api = await startApi(env, await freePort());
  base = api.url as string;
  keys.admin = inject('adminKey');
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const made = await request(base, 'POST', '/api/keys', { name: `${role} tester`, role, ...(role === 'sales' && { queues: ['nobody'] }) });
    expect(made.status).toBe(201);
    keys[role] = made.body.key;
  }
});

afterAll(async () => {
  await api?.stop();
});

const as = (role: Role | 'none') => ({ authorization: role === 'none' ? '' : `Bearer ${keys[role]}` });
/** A concrete URL for a documented route: ids nobody has, so no call changes anything. */
const urlOf = (route: string) =>
  route.replace(/\{(\w+)\}/g, (_m, name: string) =>
    ({ modelVersion: '1', version: '1', handoffId: 'nobody:1', keyId: 'aaaaaaaaaaaa', importId: '00000000-0000-4000-8000-000000000000', webhookId: '00000000-0000-4000-8000-000000000000' })[name] ?? 'nobody',
  );

describe('the role matrix', () => {
  it('covers every route the API documents', async () => {
    const document = (await request(base, 'GET', '/api/openapi.json')).body;
    const documented = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${route}`));
    expect(documented.sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.entries(MATRIX))('%s: allowed roles pass, the others get 403, and without a key 401', async (route, allowed) => {
    const [method, template] = route.split(' ') as [string, string];
    // A body every schema refuses: a passing role gets past the guard to validation, and nothing changes.
    const body = method === 'GET' || method === 'DELETE' ? undefined : { matrixCheck: true };
    for (const role of ROLES) {
      const response = await request(base, method, urlOf(template), body, as(role));
      const mayCall = allowed === 'public' || role === 'admin' || allowed.includes(role);
      if (mayCall) expect([401, 403], `${role} ${route} → ${response.status}`).not.toContain(response.status);
      else expect(response, `${role} ${route}`).toMatchObject({ status: 403, body: { error: { status: 403, code: 'forbidden' } } });
    }
    const anonymous = await request(base, method, urlOf(template), body, as('none'));
    if (allowed === 'public') expect(anonymous.status).toBe(200);
    else expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });
});

describe('API keys', () => {
  it('refuse a malformed or unknown key with 401 and say what is wrong', async () => {
    const malformed = await request(base, 'GET', '/api/models', undefined, { authorization: 'Bearer not-a-key' });
    expect(malformed).toMatchObject({ status: 401, body: { error: { message: expect.stringMatching(/Bearer lf_/) } } });
    const unknown = await request(base, 'GET', '/api/models', undefined, { authorization: `Bearer lf_aaaaaaaaaaaa_${'x'.repeat(43)}` });
    expect(unknown).toMatchObject({ status: 401, body: { error: { message: 'The API key is unknown or revoked' } } });
  });

  it('name their holder, list without secrets, and stop working once revoked', async () => {
    const made = await request(base, 'POST', '/api/keys', { name: 'temp@acme.example', role: 'reviewer' });
    const mine = { authorization: `Bearer ${made.body.key}` };
    expect((await request(base, 'GET', '/api/me', undefined, mine)).body).toMatchObject({ name: 'temp@acme.example', role: 'reviewer', keyId: made.body.keyId });
    const listed = (await request(base, 'GET', '/api/keys')).body.keys;
    expect(listed.find((k: any) => k.keyId === made.body.keyId)).toMatchObject({ name: 'temp@acme.example', role: 'reviewer' });
    expect(JSON.stringify(listed)).not.toMatch(/secretHash|lf_[a-z0-9]{12}_/);

    expect((await request(base, 'DELETE', `/api/keys/${made.body.keyId}`)).status).toBe(200);
    // Revocation reaches every cached check within a few seconds.
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++) {
      status = (await request(base, 'GET', '/api/me', undefined, mine)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
  });

  it('are checked before anything is created: a bad key request changes nothing', async () => {
    const before = (await request(base, 'GET', '/api/keys')).body.keys.length;
    const bad = await request(base, 'POST', '/api/keys', { name: 'x', role: 'sales' });
    expect(bad).toMatchObject({ status: 400, body: { error: { fields: [{ path: 'body.queues', message: 'a sales key needs the queues it works' }] } } });
    expect((await request(base, 'POST', '/api/keys', { name: 'x', role: 'root' })).body.error.fields[0].path).toBe('body.role');
    expect((await request(base, 'GET', '/api/keys')).body.keys.length).toBe(before);
  });

  it('sales keys work their own queues only', async () => {
    const made = await request(base, 'POST', '/api/keys', { name: 'Ana', role: 'sales', queues: ['inbound-sales'], owner: 'ana' });
    const ana = { authorization: `Bearer ${made.body.key}` };
    expect((await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs', undefined, ana)).status).toBe(200);
    const other = await request(base, 'GET', '/api/sales/queues/enterprise-sales/handoffs', undefined, ana);
    expect(other).toMatchObject({ status: 403, body: { error: { message: 'This key works the queues inbound-sales, not enterprise-sales' } } });
    const listed = await request(base, 'GET', '/api/sales/queues', undefined, ana);
    expect(listed.body.queues.every((q: any) => q.queue === 'inbound-sales')).toBe(true);
  });

  it('tell marketing which queues sales keys work, so a route to any other can be flagged', async () => {
    const marketing = { authorization: `Bearer ${keys.marketing}` };
    const before = (await request(base, 'GET', '/api/queues', undefined, marketing)).body.queues as Array<{ queue: string; keys: number }>;
    const worked = (queue: string, list: Array<{ queue: string; keys: number }>) => list.find((q) => q.queue === queue)?.keys ?? 0;
    const made = await request(base, 'POST', '/api/keys', { name: 'Pia', role: 'sales', queues: ['partner-sales', 'partner-sales', 'renewals'] });
    const after = await request(base, 'GET', '/api/queues', undefined, marketing);
    expect(after.status).toBe(200);
    expect(worked('partner-sales', after.body.queues)).toBe(worked('partner-sales', before) + 1);
    expect(worked('renewals', after.body.queues)).toBe(worked('renewals', before) + 1);
    expect(after.body.queues.map((q: any) => q.queue)).toEqual([...after.body.queues.map((q: any) => q.queue)].sort());
    // A revoked key works nothing.
    await request(base, 'DELETE', `/api/keys/${made.body.keyId}`);
    expect(worked('renewals', (await request(base, 'GET', '/api/queues', undefined, marketing)).body.queues)).toBe(worked('renewals', before));
  });
});

describe('request ids', () => {
  it('answer every request with one, reuse a well-formed one offered, and quote it in errors', async () => {
    const offered = await fetch(`${base}/api/models/nothing-here`, { headers: { authorization: `Bearer ${keys.admin}`, 'x-request-id': 'crm-sync-12345' } });
    expect(offered.headers.get('x-request-id')).toBe('crm-sync-12345');
    expect((await offered.json()).error.requestId).toBe('crm-sync-12345');
    const made = await fetch(`${base}/api/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // The API's log is one JSON object per line: the request, who made it, and how it went. The
    // line is written once the response is sent, so it may reach the file just after the client.
    const readLogged = async () =>
      readFileSync(path.join(inject('runDir'), 'api-access', 'api.log'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line))
        .find((entry) => entry.requestId === 'crm-sync-12345');
    const logged = await eventually(readLogged, (entry) => entry !== undefined, 'the request in the API log', 5_000);
    expect(logged).toMatchObject({ msg: 'request', method: 'GET', path: '/api/models/nothing-here', status: 404, role: 'admin', service: 'leadflow-api' });
    expect(logged.keyId).toMatch(/^[a-z0-9]{12}$/);
  });
});

describe('abandoned requests', () => {
  it('are logged too: a client that gives up before the answer', async () => {
    // Headers and part of a body, then the client goes away.
    const socket = connect({ host: new URL(base).hostname, port: Number(new URL(base).port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.ingest}\r\nX-Request-Id: gave-up-12345\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"eventId":`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    const logged = await eventually(
      async () => readFileSync(path.join(inject('runDir'), 'api-access', 'api.log'), 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).find((entry) => entry.requestId === 'gave-up-12345'),
      (entry) => entry !== undefined,
      'the abandoned request in the API log',
      5_000,
    );
    expect(logged).toMatchObject({ msg: 'request abandoned by the client', method: 'POST', path: '/api/events', role: 'ingest' });
  });
});

// Last in this file: it leaves this client slowed for a minute.
describe('repeated failed authentication', () => {
  it('is slowed: after 10 keys that do not work within a minute, 429 with Retry-After, whatever key comes next', async () => {
    const wrong = { authorization: `Bearer lf_aaaaaaaaaaaa_${'y'.repeat(43)}` };
    const statuses: number[] = [];
    while (statuses.length <= 10 && statuses.at(-1) !== 429) statuses.push((await request(base, 'GET', '/api/models', undefined, wrong)).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
    // At most 10 refused keys (some may be this file's earlier ones) before the first 429.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);

    const slowed = await fetch(`${base}/api/models`, { headers: { authorization: `Bearer ${keys.admin}` } });
    expect(slowed.status).toBe(429);
    const retryAfter = Number(slowed.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await slowed.json()).error).toMatchObject({ status: 429, code: 'too_many_failures', message: `Too many requests with keys that do not work; try again in ${retryAfter} s` });
    // Requests that present no key are not slowed.
    expect((await request(base, 'GET', '/api/health', undefined, { authorization: '' })).status).toBe(200);
  });
});

describe('the failed-authentication limit', () => {
  it('is the operator’s to set (LEADFLOW_AUTH_FAILURES_PER_MINUTE): 3 keys that do not work, then 429', async () => {
    const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'api-access-limit'), extra: { LEADFLOW_AUTH_FAILURES_PER_MINUTE: '3' } };
    const strict = await startApi(env, await freePort());
    try {
      const wrong = { authorization: `Bearer lf_aaaaaaaaaaaa_${'z'.repeat(43)}` };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(strict.url as string, 'GET', '/api/models', undefined, wrong)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await strict.stop();
    }
  });
});
