// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/client';
import { renderSignedIn } from '../testing/fake-api';
import { QUEUE_POLL_MS, QueueScreen } from './queue-screen';

const SAM: Me = { keyId: 'k3y1d0000001', name: 'Sam', role: 'sales', owner: 'sam', queues: ['inbound-sales', 'enterprise-sales'] };
const handoff = (leadId: string, slaDueAt: string) => ({
  handoffId: `${leadId}:1`,
  leadId,
  queue: 'inbound-sales',
  team: 'Inbound',
  owner: 'sam',
  status: 'pending',
  createdAt: '2026-03-01T12:00:00.000Z',
  slaDueAt,
  slaHours: 24,
  maxEscalations: 1,
  escalations: 0,
  score: 90,
  qualifiedBy: 'mql',
  grade: 'B1',
  modelVersion: 2,
  person: { name: `Ann ${leadId}`, company: 'Acme', title: 'VP Sales', email: `ann@${leadId}.example` },
  scoreNow: 95,
  qualifiedWhy: 'score 90 reached threshold 60 (MQL); routed to Inbound',
  topRules: [
    { ruleId: 'demo-points', ruleName: 'Demo requested', points: 50 },
    { ruleId: 'key-page-points', ruleName: 'Key page visit', points: 20 },
  ],
});
const inAnHour = () => new Date(Date.now() + 3_600_000 + 30_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3_600_000 - 30_000).toISOString();

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sales queue', () => {
  it("lists a rep's handoffs with why each lead is there and the SLA countdown", async () => {
    const calls = renderSignedIn(<QueueScreen me={SAM} />, SAM, {
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [handoff('acme-1', inAnHour()), handoff('acme-2', anHourAgo())] } },
      'GET /api/sales/queues/enterprise-sales/handoffs?status=pending': { body: { handoffs: [] } },
    });
    const row = await screen.findByTestId('handoff-acme-1:1');
    expect(within(row).getByTestId('handoff-acme-1:1-why').textContent).toBe('+50 Demo requested+20 Key page visit');
    expect(screen.getByTestId('handoff-acme-1:1-sla').textContent).toBe('due in 1 h');
    expect(screen.getByTestId('handoff-acme-1:1-sla').dataset.overdue).toBe('false');
    expect(screen.getByTestId('handoff-acme-2:1-sla').textContent).toBe('overdue by 1 h');
    expect(screen.getByTestId('handoff-acme-1:1-lead').getAttribute('href')).toBe('#/leads/acme-1');
    // The person first, both scores labelled, and why the lead qualified.
    expect(screen.getByTestId('handoff-acme-1:1-name').textContent).toBe('Ann acme-1');
    expect(screen.getByTestId('handoff-acme-1:1-role').textContent).toBe('VP Sales · Acme');
    expect(screen.getByTestId('handoff-acme-1:1-email').getAttribute('href')).toBe('mailto:ann@acme-1.example');
    expect(within(row).getByText('At handoff').nextElementSibling?.textContent).toBe('90');
    expect(within(row).getByText('Now').nextElementSibling?.textContent).toBe('95');
    expect(screen.getByTestId('handoff-acme-1:1-qualified').textContent).toBe('score 90 reached threshold 60 (MQL); routed to Inbound');

    fireEvent.change(screen.getByTestId('queue-select'), { target: { value: 'enterprise-sales' } });
    expect(await screen.findByTestId('queue-empty')).toBeTruthy();
    expect(calls.map((c) => c.request)).toContain('GET /api/sales/queues/enterprise-sales/handoffs?status=pending');
  });

  it('rejects only with a reason, sends the note, and marks the row answered', async () => {
    const calls = renderSignedIn(<QueueScreen me={SAM} />, SAM, {
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [handoff('acme-1', inAnHour())] } },
      'POST /api/handoffs/acme-1%3A1/reject': { body: { leadId: 'acme-1', stage: 'nurture' } },
    });
    // From the keyboard: R on the focused row opens the rejection, Ctrl+Enter sends it.
    const row = await screen.findByTestId('handoff-acme-1:1');
    row.focus();
    fireEvent.keyDown(row, { key: 'r' });
    const dialog = await screen.findByTestId('decision-dialog');
    expect(document.activeElement).toBe(screen.getByTestId('decision-reason'));
    expect((screen.getByTestId('decision-confirm') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(screen.getByTestId('decision-note'), { key: 'Enter', ctrlKey: true });
    expect(calls.some((c) => c.request.startsWith('POST'))).toBe(false);

    fireEvent.change(screen.getByTestId('decision-reason'), { target: { value: 'no_budget' } });
    fireEvent.change(screen.getByTestId('decision-note'), { target: { value: 'frozen until Q3' } });
    fireEvent.keyDown(screen.getByTestId('decision-note'), { key: 'Enter', ctrlKey: true });

    await waitFor(() => expect(screen.queryByTestId('decision-dialog')).toBeNull());
    expect(dialog.isConnected).toBe(false);
    expect(calls.find((c) => c.request.startsWith('POST'))).toEqual({ request: 'POST /api/handoffs/acme-1%3A1/reject', body: { reason: 'no_budget', note: 'frozen until Q3' } });
    expect(screen.getByTestId('queue-said').textContent).toBe('Rejected Ann acme-1 (No budget).');
    // The read side may still list it as pending for a moment: the row says it was answered.
    expect((await screen.findByTestId('handoff-acme-1:1-answered')).textContent).toBe('Rejected just now');
    expect(screen.queryByTestId('handoff-acme-1:1-reject')).toBeNull();
  });

  it('accepts with a click, and shows what the API refused', async () => {
    const calls = renderSignedIn(<QueueScreen me={SAM} />, SAM, {
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [handoff('acme-1', inAnHour())] } },
      'POST /api/handoffs/acme-1%3A1/accept': { status: 409, body: { error: { status: 409, code: 'conflict', message: 'handoff acme-1:1 was already accepted' } } },
    });
    fireEvent.click(await screen.findByTestId('handoff-acme-1:1-accept'));
    fireEvent.click(await screen.findByTestId('decision-confirm'));
    expect((await screen.findByTestId('decision-error')).textContent).toBe('handoff acme-1:1 was already accepted');
    expect(calls.find((c) => c.request.startsWith('POST'))?.body).toEqual({});
  });

  it('lets an admin name any queue', async () => {
    const admin: Me = { keyId: 'k3y1d0000001', name: 'Ada', role: 'admin' };
    renderSignedIn(<QueueScreen me={admin} />, admin, {
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [] } },
      'GET /api/sales/queues/partners/handoffs?status=pending': { body: { handoffs: [handoff('p-1', inAnHour())] } },
    });
    await screen.findByTestId('queue-empty');
    fireEvent.change(screen.getByTestId('queue-name'), { target: { value: 'partners' } });
    fireEvent.submit(screen.getByTestId('queue-name'));
    expect(await screen.findByTestId('handoff-p-1:1')).toBeTruthy();
  });

  it('follows the queue without a click: a new row is marked, the tab title counts it, and looking at it clears the mark', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    document.head.innerHTML = '<title>LeadFlow</title>';
    try {
      const first = { body: { handoffs: [handoff('acme-1', inAnHour())] } };
      const later = { body: { handoffs: [handoff('acme-1', inAnHour()), handoff('acme-2', inAnHour())] } };
      let answers = 0;
      renderSignedIn(<QueueScreen me={SAM} />, SAM, {
        'GET /api/sales/queues/inbound-sales/handoffs?status=pending': () => (++answers === 1 ? first : later),
      });
      await screen.findByTestId('handoff-acme-1:1');
      expect(screen.getByTestId('handoff-acme-1:1').dataset.new).toBe('false');
      await vi.advanceTimersByTimeAsync(QUEUE_POLL_MS);
      const row = await screen.findByTestId('handoff-acme-2:1');
      expect(row.dataset.new).toBe('true');
      expect(screen.getByTestId('handoff-acme-2:1-new').textContent).toBe('New');
      expect(screen.getByTestId('queue-new-count').textContent).toBe('1 new');
      await waitFor(() => expect(document.title).toBe('(1 new) LeadFlow'));
      fireEvent.focus(row);
      await waitFor(() => expect(screen.queryByTestId('queue-new-count')).toBeNull());
      expect(document.title).toBe('LeadFlow');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a rep take a lead nobody owns, and says so when someone took it first', async () => {
    const { owner: _nobody, ...unowned } = handoff('acme-1', inAnHour());
    const { owner: _none, ...other } = handoff('acme-2', inAnHour());
    const calls = renderSignedIn(<QueueScreen me={SAM} />, SAM, {
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [unowned, other, handoff('acme-3', inAnHour())] } },
      'POST /api/handoffs/acme-1%3A1/take': { body: { leadId: 'acme-1', stage: 'mql' } },
      'POST /api/handoffs/acme-2%3A1/take': { status: 409, body: { error: { status: 409, code: 'conflict', message: 'Handoff acme-2:1 was already taken by lee' } } },
    });
    expect((await screen.findByTestId('handoff-acme-1:1-owner')).textContent).toBe('Inbound · unassigned');
    // Owned already: nothing to take.
    expect(screen.queryByTestId('handoff-acme-3:1-take')).toBeNull();
    fireEvent.click(screen.getByTestId('handoff-acme-1:1-take'));
    await waitFor(() => expect(screen.getByTestId('queue-said').textContent).toBe('You took Ann acme-1: the lead is yours.'));
    expect(calls.find((c) => c.request.startsWith('POST'))).toEqual({ request: 'POST /api/handoffs/acme-1%3A1/take', body: {} });
    fireEvent.click(screen.getByTestId('handoff-acme-2:1-take'));
    expect((await screen.findByTestId('queue-problem')).textContent).toBe('Could not take Ann acme-2: Handoff acme-2:1 was already taken by lee');
  });
});
