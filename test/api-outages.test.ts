/**
 * The API while its database or Temporal is down, on services of this file's own (so that
 * stopping them disturbs no other test): `GET /api/health` stays 200 (liveness), `GET /api/ready`
 * answers 503 naming what is down, requests that need the database answer 503 with Retry-After
 * within 2 s instead of hanging, and all is well again once the service is back, without
 * restarting the API.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startMongo, startTemporal, type RunningService } from '../scripts/services';
import { startApi, type AppProcess } from '../scripts/stack';
import { ownService } from './support/own-services';
import { eventually, request } from './support/http';

const dir = () => path.join(inject('runDir'), 'api-outages');
let mongoPort: number;
let temporalPort: number;
let mongo: RunningService | undefined;
let temporal: RunningService | undefined;
let api: AppProcess;
let base: string;

const startOwnTemporal = () => ownService(() => startTemporal({ port: temporalPort, logFile: path.join(dir(), 'temporal.log') }));
const startOwnMongo = () => ownService(() => startMongo({ port: mongoPort, dataDir: path.join(dir(), 'ferretdb'), logFile: path.join(dir(), 'ferretdb.log'), database: 'outages' }));

beforeAll(async () => {
  mongoPort = await freePort();
  temporalPort = await freePort();
  [mongo, temporal] = await Promise.all([startOwnMongo(), startOwnTemporal()]);
  api = await startApi({ temporalAddress: temporal.address, mongoUri: mongo.address, logDir: dir() }, await freePort());
  base = api.url as string;
});

afterAll(async () => {
  await api?.stop();
  await Promise.all([mongo?.stop(), temporal?.stop()]);
});

/** The answer and how long it took. */
async function timed(method: string, route: string, body?: unknown, headers?: Record<string, string>) {
  const started = Date.now();
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(headers ?? { authorization: `Bearer ${inject('adminKey')}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json(), ms: Date.now() - started };
}

describe('liveness and readiness', () => {
  it('are both fine while everything runs', async () => {
    expect(await request(base, 'GET', '/api/health', undefined, { authorization: '' })).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await request(base, 'GET', '/api/ready', undefined, { authorization: '' })).toEqual({ status: 200, body: { status: 'ready', database: 'up', temporal: 'up' } });
  });
});

describe('while the database is down', () => {
  it('readiness says so within 2 s, liveness holds, and requests get 503 with Retry-After within 2 s; all recover when it is back', async () => {
    expect((await request(base, 'GET', '/api/models')).status).toBe(200);
    await mongo!.stop();

    const ready = await timed('GET', '/api/ready', undefined, {});
    expect(ready).toMatchObject({ status: 503, retryAfter: '5', body: { error: { status: 503, code: 'not_ready', fields: [{ path: 'database' }] } } });
    expect(ready.ms).toBeLessThan(2_000);
    expect((await timed('GET', '/api/health', undefined, {})).status).toBe(200);

    // A key's check, a read and a write alike; the cached key expires within 5 s, so ask a few times.
    for (let i = 0; i < 3; i++) {
      for (const [method, route, body] of [
        ['GET', '/api/models', undefined],
        ['GET', '/api/leads?pageSize=1', undefined],
        ['POST', '/api/keys', { name: 'during the outage', role: 'reviewer' }],
        // An event: its insert fails as a whole (the driver's bulk error, no document refused), an outage too.
        ['POST', '/api/events', { eventId: 'outage-db-1', leadId: 'outage-db', type: 'email_open', properties: {}, occurredAt: new Date(Date.now() - 60_000).toISOString() }],
      ] as const) {
        const answer = await timed(method, route, body);
        expect(answer, `${method} ${route}`).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
        expect(answer.ms, `${method} ${route}`).toBeLessThan(2_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }

    mongo = await startOwnMongo();
    await eventually(() => request(base, 'GET', '/api/ready', undefined, { authorization: '' }), (r) => r.status === 200, 'readiness once the database is back', 30_000);
    expect((await request(base, 'GET', '/api/models')).status).toBe(200);
    // Nothing asked for during the outage was stored.
    expect((await request(base, 'GET', '/api/keys')).body.keys.some((key: any) => key.name === 'during the outage')).toBe(false);
  });
});

describe('while Temporal is down', () => {
  it('readiness names it and events get 503 with Retry-After, each within 2 s; both recover when it is back', async () => {
    const event = (n: number) => ({ eventId: `outage-${n}`, leadId: 'outage-lead', type: 'page_view', properties: { url: '/pricing' }, occurredAt: new Date().toISOString() });
    // Everything up (the database is back from the test before): events go in.
    await eventually(() => timed('POST', '/api/events', event(1)), (r) => r.status === 202, 'the stack to take events', 30_000);
    await temporal!.stop();

    const ready = await timed('GET', '/api/ready', undefined, {});
    expect(ready).toMatchObject({ status: 503, body: { error: { code: 'not_ready', fields: [{ path: 'temporal' }] } } });
    expect(ready.ms).toBeLessThan(2_000);
    const sent = await timed('POST', '/api/events', event(2));
    expect(sent).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'temporal_unavailable' } } });
    expect(sent.ms).toBeLessThan(2_000);

    temporal = await startOwnTemporal();
    await eventually(() => request(base, 'GET', '/api/ready', undefined, { authorization: '' }), (r) => r.status === 200, 'readiness once Temporal is back', 30_000);
    // The client's retry of the refused event goes through.
    expect((await timed('POST', '/api/events', event(2))).status).toBe(202);
  });
});
