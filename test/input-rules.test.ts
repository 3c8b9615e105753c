/**
 * The API's input rules on the real stack (API and worker processes, Temporal dev server,
 * FerretDB): CRM outcomes from the allowed list, no events from the future, an event id belongs
 * to one lead, and a handoff takes no answer once it is closed. Every refusal is checked to have
 * changed nothing: no lead, no workflow, no stage change.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { eventually, request } from './support/http';

/** The API here allows two minutes of clock skew (the default is five), to show the setting works. */
const SKEW_SECONDS = 120;

let api: AppProcess;
let worker: AppProcess;
let base: string;
let connection: Connection;
let temporal: Client;
const run = Date.now().toString(36);

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'input-rules'), extra: { LEADFLOW_MAX_FUTURE_SKEW_SECONDS: String(SKEW_SECONDS) } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await Promise.all([api?.stop(), worker?.stop()]);
});

/** An instant `ms` before now (negative: after now). */
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MINUTE = 60_000;
const getLead = (leadId: string) => request(base, 'GET', `/api/leads/${leadId}`);
const leadWith = (leadId: string, done: (lead: any) => boolean, what: string) =>
  eventually(() => getLead(leadId), (r) => r.status === 200 && done(r.body), what).then((r) => r.body);

/** Nothing was applied for `leadId`: no workflow was started, and the read side has no lead. */
async function expectNoLead(leadId: string) {
  await expect(temporal.workflow.getHandle(`lead:${leadId}`).describe()).rejects.toThrow(WorkflowNotFoundError);
  expect((await getLead(leadId)).status).toBe(404);
}

const ALLOWED = 'opportunity_created, won, lost, disqualified';

describe('CRM outcomes', () => {
  it('refuse an outcome outside the allowed list, or none, naming body.properties.outcome and the allowed values', async () => {
    const leadId = `outcome-bad-${run}`;
    for (const properties of [{ outcome: 'closed_won' }, {}]) {
      const refused = await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'crm_outcome', properties, occurredAt: ago(MINUTE) });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(refused.body.error.fields).toEqual([{ path: 'body.properties.outcome', message: expect.stringContaining(ALLOWED) }]);
    }
    await expectNoLead(leadId);
    // The event id was not taken by the refused event: the same id with a good outcome goes in.
    const sent = await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'crm_outcome', properties: { outcome: 'disqualified' }, occurredAt: ago(MINUTE) });
    expect(sent).toEqual({ status: 202, body: { eventId: `${leadId}-e1`, leadId, status: 'accepted' } });
    expect((await leadWith(leadId, (l) => l.eventCount === 1, 'the good outcome')).stage).toBe('disqualified');
  });

  it('reject a batch item with a bad outcome, with its fields, and let the others through', async () => {
    const [bad, good] = [`outcome-batch-bad-${run}`, `outcome-batch-good-${run}`];
    const sent = await request(base, 'POST', '/api/events/batch', {
      events: [
        { eventId: `${bad}-e1`, leadId: bad, type: 'crm_outcome', properties: { outcome: 'closed_won' }, occurredAt: ago(MINUTE) },
        { eventId: `${good}-e1`, leadId: good, type: 'crm_outcome', properties: { outcome: 'won' }, occurredAt: ago(MINUTE) },
      ],
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ accepted: 1, duplicate: 0, rejected: 1, failed: 0 });
    expect(sent.body.results[0]).toMatchObject({ index: 0, status: 'rejected', code: 'invalid_request', fields: [{ path: 'events.0.properties.outcome', message: expect.stringContaining(ALLOWED) }] });
    expect(sent.body.results[1]).toEqual({ index: 1, eventId: `${good}-e1`, status: 'accepted' });
    await leadWith(good, (l) => l.eventCount === 1, 'the good item');
    await expectNoLead(bad);
  });
});

