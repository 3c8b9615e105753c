/**
 * Hostile and oversized input on the real API: bodies over the limits get 413 before any work,
 * and MongoDB operators smuggled into any field are refused (400) or inert, never run.
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

  it('are inert in query strings and paths', async () => {
    const all = (await request(base, 'GET', '/api/leads?pageSize=1')).body.total;
    // Bracket syntax is not parsed into objects: the filter is ignored, not run as an operator.
    const smuggled = await request(base, 'GET', '/api/leads?stage[$ne]=lead&pageSize=1');
    expect(smuggled.status).toBe(200);
    expect(smuggled.body.total).toBe(all);
    expect((await request(base, 'GET', '/api/leads?owner=%7B%22%24ne%22%3Anull%7D')).status).toBe(400);
    expect((await request(base, 'GET', '/api/leads/%7B%22%24ne%22%3Anull%7D')).status).toBe(400);
  });
});
