// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/client';
import { renderSignedIn } from '../testing/fake-api';
import { chartThresholdsFor } from './lead-page';
import { LeadsScreen } from './leads-screen';

const RITA: Me = { keyId: 'k3y1d0000001', name: 'Rita', role: 'reviewer' };
const LEAD = {
  leadId: 'acme-1',
  stage: 'nurture',
  scores: { fit: 20, engagement: 70 },
  total: 90,
  grade: 'B1',
  segment: null,
  modelVersion: 2,
  attributes: { seniority: 'vp', firstName: 'Ann', lastName: 'Lee', company: 'Acme Corp', email: 'ann@acme.example' },
  lastActivityAt: '2026-11-01T11:00:00.000Z',
  eventCount: 3,
  ledgerSize: 3,
  handoff: { handoffId: 'acme-1:1', leadId: 'acme-1', queue: 'inbound-sales', team: 'Inbound', status: 'rejected', createdAt: '2026-11-01T11:00:00.000Z', slaDueAt: '2026-11-02T11:00:00.000Z', slaHours: 24, maxEscalations: 1, escalations: 0, score: 90, qualifiedBy: 'mql', modelVersion: 2, reason: 'no_budget', note: 'frozen until Q3' },
  stageHistory: [
    { stage: 'lead', at: '2026-11-01T10:00:00.000Z', reason: 'first event' },
    { stage: 'mql', at: '2026-11-01T11:00:00.000Z', reason: 'score 90 reached threshold 60' },
    { stage: 'nurture', at: '2026-11-01T12:00:00.000Z', reason: 'rejected by sales: no_budget (frozen until Q3)' },
  ],
};
const entry = (sequence: number, occurredAt: string, score: string, points: number, ruleName: string) => ({ sequence, eventId: `e${sequence}`, eventType: 'page_view', ruleId: `r${sequence}`, ruleName, score, points, reason: `${ruleName}: ${points}`, occurredAt, modelVersion: 2 });
// The demo form (sequence 1) came in late: it happened before the pricing visit (sequence 2).
const LEDGER = [
  { ...entry(0, '2026-11-01T10:00:00.000Z', 'fit', 20, 'Decision maker'), eventId: 'sync:acme-1:crm-7', eventType: 'custom' },
  entry(1, '2026-11-01T10:30:00.000Z', 'engagement', 50, 'Demo form'),
  entry(2, '2026-11-01T10:20:00.000Z', 'engagement', 20, 'Pricing page'),
];
const THRESHOLDS = {
  modelId: 'b2b',
  version: 2,
  segments: [],
  thresholds: [
    { nodeId: 'mql', name: 'MQL', scores: 'total', value: 60, segment: null },
    { nodeId: 'mql-ent', name: 'Enterprise MQL', scores: 'total', value: 80, segment: 'enterprise' },
  ],
};

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('lead explorer', () => {
  it("shows a lead's standing, score timeline, ledger and stage history", async () => {
    renderSignedIn(<LeadsScreen leadId="acme-1" />, RITA, {
      'GET /api/leads/acme-1': { body: LEAD },
      'GET /api/leads/acme-1/ledger?limit=1000': { body: { leadId: 'acme-1', entries: LEDGER } },
      'GET /api/reviews/thresholds': { body: THRESHOLDS },
    });
    expect((await screen.findByTestId('lead-stage')).textContent).toBe('NURTURE');
    // Titled by the person; the ledger in time order, the CRM sync called so.
    expect(screen.getByTestId('lead-title').textContent).toBe('Ann Lee, Acme Corp');
    expect(screen.getByTestId('lead-id').getAttribute('title')).toBe('acme-1');
    expect([...screen.getByTestId('lead-ledger').querySelectorAll('tbody tr')].map((row) => row.getAttribute('data-testid'))).toEqual(['ledger-0', 'ledger-2', 'ledger-1']);
    expect(screen.getByTestId('ledger-0').textContent).toContain('CRM sync');
    expect(screen.getByTestId('lead-total').textContent).toBe('90');
    expect(screen.getByTestId('lead-handoff').textContent).toContain('rejected — No budget (“frozen until Q3”)');
    // Three instants in the ledger: three points on the timeline.
    expect(screen.getByTestId('lead-timeline').dataset.points).toBe('3');
    expect(screen.getByTestId('ledger-1').textContent).toContain('+50 engagement');
    expect(screen.getByTestId('lead-stages').querySelectorAll('li')).toHaveLength(3);
    expect(screen.getByTestId('stage-2').textContent).toContain('rejected by sales: no_budget');
    expect(screen.getByTestId('lead-attributes').textContent).toBe('seniorityvpfirstNameAnnlastNameLeecompanyAcme CorpemailAnn@acme.example'.replace('Ann@', 'ann@'));
  });

  it('says so when the lead is not there', async () => {
    renderSignedIn(<LeadsScreen leadId="ghost" />, RITA, {});
    expect((await screen.findByTestId('lead-missing')).textContent).toBe('There is no lead "ghost" you can see.');
  });

  it('searches with the filters given, a page at a time, and keeps them for the session', async () => {
    const page = (n: number) => ({ body: { page: n, pageSize: 25, total: 30, leads: [{ ...LEAD, leadId: `lead-p${n}` }] } });
    const calls = renderSignedIn(<LeadsScreen />, RITA, {
      'GET /api/leads?page=1&pageSize=25': page(1),
      'GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60': page(1),
      'GET /api/leads?page=2&pageSize=25&stage=mql&minScore=60': page(2),
      'GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme': page(1),
      'GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme&sort=company': page(1),
      'GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme&sort=-company': page(1),
    });
    expect((await screen.findByTestId('leads-total')).textContent).toBe('30 leads, highest score first');
    fireEvent.change(screen.getByTestId('leads-filter-stage'), { target: { value: 'mql' } });
    fireEvent.change(screen.getByTestId('leads-filter-min'), { target: { value: '60' } });
    fireEvent.click(screen.getByTestId('leads-search'));
    await waitFor(() => expect(calls.at(-1)?.request).toBe('GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60'));
    fireEvent.click(await screen.findByTestId('leads-next'));
    expect(await screen.findByTestId('lead-row-lead-p2')).toBeTruthy();
    expect(screen.getByTestId('leads-page').textContent).toBe('Page 2 of 2');
    expect(screen.getByTestId('lead-open-lead-p2').getAttribute('href')).toBe('#/leads/lead-p2');
    expect(JSON.parse(sessionStorage.getItem('leadflow.leadSearch') ?? '{}')).toMatchObject({ page: 2, filters: { stage: 'mql', minScore: '60' } });
    // The person first: name, email and the id (cut short, whole in its tooltip).
    expect(screen.getByTestId('lead-open-lead-p2').textContent).toBe('Ann Lee');
    expect(screen.getByTestId('lead-id-lead-p2').getAttribute('title')).toBe('lead-p2');

    // Search by company, then sort by it: a click on the header, again for the other way.
    fireEvent.change(screen.getByTestId('leads-filter-text'), { target: { value: ' Acme ' } });
    fireEvent.click(screen.getByTestId('leads-search'));
    await waitFor(() => expect(calls.at(-1)?.request).toBe('GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme'));
    fireEvent.click(await screen.findByTestId('leads-sort-company'));
    await waitFor(() => expect(calls.at(-1)?.request).toBe('GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme&sort=company'));
    expect((await screen.findByTestId('leads-total')).textContent).toBe('30 leads, by company, ascending');
    expect(screen.getByTestId('leads-sort-company').closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByTestId('leads-sort-company'));
    await waitFor(() => expect(calls.at(-1)?.request).toBe('GET /api/leads?page=1&pageSize=25&stage=mql&minScore=60&q=Acme&sort=-company'));
  });

  it('draws the threshold for the lead segment on its chart, else the default one', () => {
    expect(chartThresholdsFor(THRESHOLDS.thresholds as never, 'enterprise')).toEqual([{ value: 80, label: 'Enterprise MQL (80)' }]);
    expect(chartThresholdsFor(THRESHOLDS.thresholds as never, null)).toEqual([{ value: 60, label: 'MQL (60)' }]);
    expect(chartThresholdsFor(THRESHOLDS.thresholds as never, 'small')).toEqual([{ value: 60, label: 'MQL (60)' }]);
  });
});
