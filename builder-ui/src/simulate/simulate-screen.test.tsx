// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/client';
import { renderSignedIn } from '../testing/fake-api';
import { SimulateScreen } from './simulate-screen';

const MIA: Me = { keyId: 'k3y1d0000001', name: 'Mia', role: 'marketing' };
const MODEL = {
  modelId: 'web',
  name: 'Web model',
  description: '',
  latestVersion: 0,
  createdAt: '2026-01-01',
  draft: {
    graph: { name: 'Web model', scores: [{ id: 'fit', label: 'Fit' }, { id: 'engagement', label: 'Engagement' }], nodes: [{ id: 'mql', kind: 'threshold', score: 'total', value: 60, stage: 'mql', label: 'MQL' }], edges: [] },
    revision: 4,
    updatedAt: '2026-01-01',
    updatedBy: 'mia',
  },
  issues: [],
  versions: [],
};
const HANDOFF = { handoffId: 'simulated-lead:1', queue: 'inbound-sales', team: 'Inbound', status: 'pending', slaDueAt: '2026-11-02T11:00:00.000Z' };
const step = (at: string, extra: object) => ({ at, kind: 'event', entries: [], stageChanges: [], scores: { fit: 0, engagement: 0 }, total: 0, stage: 'lead', grade: null, segment: null, ...extra });
const RESULT = {
  modelId: 'web',
  leadId: 'simulated-lead',
  events: 2,
  scores: ['fit', 'engagement'],
  truncated: false,
  until: '2026-12-31T11:00:00.000Z',
  steps: [
    step('2026-11-01T10:00:00.000Z', { event: { eventId: 'sim-1', type: 'page_view' }, entries: [{ ruleId: 'p', ruleName: 'Pricing page', score: 'engagement', points: 30, reason: 'page view, url starts with /pricing: +30 engagement' }], scores: { fit: 0, engagement: 30 }, total: 30 }),
    step('2026-11-01T11:00:00.000Z', {
      event: { eventId: 'sim-2', type: 'form_submit' },
      entries: [{ ruleId: 'd', ruleName: 'Demo form', score: 'engagement', points: 50, reason: 'form submit, form is demo_request: +50 engagement' }],
      stageChanges: [{ stage: 'mql', at: '2026-11-01T11:00:00.000Z', reason: 'score 80 reached threshold 60 (MQL)' }],
      handoff: HANDOFF,
      scores: { fit: 0, engagement: 80 },
      total: 80,
      stage: 'mql',
    }),
    step('2026-12-01T11:00:00.000Z', { kind: 'timer', entries: [{ ruleId: 'decay', ruleName: 'Inactivity', score: 'engagement', points: -10, reason: '30 days without activity: -10 engagement' }], handoff: HANDOFF, scores: { fit: 0, engagement: 70 }, total: 70, stage: 'mql' }),
    step('2026-12-01T12:00:00.000Z', { kind: 'answer', answer: { handoffId: 'sim:1', decision: 'accept' }, handoff: HANDOFF, scores: { fit: 0, engagement: 70 }, total: 70, stage: 'mql' }),
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

describe('simulate', () => {
  it('runs the sample timeline through the draft and shows the steps, stage changes and decay', async () => {
    const calls = renderSignedIn(<SimulateScreen modelId="web" />, MIA, { 'GET /api/models/web': { body: MODEL }, 'POST /api/models/web/simulate': { body: RESULT } });
    expect((await screen.findByTestId('simulate-title')).textContent).toBe('Simulate: Web model');

    fireEvent.click(screen.getByTestId('sim-attr-add'));
    fireEvent.change(screen.getByTestId('sim-attr-0-name'), { target: { value: 'companySize' } });
    fireEvent.change(screen.getByTestId('sim-attr-0-value'), { target: { value: '250' } });
    fireEvent.change(screen.getByTestId('sim-event-0-at'), { target: { value: '2026-11-01T10:00' } });
    fireEvent.change(screen.getByTestId('sim-event-1-at'), { target: { value: '2026-11-01T11:00' } });
    fireEvent.change(screen.getByTestId('sim-then-days'), { target: { value: '30' } });
    fireEvent.click(screen.getByTestId('sim-run'));

    await screen.findByTestId('sim-result');
    expect(calls.find((c) => c.request === 'POST /api/models/web/simulate')?.body).toEqual({
      attributes: { companySize: 250 },
      events: [
        { type: 'page_view', properties: { url: '/pricing' }, occurredAt: new Date('2026-11-01T10:00').toISOString() },
        { type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: new Date('2026-11-01T11:00').toISOString() },
      ],
      until: new Date(new Date('2026-11-01T11:00').getTime() + 30 * 86_400_000).toISOString(),
    });
    expect(screen.getByTestId('sim-final-stage').textContent).toBe('MQL');
    expect(screen.getByTestId('sim-final-total').textContent).toBe('70');
    expect(screen.getByTestId('sim-handoff').textContent).toBe('Inbound · queue inbound-sales (pending)');
    expect(screen.getByTestId('sim-step-1-stage').textContent).toContain('→ MQL');
    expect(screen.getByTestId('sim-step-1-entry-0').textContent).toContain('+50 Engagement · Demo form');
    expect(screen.getByTestId('sim-step-2').dataset.kind).toBe('decay');
    // A real lead's simulation replays sales' answers too.
    expect(screen.getByTestId('sim-step-3').textContent).toContain('sales: accept');
    // Four steps, and the end of the 30 days let pass: the chart runs to it though nothing changed after the last step.
    expect(screen.getByTestId('sim-chart').dataset.points).toBe('5');
  });

  it('names what is wrong in the form, and the graph errors the API finds', async () => {
    const calls = renderSignedIn(<SimulateScreen modelId="web" />, MIA, {
      'GET /api/models/web': { body: MODEL },
      'POST /api/models/web/simulate': { status: 422, body: { error: { status: 422, code: 'invalid_graph', message: 'The graph has errors; fix them to simulate it', issues: [{ severity: 'error', code: 'no_route', message: 'Connect this to a route', nodeId: 'mql' }] } } },
    });
    fireEvent.change(await screen.findByTestId('sim-event-0-properties'), { target: { value: 'pricing' } });
    fireEvent.click(screen.getByTestId('sim-run'));
    expect(await screen.findByText('"pricing" is not name=value')).toBeTruthy();
    expect(calls.some((c) => c.request.startsWith('POST'))).toBe(false);

    fireEvent.change(screen.getByTestId('sim-event-0-properties'), { target: { value: 'url=/pricing' } });
    fireEvent.keyDown(screen.getByTestId('sim-event-0-properties'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('sim-error').textContent).toContain('Connect this to a route'));
  });

  it("runs a real lead's stored events", async () => {
    const calls = renderSignedIn(<SimulateScreen modelId="web" />, MIA, { 'GET /api/models/web': { body: MODEL }, 'POST /api/models/web/simulate': { body: { ...RESULT, leadId: 'acme-1' } } });
    fireEvent.click(await screen.findByTestId('sim-mode-lead'));
    fireEvent.change(screen.getByTestId('sim-lead-id'), { target: { value: 'acme-1' } });
    fireEvent.submit(screen.getByTestId('sim-lead-id'));
    await screen.findByTestId('sim-result');
    expect(calls.find((c) => c.request.startsWith('POST'))?.body).toEqual({ leadId: 'acme-1' });
  });

  it("says in plain words why a real lead's simulated score differs from its page", async () => {
    renderSignedIn(<SimulateScreen modelId="web" />, MIA, {
      'GET /api/models/web': { body: MODEL },
      'POST /api/models/web/simulate': { body: { ...RESULT, leadId: 'acme-1' } },
      'GET /api/leads/acme-1': { body: { leadId: 'acme-1', total: 120, stage: 'mql', modelVersion: 3 } },
      'GET /api/live-model': { body: { modelId: 'web', name: 'Web model', version: 3, since: '2026-01-05T09:00:00.000Z', setBy: 'leadflow' } },
    });
    fireEvent.click(await screen.findByTestId('sim-mode-lead'));
    fireEvent.change(screen.getByTestId('sim-lead-id'), { target: { value: 'acme-1' } });
    fireEvent.click(screen.getByTestId('sim-run'));
    expect((await screen.findByTestId('sim-difference-headline')).textContent).toBe('Its page shows 120 (MQL); this simulation gives 70, 50 points fewer.');
    const reasons = screen.getByTestId('sim-difference').textContent ?? '';
    expect(reasons).toContain('scores all 2 of its stored events');
    expect(reasons).toContain('saved draft of "Web model" (revision 4)');
    expect(reasons).toContain('last scored by version 3 of the live model "Web model"');
  });

  it('keeps the lead set up when one goes to the editor and comes back', async () => {
    renderSignedIn(<SimulateScreen modelId="web" />, MIA, { 'GET /api/models/web': { body: MODEL } });
    fireEvent.change(await screen.findByTestId('sim-event-0-properties'), { target: { value: 'url=/pricing/enterprise' } });
    fireEvent.click(screen.getByTestId('sim-event-add'));
    fireEvent.change(screen.getByTestId('sim-then-days'), { target: { value: '10' } });
    cleanup();

    renderSignedIn(<SimulateScreen modelId="web" />, MIA, { 'GET /api/models/web': { body: MODEL } });
    expect(((await screen.findByTestId('sim-event-0-properties')) as HTMLInputElement).value).toBe('url=/pricing/enterprise');
    expect(screen.getByTestId('sim-event-2')).toBeTruthy();
    expect((screen.getByTestId('sim-then-days') as HTMLInputElement).value).toBe('10');
    cleanup();

    // Another model starts from the example.
    renderSignedIn(<SimulateScreen modelId="other" />, MIA, { 'GET /api/models/other': { body: { ...MODEL, modelId: 'other' } } });
    expect(((await screen.findByTestId('sim-event-0-properties')) as HTMLInputElement).value).toBe('url=/pricing');
  });
});
