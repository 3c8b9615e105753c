/**
 * A CRM sync as real exports write it, on the real stack (API and worker processes, Temporal
 * dev server, FerretDB): a free-text title and a capitalised industry earn the live model's fit
 * points, as the catalogue's values do; the lead's page shows what the CRM sent; the funnel
 * groups industries whatever their case.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { eventually, request } from './support/http';

let api: AppProcess;
let worker: AppProcess;
let base: string;
const run = Date.now().toString(36);

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'messy-crm-values') };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
});

const sync = (leadId: string, attributes: Record<string, string | number>) =>
  request(base, 'PUT', `/api/leads/${leadId}/attributes`, { syncId: 'crm-1', attributes, occurredAt: minute(0) });
const synced = (leadId: string) =>
  eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.status === 200 && r.body.eventCount === 1, `the sync of ${leadId}`).then((r) => r.body);

describe('a CRM sync with free-text titles and mixed-case industries', () => {
  it('earns the fit points of the catalogue values, and the lead shows what was sent', async () => {
    const [messy, tidy, student, studentTitle] = ['messy', 'tidy', 'student', 'student-title'].map((name) => `crm-${name}-${run}`) as [string, string, string, string];
    for (const [leadId, attributes] of [
      [messy, { title: 'VP Marketing', industry: 'Software', companySize: 200 }],
      [tidy, { seniority: 'vp', industry: 'software', companySize: 200 }],
      [student, { seniority: 'student' }],
      [studentTitle, { title: 'Werkstudent' }],
    ] as const) {
      expect((await sync(leadId, attributes)).status).toBe(202);
    }
    const [m, t, s, st] = await Promise.all([synced(messy), synced(tidy), synced(student), synced(studentTitle)]);
    expect(m.modelVersion).toBe(t.modelVersion);
    expect(t.scores.fit).toBeGreaterThan(0);
    expect(m.scores).toEqual(t.scores);
    expect(st.scores).toEqual(s.scores);
    expect(m.attributes).toEqual({ title: 'VP Marketing', industry: 'Software', companySize: 200 });
  });

  it('groups the funnel by industry whatever the case', async () => {
    const leads = ['Retail', 'retail', ' RETAIL '].map((industry, i) => [`crm-retail-${i}-${run}`, industry] as const);
    for (const [leadId, industry] of leads) expect((await sync(leadId, { industry })).status).toBe(202);
    await Promise.all(leads.map(([leadId]) => synced(leadId)));
    const funnel = await request(base, 'GET', '/api/reports/funnel?by=industry');
    expect(funnel.status).toBe(200);
    const keys: string[] = funnel.body.groups.map((group: { key: string }) => group.key);
    expect(keys.filter((key) => key.toLowerCase() === 'retail')).toEqual(['retail']);
    expect(keys.filter((key) => key.toLowerCase() === 'software')).toEqual(['software']);
    expect(funnel.body.groups.find((group: { key: string }) => group.key === 'retail').leads).toBeGreaterThanOrEqual(3);
  });
});
