/**
 * The foundation's path, end to end over HTTP: the real API and worker processes, on a real
 * Temporal server and the MongoDB-protocol server. An event raises a lead's score, enough events
 * make it MQL with a handoff in a sales queue, and sales accepts or rejects it. The same checks
 * run today (test/lead-path.test.ts) and with every clock a year ahead (test/any-day.test.ts).
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/services';
import { startApi, startWorker, type AppProcess, type StackEnv } from '../../scripts/stack';
import { clockAt } from './clock';
import { eventually, request } from './http';

export interface LeadPathStack {
  /** What the API and worker processes run against (their clock included, through `extra`). */
  env: () => Promise<StackEnv>;
  /** Days every clock of the stack is ahead of this process's: the events' dates follow. */
  shiftDays: number;
}

export function describeLeadPath(stack: LeadPathStack): void {
  // One describe: its stack stops when its checks are done, before anything after it starts.
  describe(stack.shiftDays === 0 ? 'the lead path' : `the lead path, ${stack.shiftDays} days ahead`, () => leadPath(stack));
}

function leadPath(stack: LeadPathStack): void {
  let api: AppProcess;
  let worker: AppProcess;
  let base: string;
  let connection: Connection;
  let temporal: Client;
  const run = `${Date.now().toString(36)}-${stack.shiftDays}`;

  beforeAll(async () => {
    const env = await stack.env();
    [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
    base = api.url as string;
    connection = await Connection.connect({ address: env.temporalAddress });
    temporal = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  const at = clockAt(stack.shiftDays).minute;
  const getLead = (leadId: string) => request(base, 'GET', `/api/leads/${leadId}`);
  const leadWith = (leadId: string, done: (lead: any) => boolean, what: string) =>
    eventually(() => getLead(leadId), (r) => r.status === 200 && done(r.body), what).then((r) => r.body);

  describe('a lead from first event to sales', () => {
    it('scores an event by the points the default model gives for it', async () => {
      const leadId = `pricing-${run}`;
      const sent = await request(base, 'POST', '/api/events', {
        eventId: `${leadId}-e1`,
        leadId,
        type: 'page_view',
        properties: { url: '/pricing' },
        occurredAt: at(0),
      });
      expect(sent).toEqual({ status: 202, body: { eventId: `${leadId}-e1`, leadId, status: 'accepted' } });

      const lead = await leadWith(leadId, (l) => l.eventCount === 1, 'the first event to be scored');
      // Default model: any page view 5, a pricing page 20 more.
      expect(lead).toMatchObject({ leadId, stage: 'lead', total: 25, scores: { engagement: 25 }, modelVersion: 1, lastActivityAt: at(0) });

      const ledger = await request(base, 'GET', `/api/leads/${leadId}/ledger`);
      expect(ledger.body.entries.map((e: any) => [e.ruleName, e.points, e.modelVersion, e.reason])).toEqual([
        ['Website visit', 5, 1, 'page view: +5 engagement'],
        ['Key page visit', 20, 1, 'page view, (Page URL starts with /pricing or Page URL starts with /demo): +20 engagement'],
      ]);
    });

    it('hands an MQL to the sales queue, and an accepted one becomes sales-accepted', async () => {
      const leadId = `accept-${run}`;
      const events = [
        { eventId: `${leadId}-e1`, type: 'page_view', properties: { url: '/pricing' } },
        { eventId: `${leadId}-e1`, type: 'page_view', properties: { url: '/pricing' } }, // a retry: no effect
        { eventId: `${leadId}-e2`, type: 'email_click', properties: {} },
      ];
      for (const [i, e] of events.entries()) {
        expect((await request(base, 'POST', '/api/events', { ...e, leadId, occurredAt: at(i) })).status).toBe(202);
      }
      const before = await leadWith(leadId, (l) => l.eventCount === 2, 'two distinct events');
      expect(before).toMatchObject({ total: 40, stage: 'lead', handoff: null });

      await request(base, 'POST', '/api/events', { eventId: `${leadId}-e3`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(5) });
      const mql = await leadWith(leadId, (l) => l.stage === 'mql', 'the lead to become MQL');
      expect(mql.total).toBe(90);
      expect(mql.stageHistory.map((s: any) => s.stage)).toEqual(['lead', 'mql']);

      const queue = await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs');
      const handoff = queue.body.handoffs.find((h: any) => h.leadId === leadId);
      expect(handoff).toMatchObject({ handoffId: `${leadId}:1`, status: 'pending', score: 90, qualifiedBy: 'mql', team: 'Inbound', modelVersion: 1 });
      expect(Date.parse(handoff.slaDueAt) - Date.parse(handoff.createdAt)).toBe(24 * 3_600_000);
      // Why this lead is here: its biggest contributions, best first.
      expect(handoff.topRules).toEqual([
        { ruleId: 'demo-points', ruleName: 'Demo requested', points: 50 },
        { ruleId: 'key-page-points', ruleName: 'Key page visit', points: 20 },
        { ruleId: 'email-click-points', ruleName: 'Email click', points: 15 },
      ]);

      const accepted = await request(base, 'POST', `/api/handoffs/${leadId}:1/accept`, { note: 'call booked' });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ stage: 'sal', handoff: { status: 'accepted', note: 'call booked' } });
      expect((await getLead(leadId)).body.stage).toBe('sal');

      const pending = await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs');
      expect(pending.body.handoffs.some((h: any) => h.leadId === leadId)).toBe(false);
      const acceptedList = await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs?status=accepted');
      expect(acceptedList.body.handoffs.some((h: any) => h.handoffId === `${leadId}:1`)).toBe(true);

      const again = await request(base, 'POST', `/api/handoffs/${leadId}:1/accept`, {});
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'conflict', message: `handoff ${leadId}:1 was already accepted` });
      expect((await getLead(leadId)).body.stage).toBe('sal');
    });

    it('sends a rejected lead back to nurture with the reason recorded', async () => {
      const leadId = `reject-${run}`;
      await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(0) });
      await request(base, 'POST', '/api/events', { eventId: `${leadId}-e2`, leadId, type: 'webinar_attended', properties: {}, occurredAt: at(1) });
      await leadWith(leadId, (l) => l.stage === 'mql', 'the lead to become MQL');

      const noReason = await request(base, 'POST', `/api/handoffs/${leadId}:1/reject`, { note: 'not now' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.fields).toEqual([{ path: 'body.reason', message: expect.stringContaining('no_budget') }]);
      expect((await getLead(leadId)).body.stage).toBe('mql');

      const rejected = await request(base, 'POST', `/api/handoffs/${leadId}:1/reject`, { reason: 'no_budget', note: 'frozen until Q3' });
      expect(rejected.status).toBe(200);
      const lead = await leadWith(leadId, (l) => l.stage === 'nurture', 'the lead to be recycled');
      expect(lead.handoff).toMatchObject({ status: 'rejected', reason: 'no_budget', note: 'frozen until Q3' });
      expect(lead.stageHistory.at(-1).reason).toBe('rejected by sales: no_budget (frozen until Q3)');
    });
  });

  describe('segments, routing and limits', () => {
    it('holds an enterprise lead to its higher threshold, routes it to the enterprise team, and takes turns between owners', async () => {
      const owners: string[] = [];
      for (const n of [1, 2]) {
        const leadId = `enterprise-${n}-${run}`;
        const profile = { seniority: 'vp', companySize: 5000, country: 'US' };
        // Fit 35 (decision maker 20, company size 15) + demo request 50 = 85: below 80 would not do.
        await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'form_submit', properties: { form: 'profile' }, attributes: profile, occurredAt: at(0) });
        const before = await leadWith(leadId, (l) => l.eventCount === 1, 'the profile to be scored');
        expect(before).toMatchObject({ segment: 'enterprise', scores: { fit: 35 }, stage: 'lead' });

        await request(base, 'POST', '/api/events', { eventId: `${leadId}-e2`, leadId, type: 'email_click', properties: {}, occurredAt: at(1) });
        await request(base, 'POST', '/api/events', { eventId: `${leadId}-e3`, leadId, type: 'webinar_registered', properties: {}, occurredAt: at(2) });
        // 35 + 15 + 10 = 60: the default threshold, but not the enterprise one.
        expect((await leadWith(leadId, (l) => l.eventCount === 3, 'three events')).stage).toBe('lead');

        await request(base, 'POST', '/api/events', { eventId: `${leadId}-e4`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(3) });
        const mql = await leadWith(leadId, (l) => l.stage === 'mql', 'the enterprise lead to qualify');
        expect(mql.total).toBe(110);
        expect(mql.handoff).toMatchObject({ queue: 'enterprise-sales', team: 'Enterprise', qualifiedBy: 'mql-enterprise', routeId: 'enterprise-team' });
        expect(mql.stageHistory.at(-1).reason).toBe('score 110 reached threshold 80 (Enterprise: qualified at 80); routed to Enterprise account executives');
        owners.push(mql.handoff.owner);
      }
      expect(owners).toEqual(['ae-1', 'ae-2']);
      const queue = await request(base, 'GET', '/api/sales/queues/enterprise-sales/handoffs');
      expect(queue.body.handoffs.map((h: any) => h.owner)).toEqual(['ae-1', 'ae-2']);
    });

    it('gives once-per-lead fit points once, and says so in the ledger', async () => {
      const leadId = `once-${run}`;
      await request(base, 'POST', '/api/events', { eventId: `${leadId}-e1`, leadId, type: 'form_submit', properties: { form: 'profile' }, attributes: { seniority: 'director' }, occurredAt: at(0) });
      await request(base, 'POST', '/api/events', { eventId: `${leadId}-e2`, leadId, type: 'form_submit', properties: { form: 'profile' }, attributes: { seniority: 'vp' }, occurredAt: at(1) });
      const lead = await leadWith(leadId, (l) => l.eventCount === 2, 'both profile updates');
      expect(lead.scores.fit).toBe(20);
      const ledger = await request(base, 'GET', `/api/leads/${leadId}/ledger`);
      expect(ledger.body.entries.map((e: any) => [e.eventId, e.points, e.reason])).toEqual([
        [`${leadId}-e1`, 20, 'seniority changed, Seniority is one of "c_level", "vp", "director": +20 fit'],
        [`${leadId}-e2`, 0, 'seniority changed, Seniority is one of "c_level", "vp", "director": +20 fit (already given once)'],
      ]);
    });
  });

  describe('CRM sync and lead search', () => {
    it('scores attributes a CRM sync brings, once per sync id', async () => {
      const leadId = `crm-${run}`;
      const sync = { syncId: 'salesforce-1', attributes: { seniority: 'vp', companySize: 300, country: 'US' }, occurredAt: at(0) };
      expect(await request(base, 'PUT', `/api/leads/${leadId}/attributes`, sync)).toMatchObject({ status: 202, body: { leadId, syncId: 'salesforce-1', status: 'accepted' } });
      const lead = await leadWith(leadId, (l) => l.eventCount === 1, 'the sync to be scored');
      // Decision maker 20 + company size in market 15; a US lead is inside the territory.
      expect(lead).toMatchObject({ scores: { fit: 35 }, attributes: { seniority: 'vp', companySize: 300, country: 'US' } });
      expect((await request(base, 'PUT', `/api/leads/${leadId}/attributes`, sync)).body.status).toBe('duplicate');
      const bad = await request(base, 'PUT', `/api/leads/${leadId}/attributes`, { syncId: 'x', attributes: { 'a.b': 1 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0].path).toBe('body.attributes.a.b');
    });

    it('finds leads by stage, owner and score, highest score first, a page at a time', async () => {
      const mqls = await request(base, 'GET', '/api/leads?stage=mql&pageSize=200');
      expect(mqls.status).toBe(200);
      const totals = mqls.body.leads.map((l: any) => l.total);
      expect(mqls.body.leads.every((l: any) => l.stage === 'mql')).toBe(true);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
      expect(mqls.body.leads.map((l: any) => l.leadId)).toEqual(expect.arrayContaining([`enterprise-1-${run}`, `enterprise-2-${run}`]));

      const owned = await request(base, 'GET', '/api/leads?owner=ae-1');
      expect(owned.body.leads.map((l: any) => l.leadId)).toContain(`enterprise-1-${run}`);
      expect(owned.body.leads.every((l: any) => l.handoff?.owner === 'ae-1')).toBe(true);

      const band = await request(base, 'GET', '/api/leads?minScore=30&maxScore=40');
      expect(band.body.leads.every((l: any) => l.total >= 30 && l.total <= 40)).toBe(true);

      const [first, second] = await Promise.all([1, 2].map((page) => request(base, 'GET', `/api/leads?pageSize=1&page=${page}`)));
      expect(first!.body.total).toBeGreaterThanOrEqual(2);
      expect(first!.body.leads[0].leadId).not.toBe(second!.body.leads[0].leadId);
      expect(first!.body.leads[0].total).toBeGreaterThanOrEqual(second!.body.leads[0].total);

      const wrong = await request(base, 'GET', '/api/leads?minScore=50&maxScore=10&stage=hot');
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.fields.map((f: any) => f.path).sort()).toEqual(['query.minScore', 'query.stage']);
    });
  });

  describe('batches of events', () => {
    it('takes good events, counts duplicates, and rejects bad ones with reasons, without holding up the rest', async () => {
      const leadId = `batch-${run}`;
      const good = (n: number) => ({ eventId: `${leadId}-${n}`, leadId, type: 'email_open', properties: {}, occurredAt: at(n) });
      // A lead LeadFlow knows: its workflow takes the batch's events for it.
      expect((await request(base, 'POST', '/api/events', good(0))).status).toBe(202);
      await leadWith(leadId, (l) => l.eventCount === 1, 'its first event');
      const batch = [good(1), good(2), { ...good(3), type: 'fax_received' }, good(1), { eventId: 'x', leadId: 'has space' }, good(4)];
      const response = await request(base, 'POST', '/api/events/batch', { events: batch });
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ accepted: 3, duplicate: 1, rejected: 2, failed: 0 });
      expect(response.body.results.map((r: any) => [r.index, r.status])).toEqual([
        [0, 'accepted'],
        [1, 'accepted'],
        [2, 'rejected'],
        [3, 'duplicate'],
        [4, 'rejected'],
        [5, 'accepted'],
      ]);
      expect(response.body.results[2].fields.map((f: any) => f.path)).toEqual(['events.2.type']);
      expect(response.body.results[4].fields.map((f: any) => f.path)).toEqual(expect.arrayContaining(['events.4.leadId', 'events.4.type', 'events.4.occurredAt']));
      const lead = await leadWith(leadId, (l) => l.eventCount === 4, 'the three good events');
      expect(lead.total).toBe(20);
      // The lead's three events reached its workflow in one signal, in the order sent.
      const history = await temporal.workflow.getHandle(`lead:${leadId}`).fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
      // One signal for the single event, one for the batch's three.
      expect(signals).toHaveLength(2);
      const { entries } = (await request(base, 'GET', `/api/leads/${leadId}/ledger`)).body;
      expect(entries.map((e: any) => e.eventId)).toEqual([`${leadId}-0`, `${leadId}-1`, `${leadId}-2`, `${leadId}-4`]);

      const again = await request(base, 'POST', '/api/events/batch', { events: [good(1), good(2)] });
      expect(again.body).toMatchObject({ accepted: 0, duplicate: 2 });
      // A bad first copy does not make the good second copy a duplicate.
      const fixed = await request(base, 'POST', '/api/events/batch', { events: [{ ...good(7), occurredAt: 'soon' }, good(7)] });
      expect(fixed.body.results.map((r: any) => r.status)).toEqual(['rejected', 'accepted']);
      const tooMany = await request(base, 'POST', '/api/events/batch', { events: Array.from({ length: 1001 }, (_, i) => good(i)) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.fields[0]).toEqual({ path: 'body.events', message: 'send at most 1000 events at a time' });
    });
  });

    it('starts leads it has never seen with all their events in one first turn, as their workflows would score them one by one', async () => {
      const [fresh, other, single] = ['new-a', 'new-b', 'single'].map((name) => `${name}-${run}`) as [string, string, string];
      const history = (leadId: string) => [
        { eventId: `${leadId}-1`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: at(1) },
        { eventId: `${leadId}-2`, leadId, type: 'email_click', properties: {}, occurredAt: at(2) },
        { eventId: `${leadId}-3`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(3) },
      ];
      // Interleaved, and one lead's events out of order: each lead's first turn takes them in time order.
      const [a, b] = [history(fresh), history(other)];
      const response = await request(base, 'POST', '/api/events/batch', { events: [a[1], b[0], a[0], b[1], a[2], b[2]] });
      expect(response.body).toMatchObject({ accepted: 6, rejected: 0, failed: 0 });
      // Visible as soon as the batch is answered: nothing waits for a workflow turn.
      expect((await request(base, 'GET', `/api/leads/${fresh}`)).body).toMatchObject({ eventCount: 3, revision: 1 });
      const started = await temporal.workflow.getHandle(`lead:${fresh}`).fetchHistory();
      expect((started.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);
      // The same events one at a time, to a lead of their own: the same life.
      for (const event of history(single)) expect((await request(base, 'POST', '/api/events', event)).status).toBe(202);
      const one = await leadWith(single, (l) => l.eventCount === 3, 'its three events, one by one');
      const bulk = (await request(base, 'GET', `/api/leads/${fresh}`)).body;
      expect({ stage: bulk.stage, total: bulk.total, scores: bulk.scores, grade: bulk.grade, handoff: bulk.handoff?.queue ?? null }).toEqual({ stage: one.stage, total: one.total, scores: one.scores, grade: one.grade, handoff: one.handoff?.queue ?? null });
      const ledgerOf = async (leadId: string) => (await request(base, 'GET', `/api/leads/${leadId}/ledger`)).body.entries.map((e: any) => [e.sequence, e.eventType, e.ruleId, e.points]);
      expect(await ledgerOf(fresh)).toEqual(await ledgerOf(single));
      // From then on the lead lives in its workflow, as any lead does.
      expect((await request(base, 'POST', '/api/events', { eventId: `${fresh}-4`, leadId: fresh, type: 'email_open', properties: {}, occurredAt: at(4) })).status).toBe(202);
      await leadWith(fresh, (l) => l.eventCount === 4 && l.revision === 2, 'its next event, through its workflow');
    });

  describe('bad input', () => {
    it('names every failing field and starts no workflow', async () => {
      const leadId = `bad-${run}`;
      const response = await request(base, 'POST', '/api/events', { eventId: 'x1', leadId, type: 'page_visit', properties: { url: 5, 'a.b': 1 }, occuredAt: 'yesterday' });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      const paths = response.body.error.fields.map((f: any) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['body.type', 'body.occurredAt', 'body.properties.a.b', 'body']));
      await expect(temporal.workflow.getHandle(`lead:${leadId}`).describe()).rejects.toThrow(WorkflowNotFoundError);
      expect((await getLead(leadId)).status).toBe(404);
    });

    it('answers malformed JSON, unknown routes and unknown handoffs in the one error shape', async () => {
      const malformed = await request(base, 'POST', '/api/events', '{"eventId": ');
      expect(malformed).toEqual({ status: 400, body: { error: { status: 400, code: 'invalid_json', message: expect.any(String), requestId: expect.any(String) } } });
      expect((await request(base, 'GET', '/api/nothing-here')).body.error.code).toBe('not_found');
      expect((await request(base, 'POST', '/api/handoffs/nobody:1/accept', {})).status).toBe(404);
      const badId = await request(base, 'GET', '/api/leads/%24where');
      expect(badId.status).toBe(400);
      expect(badId.body.error.fields[0].path).toBe('params.leadId');
    });
  });
}
