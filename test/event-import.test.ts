/**
 * History imports on the real stack: a CRM backfill streamed as NDJSON or CSV to
 * POST /api/imports/events (and through `npm run import:events`), grouped per lead, each bad row
 * reported with its line and field; an upload that breaks off is resumed under the same importId,
 * and nothing is lost or applied twice.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventRepository, type EventRepository } from '../api/db/events.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { daysAgo, minute } from './support/clock';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
let api: AppProcess;
let worker: AppProcess;
let base: string;
let ingestKey: string;
let db: typeof mongoose;
let events: EventRepository;
let leads: LeadRepository;
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_event_import_${run}`;
  return url.toString();
})();

const env = () => ({ temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'event-import'), extra: {} });

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(env(), await freePort()), startWorker(env())]);
  base = api.url as string;
  ingestKey = (await request(base, 'POST', '/api/keys', { name: 'crm-backfill', role: 'ingest' })).body.key;
  db = await new mongoose.Mongoose().connect(mongoUri);
  events = createEventRepository(db.connection);
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

const ingest = (pathname: string, body: string, type: string) => fetch(`${base}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${ingestKey}`, 'content-type': type }, body });

/** `leads` leads × `each` events, as NDJSON lines, each lead's events together and in time order. */
function history(prefix: string, count: number, each: number): string[] {
  return Array.from({ length: count }, (_, l) =>
    Array.from({ length: each }, (_, n) => JSON.stringify({ eventId: `${prefix}-${l}-${n}`, leadId: `${prefix}-${l}`, type: n % 2 ? 'email_open' : 'page_view', properties: n % 2 ? {} : { url: '/blog/scoring-101' }, occurredAt: minute(n) })),
  ).flat();
}

async function eventCounts(prefix: string, count: number): Promise<number[]> {
  const counts: number[] = [];
  for (let l = 0; l < count; l++) counts.push((await leads.getLead(`${prefix}-${l}`))?.eventCount ?? 0);
  return counts;
}

