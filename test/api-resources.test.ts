/**
 * The API's resources for marketing ops, reviewers and CRMs, on the real API, worker, Temporal
 * and database: a CSV import with bad rows, webhooks that receive signed handoff notifications,
 * threshold reviews (what-if, save as a new version, a stale save refused) and reports.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { WEBHOOK_REFRESH_MS } from '../api/webhooks/webhook-notifier';
import { minute } from './support/clock';
import { eventually, request } from './support/http';
import { ownDatabase } from './support/database';

const run = Date.now().toString(36);
const modelId = `review-${run}`;
let api: AppProcess;
let worker: AppProcess;
let base: string;
const as: Record<string, Record<string, string>> = {};
const call = (role: string, method: string, route: string, body?: unknown) => request(base, method, route, body, as[role]);

let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), modelId), logDir: path.join(inject('runDir'), 'api-resources'), extra: { LEADFLOW_MODEL_ID: modelId, LEADFLOW_ALLOW_PRIVATE_WEBHOOKS: 'true' } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  const keys = {
    reviewer: { name: 'rita@acme.example', role: 'reviewer' },
    ingest: { name: 'crm-sync', role: 'ingest' },
    sales: { name: 'Inbound team', role: 'sales', queues: ['inbound-sales'] },
    marketing: { name: 'maria@acme.example', role: 'marketing' },
  };
  for (const [role, key] of Object.entries(keys)) as[role] = { authorization: `Bearer ${(await request(base, 'POST', '/api/keys', key)).body.key}` };

  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${port}/leadflow`;
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('CSV imports', () => {
  it('imports the good rows, reports each bad row with its reason, and shows progress until done', async () => {
    const csv = [
      'Lead Id;Company Size;Industry;Lead Source;Converted',
      `imp-${run}-1;1200;Software;src-${run};1`,
      `imp-${run}-2;15;Retail;src-${run};0`,
      `bad id!;40;Retail;src-${run};0`,
      `imp-${run}-4;Select;Select;src-${run};maybe`,
      `imp-${run}-5;30;Retail`,
      `imp-${run}-6;80;Select;src-${run};`,
    ].join('\r\n');
    const started = await fetch(`${base}/api/imports?leadIdColumn=${encodeURIComponent('Lead Id')}&outcomeColumn=Converted`, { method: 'POST', headers: { ...as.ingest, 'content-type': 'text/csv' }, body: csv });
    expect(started.status).toBe(202);
    const { importId, columns } = await started.json();
    expect(columns).toEqual([
      { column: 'Company Size', attribute: 'companySize' },
      { column: 'Industry', attribute: 'industry' },
      { column: 'Lead Source', attribute: 'leadSource' },
    ]);
    const done = await eventually(() => call('ingest', 'GET', `/api/imports/${importId}`), (r) => r.body.status === 'done', 'the import to finish');
    expect(done.body).toMatchObject({ rows: 6, processed: 6, imported: 3, rejected: 3, failed: 0 });
    expect(done.body.errors).toEqual([
      { line: 4, column: 'Lead Id', message: 'lead id "bad id!": use letters, digits and . _ @ + - only' },
      { line: 5, column: 'Converted', message: 'unknown outcome "maybe"; use 1/0, yes/no, won/lost' },
      { line: 6, message: 'has 3 fields where the header has 5' },
    ]);

    const lead = await eventually(() => call('marketing', 'GET', `/api/leads/imp-${run}-1`), (r) => r.status === 200 && r.body.eventCount === 2, 'the imported lead');
    expect(lead.body.attributes).toEqual({ companySize: 1200, industry: 'Software', leadSource: `src-${run}`, outcome: 'won' });
    // "Select" means not filled in: the attribute is left out, not set to "Select".
    const sixth = await eventually(() => call('marketing', 'GET', `/api/leads/imp-${run}-6`), (r) => r.status === 200, 'the sixth row');
    expect(sixth.body.attributes).toEqual({ companySize: 80, leadSource: `src-${run}` });
    expect((await call('marketing', 'GET', `/api/leads/imp-${run}-4`)).status).toBe(404);
  });

  it('imports the same file again without effect, and refuses a file that lacks the named column', async () => {
    const csv = `id,Industry\nimp-${run}-again,Software\n`;
    const send = (query: string) => fetch(`${base}/api/imports?${query}`, { method: 'POST', headers: { ...as.ingest, 'content-type': 'text/csv' }, body: csv });
    const first = await (await send('leadIdColumn=id')).json();
    await eventually(() => call('ingest', 'GET', `/api/imports/${first.importId}`), (r) => r.body.status === 'done', 'the first import');
    const second = await (await send('leadIdColumn=id')).json();
    await eventually(() => call('ingest', 'GET', `/api/imports/${second.importId}`), (r) => r.body.status === 'done', 'the second import');
    const lead = await eventually(() => call('marketing', 'GET', `/api/leads/imp-${run}-again`), (r) => r.status === 200, 'the lead');
    expect(lead.body.eventCount).toBe(1);

    const missing = await send('leadIdColumn=Email');
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.fields).toEqual([{ path: 'query.leadIdColumn', message: 'No column "Email" in the file (columns: id, Industry)' }]);
  });
});

describe('webhooks, reviews and reports around one lead', () => {
  const leadId = `rv-${run}-hot`;
  let webhook: any;
  let stageHook: any;

  it('registers a webhook (admin only) that gets the handoff, signed with its secret', async () => {
    const registered = await request(base, 'POST', '/api/webhooks', { url: receiverUrl, events: ['handoff.created', 'handoff.answered'] });
    expect(registered.status).toBe(201);
    webhook = registered.body;
    stageHook = (await request(base, 'POST', '/api/webhooks', { url: receiverUrl, events: ['stage.changed'] })).body;
    // Workers read the list of webhooks again every WEBHOOK_REFRESH_MS: changes from then on reach them.
    await new Promise((resolve) => setTimeout(resolve, WEBHOOK_REFRESH_MS + 500));
    expect(webhook.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await request(base, 'GET', '/api/webhooks')).body.webhooks.find((w: any) => w.webhookId === webhook.webhookId)).not.toHaveProperty('secret');
    expect((await call('marketing', 'POST', '/api/webhooks', { url: receiverUrl })).status).toBe(403);

    await call('ingest', 'PUT', `/api/leads/${leadId}/attributes`, { syncId: 's1', attributes: { leadSource: `hot-${run}` }, occurredAt: minute(0) });
    const events = [
      { type: 'page_view', properties: { url: '/pricing' } },
      { type: 'email_click', properties: {} },
      { type: 'form_submit', properties: { form: 'demo_request' } },
    ];
    const batch = await call('ingest', 'POST', '/api/events/batch', { events: events.map((e, i) => ({ ...e, eventId: `${leadId}-${i}`, leadId, occurredAt: minute(60 + i) })) });
    expect(batch.body).toMatchObject({ accepted: 3, rejected: 0 });
    const mql = await eventually(() => call('marketing', 'GET', `/api/leads/${leadId}`), (r) => r.body?.stage === 'mql', 'the lead to become MQL');
    expect(mql.body.total).toBe(90);
    // A batch's events reach their lead in the order sent: it qualified on the demo, at 90.
    expect(mql.body.handoff.score).toBe(90);

    const created = (await eventually(async () => received.find((r) => JSON.parse(r.body).key?.startsWith(`${leadId}:1`)), Boolean, 'the handoff webhook')) as (typeof received)[number];
    expect(JSON.parse(created.body)).toMatchObject({ type: 'handoff.created', handoff: { leadId, queue: 'inbound-sales' } });
    expect(created.headers['x-leadflow-signature']).toBe(`sha256=${createHmac('sha256', webhook.secret).update(created.body).digest('hex')}`);
  });

  it('announces stage changes to webhooks that subscribe to them', async () => {
    const lead = `rv-${run}-stage`;
    await call('ingest', 'POST', '/api/events/batch', {
      events: [
        { eventId: `${lead}-0`, leadId: lead, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: minute(120) },
        { eventId: `${lead}-1`, leadId: lead, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minute(121) },
      ],
    });
    const change = (await eventually(async () => received.find((r) => JSON.parse(r.body).type === 'stage.changed' && JSON.parse(r.body).lead?.leadId === lead), Boolean, 'the stage change')) as (typeof received)[number];
    expect(JSON.parse(change.body)).toMatchObject({ key: `${lead}:stage:1`, stage: { stage: 'mql' }, lead: { stage: 'mql' } });
    expect(change.headers['x-leadflow-signature']).toBe(`sha256=${createHmac('sha256', stageHook.secret).update(change.body).digest('hex')}`);
    expect((await request(base, 'DELETE', `/api/webhooks/${stageHook.webhookId}`)).status).toBe(200);
  });

  it('lets sales reject the lead with a reason; the webhook hears the answer', async () => {
    const rejected = await call('sales', 'POST', `/api/handoffs/${leadId}:1/reject`, { reason: 'no_budget', note: 'next year' });
    expect(rejected.body).toMatchObject({ stage: 'nurture', handoff: { status: 'rejected' } });
    await eventually(async () => received.filter((r) => JSON.parse(r.body).type === 'handoff.answered' && JSON.parse(r.body).handoff.leadId === leadId), (found) => found.length > 0, 'the answer webhook');
    expect((await request(base, 'DELETE', `/api/webhooks/${webhook.webhookId}`)).status).toBe(200);
    const queues = (await request(base, 'GET', '/api/sales/queues')).body.queues;
    expect(queues.find((q: any) => q.queue === 'inbound-sales')).toMatchObject({ queue: 'inbound-sales', total: expect.any(Number), pending: expect.any(Number) });
    // A long ledger pages by sequence number.
    const ledger = (await call('marketing', 'GET', `/api/leads/${leadId}/ledger?limit=2`)).body.entries;
    expect(ledger.map((e: any) => e.sequence)).toEqual([0, 1]);
    const rest = (await call('marketing', 'GET', `/api/leads/${leadId}/ledger?from=2`)).body.entries;
    expect(rest[0].sequence).toBe(2);
  });

  it('reports the lead in the funnel of its source, with sales’ answer in the acceptance rate', async () => {
    const funnel = await eventually(
      () => call('reviewer', 'GET', '/api/reports/funnel?by=source'),
      (r) => r.body.groups.some((g: any) => g.key === `hot-${run}` && g.acceptance.rejected === 1),
      'the rejection in the funnel',
    );
    expect(funnel.body.groups.find((g: any) => g.key === `hot-${run}`)).toMatchObject({
      leads: 1,
      reached: { mql: 1, sal: 0, sql: 0, won: 0 },
      conversion: { mqlToSal: 0, salToSql: null },
      acceptance: { accepted: 0, rejected: 1, rate: 0 },
      medianHoursMqlToSql: null,
    });
    const imported = funnel.body.groups.find((g: any) => g.key === `src-${run}`);
    expect(imported.leads).toBe(3);

    const scores = await call('reviewer', 'GET', '/api/reports/scores?bandWidth=25');
    expect(scores.body.bands.reduce((sum: number, b: any) => sum + b.leads, 0)).toBe(scores.body.leads);
    expect(scores.body.bands.every((b: any) => b.to - b.from === 25 && b.from % 25 === 0)).toBe(true);
    const grades = await call('marketing', 'GET', '/api/reports/grades');
    expect(grades.body.matrix).toHaveLength(4);
    expect(Object.values(grades.body.counts).reduce((a: number, b: any) => a + b, 0)).toBeGreaterThan(0);
    expect((await call('reviewer', 'GET', '/api/reports/funnel?by=colour')).body.error.fields[0].path).toBe('query.by');
  });

  it('previews a threshold: leads at or above it now and at the proposed value, with rates by band', async () => {
    const thresholds = await call('reviewer', 'GET', '/api/reviews/thresholds');
    expect(thresholds.body).toMatchObject({ modelId, version: 1 });
    expect(thresholds.body.thresholds.map((t: any) => [t.nodeId, t.value, t.segment])).toEqual([
      ['mql', 60, null],
      ['mql-enterprise', 80, 'enterprise'],
      ['mql-small', 50, 'small-business'],
    ]);
    const at = async (value: number) => (await call('reviewer', 'POST', '/api/reviews/what-if', { nodeId: 'mql', value, bandWidth: 10 })).body;
    const preview = await at(90);
    expect(preview.current).toMatchObject({ value: 60 });
    expect(preview.proposed.value).toBe(90);
    expect((await at(-1_000)).proposed.atOrAbove).toBe(preview.leads);
    // Raising a threshold never lets more leads through; above every score none pass.
    const counts = [];
    for (const value of [0, 20, 40, 60, 80, 100]) counts.push((await at(value)).proposed.atOrAbove);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect((await at(1_000_000)).proposed.atOrAbove).toBe(0);
    expect(preview.current.atOrAbove).toBe(counts[3]);
    // The rejected lead's handoff shows in the band of the score it was handed over at.
    const handoff = (await call('marketing', 'GET', `/api/leads/${leadId}`)).body.handoff;
    const band = preview.bands.find((b: any) => b.from <= handoff.score && handoff.score < b.to);
    expect(band).toMatchObject({ from: Math.floor(handoff.score / 10) * 10 });
    expect(band.rejected).toBeGreaterThanOrEqual(1);
    expect(preview.bands.reduce((sum: number, b: any) => sum + b.leads, 0)).toBe(preview.leads);
    expect((await call('reviewer', 'POST', '/api/reviews/what-if', { nodeId: 'nope', value: 1 })).status).toBe(404);
  });

  it('saves reviewed thresholds as a new version and into the draft; a stale save gets 409 and changes nothing', async () => {
    const saved = await call('reviewer', 'PUT', '/api/reviews/thresholds', { baseVersion: 1, thresholds: [{ nodeId: 'mql', value: 70 }], changeNote: 'Q4 review: fewer, better MQLs' });
    expect(saved).toMatchObject({ status: 201, body: { version: 2, publishedBy: 'rita@acme.example', changeNote: 'Q4 review: fewer, better MQLs' } });
    const stale = await call('reviewer', 'PUT', '/api/reviews/thresholds', { baseVersion: 1, thresholds: [{ nodeId: 'mql', value: 40 }], changeNote: 'late' });
    expect(stale.status).toBe(409);
    const after = await call('reviewer', 'GET', '/api/reviews/thresholds');
    expect(after.body.version).toBe(2);
    // The label that stated the old value states the new one, in the version and in the draft.
    expect(after.body.thresholds.find((t: any) => t.nodeId === 'mql')).toMatchObject({ value: 70, name: 'Marketing-qualified at 70' });
    const model = await call('marketing', 'GET', `/api/models/${modelId}`);
    expect(model.body.draft.graph.nodes.find((n: any) => n.id === 'mql')).toMatchObject({ value: 70, label: 'Marketing-qualified at 70' });
    const audit = await call('marketing', 'GET', `/api/models/${modelId}/audit`);
    expect(audit.body.entries.at(-1)).toMatchObject({ action: 'thresholds.reviewed', actor: 'rita@acme.example', version: 2 });
    const notThreshold = await call('reviewer', 'PUT', '/api/reviews/thresholds', { baseVersion: 2, thresholds: [{ nodeId: 'demo-points', value: 1 }], changeNote: 'x' });
    expect(notThreshold.status).toBe(400);
  });
});
