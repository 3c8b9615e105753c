/**
 * A lead population with a history to calibrate on, made through the real API: each lead's CRM
 * sync (its industry and company size), then for those that reach sales a pricing visit and a
 * demo request; sales accept or reject their handoffs through the handoffs API; others get CRM
 * outcomes (won, opportunity, lost, disqualified); a few have no answer yet; a few are ten days
 * old. Software leads mostly convert, retail ones mostly do not. Needs a worker scoring under a
 * model whose threshold a pricing visit and a demo request cross (the B2B template's does).
 */
import { expect } from 'vitest';
import type { LeadEvent } from '../../engine/types';
import { daysAgo } from './clock';
import { eventually, type JsonResponse } from './http';

type Path = 'accept' | 'reject' | 'won' | 'opportunity_created' | 'lost' | 'disqualified' | 'none' | 'old';

const PLAN: Array<{ count: number; industry: 'Software' | 'Retail'; path: Path }> = [
  { count: 6, industry: 'Software', path: 'accept' },
  { count: 2, industry: 'Retail', path: 'accept' },
  { count: 2, industry: 'Software', path: 'reject' },
  { count: 6, industry: 'Retail', path: 'reject' },
  { count: 12, industry: 'Software', path: 'won' },
  { count: 6, industry: 'Software', path: 'opportunity_created' },
  { count: 3, industry: 'Retail', path: 'won' },
  { count: 14, industry: 'Retail', path: 'lost' },
  { count: 7, industry: 'Retail', path: 'disqualified' },
  { count: 3, industry: 'Software', path: 'lost' },
  { count: 4, industry: 'Software', path: 'none' },
  { count: 3, industry: 'Retail', path: 'old' },
];
const CONVERTED = new Set<Path>(['accept', 'won', 'opportunity_created']);
const SETTLED: Partial<Record<Path, string>> = { accept: 'sal', reject: 'nurture', won: 'customer', old: 'customer', opportunity_created: 'opportunity', lost: 'nurture', disqualified: 'disqualified' };

export interface SeededHistory {
  leadIds: string[];
  /** Leads first seen in the last day (the rest ten days ago). */
  inPeriod: number;
  /** Of those, the ones with an outcome, and the converted ones. */
  labelled: number;
  converted: number;
  /** Ten-day-old leads, all won. */
  old: number;
}

export type Call = (method: string, route: string, body?: unknown) => Promise<JsonResponse>;

/** Makes the population through `call` (a key that may send events and answer handoffs) and waits until every lead has settled. */
export async function seedHistory(call: Call, prefix: string): Promise<SeededHistory> {
  const leads = PLAN.flatMap(({ count, ...rest }) => Array.from({ length: count }, () => rest)).map((lead, i) => ({ ...lead, leadId: `${prefix}${i}` }));
  const events = leads.flatMap(({ leadId, industry, path }): LeadEvent[] => {
    const minutes = path === 'old' ? 10 * 1_440 : 120;
    const at = (offset: number) => daysAgo((minutes - offset) / 1_440);
    const sync: LeadEvent = { eventId: `${leadId}-sync`, leadId, type: 'custom', properties: { name: 'crm_sync' }, attributes: { industry, companySize: industry === 'Software' ? 200 : 40 }, occurredAt: at(0) };
    if (path !== 'accept' && path !== 'reject') return [sync];
    return [sync, { eventId: `${leadId}-pricing`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: at(1) }, { eventId: `${leadId}-demo`, leadId, type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(2) }];
  });
  expect((await call('POST', '/api/events/batch', { events })).body).toMatchObject({ accepted: events.length });
  const lead = (leadId: string) => call('GET', `/api/leads/${encodeURIComponent(leadId)}`);
  for (const { leadId, path } of leads) {
    const handed = path === 'accept' || path === 'reject';
    await eventually(() => lead(leadId), (r) => r.status === 200 && (!handed || r.body.handoff?.status === 'pending'), `lead ${leadId} to be scored`, 60_000);
  }
  for (const { leadId, path } of leads) {
    const handoff = encodeURIComponent(`${leadId}:1`);
    if (path === 'accept') expect((await call('POST', `/api/handoffs/${handoff}/accept`, { note: 'call booked' })).status).toBe(200);
    if (path === 'reject') expect((await call('POST', `/api/handoffs/${handoff}/reject`, { reason: 'no_budget' })).status).toBe(200);
  }
  const outcomes = leads
    .filter(({ path }) => ['won', 'opportunity_created', 'lost', 'disqualified', 'old'].includes(path))
    .map(({ leadId, path }): LeadEvent => ({ eventId: `${leadId}-outcome`, leadId, type: 'crm_outcome', properties: { outcome: path === 'old' ? 'won' : path }, occurredAt: daysAgo(path === 'old' ? 9 : 1 / 24) }));
  expect((await call('POST', '/api/events/batch', { events: outcomes })).body).toMatchObject({ accepted: outcomes.length });
  for (const { leadId, path } of leads) {
    const stage = SETTLED[path];
    if (stage) await eventually(() => lead(leadId), (r) => r.body?.stage === stage, `lead ${leadId} to reach ${stage}`, 60_000);
  }
  const inPeriod = leads.filter(({ path }) => path !== 'old');
  const labelled = inPeriod.filter(({ path }) => path !== 'none');
  return {
    leadIds: leads.map(({ leadId }) => leadId),
    inPeriod: inPeriod.length,
    labelled: labelled.length,
    converted: labelled.filter(({ path }) => CONVERTED.has(path)).length,
    old: leads.length - inPeriod.length,
  };
}