describe('a history import', { timeout: 300_000 }, () => {
  it('streams NDJSON in, grouped per lead, reporting each bad row with its line and field', async () => {
    const prefix = `nd-${run}`;
    const lines = history(prefix, 120, 10);
    // Bad rows among the good: not JSON, a date far in the future, an outcome CRMs do not send.
    lines.splice(5, 0, '{"eventId": "broken"');
    lines.splice(50, 0, JSON.stringify({ eventId: `${prefix}-future`, leadId: `${prefix}-0`, type: 'email_open', properties: {}, occurredAt: daysAgo(-30) }));
    lines.splice(500, 0, JSON.stringify({ eventId: `${prefix}-outcome`, leadId: `${prefix}-1`, type: 'crm_outcome', properties: { outcome: 'closed_won' }, occurredAt: minute(1) }));
    const response = await ingest(`/api/imports/events?importId=${prefix}`, `${lines.join('\n')}\n`, 'application/x-ndjson');
    const record = await response.json();
    expect(response.status).toBe(200);
    expect(record).toMatchObject({ importId: prefix, kind: 'events', status: 'done', rows: 1_203, processed: 1_203, imported: 1_200, rejected: 3, failed: 0, progress: `/api/imports/${prefix}` });
    expect(record.errors).toEqual([
      { line: 6, message: expect.stringContaining('not a JSON object') },
      { line: 51, column: 'occurredAt', message: expect.stringMatching(/^occurredAt: /) },
      { line: 501, column: 'properties.outcome', message: expect.stringMatching(/^properties\.outcome: .*won/) },
    ]);
    expect((await request(base, 'GET', `/api/imports/${prefix}`)).body).toMatchObject({ status: 'done', imported: 1_200 });
    await eventually(() => eventCounts(prefix, 120), (counts) => counts.every((n) => n === 10), 'every lead to score its ten events');

    // The same file under the same id again: nothing more is applied.
    const again = await (await ingest(`/api/imports/events?importId=${prefix}`, `${lines.join('\n')}\n`, 'application/x-ndjson')).json();
    expect(again).toMatchObject({ status: 'done', processed: 1_203, imported: 1_200 });
    expect(await events.model.countDocuments({ leadId: { $regex: `^${prefix}-` } })).toBe(1_200);
  });

  it('takes CSV with properties and attributes columns, and refuses a header without the required columns', async () => {
    const prefix = `csv-${run}`;
    const csv = [
      'eventId,leadId,type,occurredAt,properties.url,attributes.seniority,attributes.companySize',
      `${prefix}-a-0,${prefix}-a,custom,${minute(0)},,vp,300`,
      `${prefix}-a-1,${prefix}-a,page_view,${minute(1)},/pricing,,`,
      `${prefix}-b-0,${prefix}-b,page_view,${minute(2)},"/blog/scoring-101",,`,
      `${prefix}-b-1,${prefix}-b,page_view,not a date,/pricing,,`,
    ].join('\r\n');
    const record = await (await ingest(`/api/imports/events?importId=${prefix}`, csv, 'text/csv')).json();
    expect(record).toMatchObject({ status: 'done', rows: 4, imported: 3, rejected: 1, errors: [{ line: 5, column: 'occurredAt' }] });
    const lead = await eventually(() => leads.getLead(`${prefix}-a`), (l) => l?.eventCount === 2, 'the CSV lead to score its events');
    expect(lead?.attributes).toMatchObject({ seniority: 'vp', companySize: 300 });

    const refused = await ingest('/api/imports/events', 'id,lead,when\n1,a,2026-01-01', 'text/csv');
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatchObject({ code: 'invalid_file', message: expect.stringContaining('eventId, leadId, type, occurredAt') });
    expect((await ingest('/api/imports/events', '{}', 'application/xml')).status).toBe(415);
  });

  it('resumes an upload that broke off under the same importId, from the script, with nothing lost or applied twice', async () => {
    const prefix = `resume-${run}`;
    const text = `${history(prefix, 300, 10).join('\n')}\n`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-import-'));
    const file = path.join(dir, 'backfill.ndjson');
    await writeFile(file, text);
    const importId = `${prefix}-backfill`;

    // The first half is sent, then the connection drops.
    const half = text.slice(0, text.indexOf('\n', text.length / 2) + 1);
    const upload = httpRequest(`${base}/api/imports/events?importId=${importId}`, { method: 'POST', headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/x-ndjson' } });
    upload.on('error', () => undefined);
    upload.write(half);
    await eventually(() => request(base, 'GET', `/api/imports/${importId}`), (r) => r.body?.processed > 0, 'the first rows to be imported', 60_000);
    upload.destroy();
    const broken = await eventually(() => request(base, 'GET', `/api/imports/${importId}`), (r) => r.body?.status === 'interrupted', 'the import to be marked interrupted');
    expect(broken.body.processed).toBeLessThan(3_000);
    expect(broken.body.errors.at(-1).message).toMatch(/send the file again under the same importId to resume/);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import-events.ts', file, '--api', base, '--key', ingestKey, '--import-id', importId], { cwd: path.resolve(import.meta.dirname, '..') });
    expect(stdout).toMatch(/done in .* 3,000 rows, 3,000 imported, 0 rejected, 0 failed/);
    expect((await request(base, 'GET', `/api/imports/${importId}`)).body).toMatchObject({ status: 'done', rows: 3_000, processed: 3_000, imported: 3_000, failed: 0 });
    await eventually(() => eventCounts(prefix, 300), (counts) => counts.every((n) => n === 10), 'every lead to score its ten events once', 120_000);
    expect(await events.model.countDocuments({ leadId: { $regex: `^${prefix}-` } })).toBe(3_000);
  });

  it('resumes an import after the API process is killed mid-file, with every event applied exactly once', async () => {
    const prefix = `killed-${run}`;
    const [count, each] = [600, 10];
    const text = `${history(prefix, count, each).join('\n')}\n`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-import-'));
    const file = path.join(dir, 'backfill.ndjson');
    await writeFile(file, text);
    const importId = `${prefix}-backfill`;

    // The whole file goes up; the API process dies once the first batches are done.
    const upload = httpRequest(`${base}/api/imports/events?importId=${importId}`, { method: 'POST', headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/x-ndjson' } });
    upload.on('error', () => undefined);
    upload.end(text);
    const seen = await eventually(() => request(base, 'GET', `/api/imports/${importId}`), (r) => r.body?.processed > 0, 'the first rows to be imported', 60_000);
    api.child.kill('SIGKILL');
    await once(api.child, 'exit');
    expect(seen.body.processed).toBeLessThan(count * each);

    // A new API process marks the import it had under way as interrupted; the same command resumes it.
    api = await startApi(env(), await freePort());
    base = api.url as string;
    expect((await request(base, 'GET', `/api/imports/${importId}`)).body).toMatchObject({ status: 'interrupted' });
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import-events.ts', file, '--api', base, '--key', ingestKey, '--import-id', importId], { cwd: path.resolve(import.meta.dirname, '..') });
    expect(stdout).toMatch(/done in .* 6,000 rows, 6,000 imported, 0 rejected, 0 failed/);
    await eventually(() => eventCounts(prefix, count), (counts) => counts.every((n) => n === each), 'every lead to score its ten events once', 120_000);
    expect(await events.model.countDocuments({ leadId: { $regex: `^${prefix}-` } })).toBe(count * each);
    // Every lead had the same history: a lead that took an event twice would stand out.
    const sides = await Promise.all(Array.from({ length: count }, async (_, l) => {
      const leadId = `${prefix}-${l}`;
      const ledger = await leads.ledger(leadId, 1_000);
      return { total: (await leads.getLead(leadId))?.total, entries: ledger.length };
    }));
    // Each kind of read side with how many leads show it and a few of them, to say which lead differs.
    const kinds = new Map<string, string[]>();
    sides.forEach((side, l) => kinds.set(JSON.stringify(side), [...(kinds.get(JSON.stringify(side)) ?? []), `${prefix}-${l}`]));
    expect([...kinds.keys()], JSON.stringify([...kinds].map(([side, ids]) => ({ side, leads: ids.length, some: ids.slice(0, 3) })))).toHaveLength(1);
  });
});
