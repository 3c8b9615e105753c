// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/client';
import { renderSignedIn } from '../testing/fake-api';
import { DashboardScreen } from './dashboard-screen';

const RITA: Me = { keyId: 'k3y1d0000001', name: 'Rita', role: 'reviewer' };
const group = (leads: number) => ({
  key: 'all',
  leads,
  reached: { mql: leads, sal: 0, sql: 0, won: 0 },
  conversion: { mqlToSal: 0, salToSql: null, sqlToWon: null, mqlToWon: 0 },
  acceptance: { accepted: 0, rejected: 0, rate: null },
  medianHoursMqlToSql: null,
});
const funnel = (leads: number, from: string | null = null, to: string | null = null) => ({ body: { by: 'none', from, to, generatedAt: '2026-01-01T00:00:00.000Z', groups: [group(leads)] } });
const GRADES = { body: { segment: null, counts: {}, matrix: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], ungraded: 0 } };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('dashboard', () => {
  it('shows a period of days (a quarter under review), refuses one that ends before it starts, and goes back to all time', async () => {
    const calls = renderSignedIn(<DashboardScreen />, RITA, {
      'GET /api/reports/funnel?by=none': funnel(12),
      'GET /api/reports/funnel?by=none&from=2026-01-01&to=2026-03-31': funnel(5, '2026-01-01', '2026-03-31'),
      'GET /api/reports/grades': GRADES,
    });
    expect((await screen.findByTestId('kpi-leads')).textContent).toBe('12');
    expect(screen.getByTestId('dashboard-period-said').textContent).toBe('All time.');
    // No live model here: no grades to draw.
    expect((await screen.findByTestId('grade-none')).textContent).toBe('The live model has no grade matrix: leads are not graded.');
    expect(screen.queryByTestId('grade-heatmap')).toBeNull();

    fireEvent.change(screen.getByTestId('dashboard-from'), { target: { value: '2026-03-31' } });
    fireEvent.change(screen.getByTestId('dashboard-to'), { target: { value: '2026-01-01' } });
    expect(screen.getByTestId('dashboard-period-said').textContent).toBe('The first day is after the last.');
    expect((screen.getByTestId('dashboard-apply') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByTestId('dashboard-from'), { target: { value: '2026-01-01' } });
    fireEvent.change(screen.getByTestId('dashboard-to'), { target: { value: '2026-03-31' } });
    fireEvent.click(screen.getByTestId('dashboard-apply'));
    await waitFor(() => expect(screen.getByTestId('kpi-leads').textContent).toBe('5'));
    expect(screen.getByTestId('dashboard-period-said').textContent).toBe('What happened from 2026-01-01 to 2026-03-31 (UTC days, both included).');
    expect(calls.map((c) => c.request)).toContain('GET /api/reports/funnel?by=none&from=2026-01-01&to=2026-03-31');

    fireEvent.click(screen.getByTestId('dashboard-all-time'));
    await waitFor(() => expect(screen.getByTestId('kpi-leads').textContent).toBe('12'));
  });

  it('draws the grade matrix only when the live model grades leads', async () => {
    const live = (grade: unknown) => ({ body: { modelId: 'b2b', version: 3, graph: {}, compiled: { rules: [], ...(grade ? { grade } : {}) } } });
    renderSignedIn(<DashboardScreen />, RITA, { 'GET /api/reports/funnel?by=none': funnel(12), 'GET /api/reports/grades': GRADES, 'GET /api/models/current': live({ id: 'grade' }) });
    expect((await screen.findByTestId('grade-heatmap')).querySelectorAll('td[data-count]')).toHaveLength(16);
    cleanup();
    renderSignedIn(<DashboardScreen />, RITA, { 'GET /api/reports/funnel?by=none': funnel(12), 'GET /api/reports/grades': GRADES, 'GET /api/models/current': live(null) });
    expect(await screen.findByTestId('grade-none')).toBeTruthy();
  });

  it("says why sales' answers need not add up to the leads that reached SAL", async () => {
    const answered = { ...group(7), reached: { mql: 7, sal: 5, sql: 2, won: 1 }, acceptance: { accepted: 4, rejected: 3, rate: 4 / 7 } };
    renderSignedIn(<DashboardScreen />, RITA, {
      'GET /api/reports/funnel?by=none': { body: { by: 'none', from: null, to: null, generatedAt: '2026-01-01T00:00:00.000Z', groups: [answered] } },
      'GET /api/reports/grades': GRADES,
    });
    const said = (await screen.findByTestId('acceptance-answers')).textContent ?? '';
    expect(said).toContain('4 accepted, 3 rejected');
    expect(said).toMatch(/answers to handoffs.*counts leads.*handed off more than once/s);
  });
});