describe('future dates', () => {
  it('refuse an event dated past the skew, naming body.occurredAt, and take one inside it', async () => {
    const leadId = `future-${run}`;
    for (const occurredAt of [ago(-(SKEW_SECONDS * 1_000 + 2 * MINUTE)), ago(-365 * 86_400_000), '9999-12-31T23:59:59Z']) {
      const refused = await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt });
      expect(refused.status, occurredAt).toBe(400);
      expect(refused.body.error.fields).toEqual([{ path: 'body.occurredAt', message: expect.stringContaining(`is in the future: an event may be dated at most ${SKEW_SECONDS} s after`) }]);
    }
    await expectNoLead(leadId);
    // A sender's clock a minute fast is within the skew.
    expect((await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: ago(-MINUTE) })).status).toBe(202);
    await leadWith(leadId, (l) => l.eventCount === 1, 'the event inside the skew');
  });

  it('reject a future batch item and let the others through', async () => {
    const [bad, good] = [`future-batch-bad-${run}`, `future-batch-good-${run}`];
    const sent = await request(base, 'POST', '/api/events/batch', {
      events: [
        { eventId: `${good}-e1`, leadId: good, type: 'email_open', occurredAt: ago(MINUTE) },
        { eventId: `${bad}-e1`, leadId: bad, type: 'email_open', occurredAt: ago(-86_400_000) },
      ],
    });
    expect(sent.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(sent.body.results[1]).toMatchObject({ status: 'rejected', code: 'invalid_request', fields: [{ path: 'events.1.occurredAt', message: expect.stringContaining('is in the future') }] });
    await leadWith(good, (l) => l.eventCount === 1, 'the good item');
    await expectNoLead(bad);
  });

  it('refuse a CRM sync dated in the future', async () => {
    const leadId = `future-sync-${run}`;
    const refused = await request(base, 'PUT', `/api/leads/${leadId}/attributes`, { syncId: 'crm-1', attributes: { industry: 'Software' }, occurredAt: ago(-86_400_000) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([{ path: 'body.occurredAt', message: expect.stringContaining('is in the future') }]);
    await expectNoLead(leadId);
    const synced = await request(base, 'PUT', `/api/leads/${leadId}/attributes`, { syncId: 'crm-1', attributes: { industry: 'Software' }, occurredAt: ago(MINUTE) });
    expect(synced.status).toBe(202);
    expect((await leadWith(leadId, (l) => l.eventCount === 1, 'the sync')).attributes).toMatchObject({ industry: 'Software' });
  });

  it('make a future-dated CSV row a row error naming its column', async () => {
    const [good, bad] = [`future-import-good-${run}`, `future-import-bad-${run}`];
    const csv = `id,When,Industry,Converted\n${good},${ago(MINUTE)},Software,1\n${bad},${ago(-86_400_000)},Retail,1\n`;
    const started = await fetch(`${base}/api/imports?leadIdColumn=id&occurredAtColumn=When&outcomeColumn=Converted`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inject('adminKey')}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(started.status).toBe(202);
    const { importId } = await started.json();
    const done = await eventually(() => request(base, 'GET', `/api/imports/${importId}`), (r) => r.body.status === 'done', 'the import to finish');
    expect(done.body).toMatchObject({ rows: 2, imported: 1, rejected: 1, failed: 0 });
    expect(done.body.errors).toEqual([{ line: 3, column: 'When', message: expect.stringContaining('is in the future') }]);
    await leadWith(good, (l) => l.eventCount === 2, 'the good row (its sync and its outcome)');
    await expectNoLead(bad);
  });
});

describe('an event id that another lead holds', () => {
  it('gets 409 naming that lead, and nothing is applied; for its own lead it stays a duplicate', async () => {
    const [owner, other] = [`holder-${run}`, `taker-${run}`];
    const eventId = `shared-${run}`;
    const first = { eventId, leadId: owner, type: 'page_view', properties: { url: '/pricing' }, occurredAt: ago(2 * MINUTE) };
    expect((await request(base, 'POST', '/api/events', first)).body.status).toBe('accepted');
    await leadWith(owner, (l) => l.eventCount === 1, "the owner's event");

    const taken = await request(base, 'POST', '/api/events', { ...first, leadId: other, type: 'form_submit', properties: { form: 'demo_request' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ status: 409, code: 'conflict', fields: [{ path: 'body.eventId', message: `already belongs to lead ${owner}` }] });
    expect(taken.body.error.message).toContain(`Event id ${eventId} already belongs to lead ${owner}`);
    await expectNoLead(other);

    // A retry for the owner is a duplicate, still delivered (no effect), and the owner is unchanged.
    expect(await request(base, 'POST', '/api/events', first)).toEqual({ status: 202, body: { eventId, leadId: owner, status: 'duplicate' } });
    await request(base, 'POST', '/api/events', { eventId: `${owner}-e2`, leadId: owner, type: 'email_open', occurredAt: ago(MINUTE) });
    const lead = await leadWith(owner, (l) => l.eventCount === 2, "the owner's next event");
    // Page view 5 + pricing page 20, email open 5: the refused demo request (50) is nowhere.
    expect(lead.scores.engagement).toBe(30);
    const ledger = await request(base, 'GET', `/api/leads/${owner}/ledger`);
    expect(ledger.body.entries.filter((e: any) => e.eventId === eventId)).toHaveLength(2);
  });

  it('rejects that batch item with code conflict naming the lead, and lets the others through', async () => {
    const [owner, mixed, only] = [`bholder-${run}`, `bmixed-${run}`, `bonly-${run}`];
    const eventId = `bshared-${run}`;
    await request(base, 'POST', '/api/events', { eventId, leadId: owner, type: 'email_open', occurredAt: ago(2 * MINUTE) });
    const sent = await request(base, 'POST', '/api/events/batch', {
      events: [
        { eventId, leadId: mixed, type: 'email_open', occurredAt: ago(MINUTE) },
        { eventId: `${mixed}-e2`, leadId: mixed, type: 'email_click', occurredAt: ago(MINUTE) },
        { eventId, leadId: only, type: 'email_open', occurredAt: ago(MINUTE) },
      ],
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ accepted: 1, duplicate: 0, rejected: 2, failed: 0 });
    for (const index of [0, 2]) {
      expect(sent.body.results[index]).toMatchObject({ index, eventId, status: 'rejected', code: 'conflict', reason: expect.stringContaining(`already belongs to lead ${owner}`), fields: [{ path: `events.${index}.eventId` }] });
    }
    expect((await leadWith(mixed, (l) => l.eventCount === 1, 'the good item')).scores.engagement).toBe(15);
    await expectNoLead(only);

    // Two leads sending one new id in a batch: the first copy counts, the other lead's is refused.
    const fresh = `bfresh-${run}`;
    const racing = await request(base, 'POST', '/api/events/batch', {
      events: [
        { eventId: fresh, leadId: mixed, type: 'email_open', occurredAt: ago(MINUTE) },
        { eventId: fresh, leadId: `${only}-2`, type: 'email_open', occurredAt: ago(MINUTE) },
      ],
    });
    expect(racing.body.results.map((r: any) => [r.status, r.code])).toEqual([
      ['accepted', undefined],
      ['rejected', 'conflict'],
    ]);
    expect(racing.body.results[1].reason).toContain(`already belongs to lead ${mixed};`);
    await leadWith(mixed, (l) => l.eventCount === 2, 'the first copy');
    await expectNoLead(`${only}-2`);
  });
});

describe('answers to a closed handoff', () => {
  /** A lead made MQL by a demo request and a webinar: its handoff is pending in inbound-sales. */
  async function mql(name: string): Promise<string> {
    const leadId = `${name}-${run}`;
    await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: ago(3 * MINUTE) });
    await request(base, 'POST', '/api/events', { eventId: `${leadId}-e2`, leadId, type: 'webinar_attended', properties: {}, occurredAt: ago(2 * MINUTE) });
    await leadWith(leadId, (l) => l.stage === 'mql' && l.handoff?.status === 'pending', 'the lead to become MQL');
    return leadId;
  }
  const answer = (leadId: string, decision: 'accept' | 'qualify' | 'reject') =>
    request(base, 'POST', `/api/handoffs/${leadId}:1/${decision}`, decision === 'reject' ? { reason: 'no_budget' } : {});

  /** Every answer is refused with 409, and the lead stays as it was, in `stage`. */
  async function expectClosed(leadId: string, stage: string) {
    const before = await leadWith(leadId, (l) => l.stage === stage, `the lead to be ${stage}`);
    for (const decision of ['accept', 'qualify', 'reject'] as const) {
      const refused = await answer(leadId, decision);
      expect(refused.status, decision).toBe(409);
      expect(refused.body.error).toMatchObject({ status: 409, code: 'conflict', message: expect.any(String) });
    }
    const after = (await getLead(leadId)).body;
    expect(after).toMatchObject({ stage, handoff: before.handoff, total: before.total, ledgerSize: before.ledgerSize });
    expect(after.stageHistory).toEqual(before.stageHistory);
  }

  it('refuse every answer once sales qualified the handoff, after accepting it or straight from pending', async () => {
    const accepted = await mql('qualified-after-accept');
    expect((await answer(accepted, 'accept')).body.stage).toBe('sal');
    expect((await answer(accepted, 'qualify')).body.stage).toBe('sql');
    await expectClosed(accepted, 'sql');

    const direct = await mql('qualified-direct');
    expect((await answer(direct, 'qualify')).body.stage).toBe('sql');
    await expectClosed(direct, 'sql');
  });

  it('take a rejection of an accepted handoff, then refuse every answer', async () => {
    const leadId = await mql('rejected-after-accept');
    expect((await answer(leadId, 'accept')).status).toBe(200);
    const rejected = await answer(leadId, 'reject');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ stage: 'nurture', handoff: { status: 'rejected', reason: 'no_budget' } });
    await expectClosed(leadId, 'nurture');
  });
});

describe('the OpenAPI document', () => {
  it('declares the 400 and 409 answers, and the batch item codes', async () => {
    const document = (await request(base, 'GET', '/openapi.json')).body;
    expect(Object.keys(document.paths['/api/events'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '409']));
    expect(Object.keys(document.paths['/api/leads/{leadId}/attributes'].put.responses)).toEqual(expect.arrayContaining(['202', '400', '409']));
    for (const decision of ['accept', 'qualify', 'reject']) {
      expect(document.paths[`/api/handoffs/{handoffId}/${decision}`].post.responses['409'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
    const item = document.paths['/api/events/batch'].post.responses['202'].content['application/json'].schema.properties.results.items;
    expect(item.properties.status.enum).toEqual(['accepted', 'duplicate', 'rejected', 'failed']);
    expect(item.properties.code.enum).toEqual(['invalid_request', 'conflict']);
    expect(document.paths['/api/events'].post.requestBody.content['application/json'].schema.properties.occurredAt.description).toContain('LEADFLOW_MAX_FUTURE_SKEW_SECONDS');
  });
});
