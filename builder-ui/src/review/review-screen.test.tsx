// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/client';
import { renderSignedIn, type Reply } from '../testing/fake-api';
import { ReviewScreen } from './review-screen';

const REVIEWER: Me = { keyId: 'k3y1d0000001', name: 'Rita', role: 'reviewer' };
const REVIEW = {
  modelId: 'b2b',
  version: 3,
  segments: [{ id: 'enterprise', label: 'Enterprise', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 1000 }] }],
  thresholds: [
    { nodeId: 'mql-enterprise', name: 'Enterprise MQL', scores: 'total', value: 80, segment: 'enterprise' },
    { nodeId: 'mql-default', name: 'MQL', scores: 'total', value: 60, segment: null },
  ],
};
const BANDS = [
  { from: 50, to: 60, leads: 4, reachedSql: 0, won: 0, sqlRate: 0, wonRate: 0, accepted: 0, rejected: 0, acceptanceRate: null },
  { from: 60, to: 70, leads: 5, reachedSql: 2, won: 1, sqlRate: 0.4, wonRate: 0.2, accepted: 3, rejected: 1, acceptanceRate: 0.75 },
  { from: 90, to: 100, leads: 1, reachedSql: 1, won: 1, sqlRate: 1, wonRate: 1, accepted: 1, rejected: 0, acceptanceRate: 1 },
];
/** Leads at or above a value, as the fake API counts them: 6 at 60 or more, 1 at 90 or more. */
const atOrAbove = (value: number) => (value <= 60 ? 6 : value <= 90 ? 1 : 0);
const whatIfReply = (body: unknown) => {
  const { nodeId, value } = body as { nodeId: string; value: number };
  const current = nodeId === 'mql-default' ? 60 : 80;
  return { body: { modelId: 'b2b', version: 3, nodeId, segment: null, scores: 'total', leads: 10, current: { value: current, atOrAbove: atOrAbove(current) }, proposed: { value, atOrAbove: atOrAbove(value) }, bands: BANDS } };
};
const ROUTES: Record<string, Reply> = { 'GET /api/reviews/thresholds': { body: REVIEW }, 'POST /api/reviews/what-if': whatIfReply };

const valueField = (nodeId: string) => screen.getByTestId(`review-value-${nodeId}`) as HTMLInputElement;
const whatIfCalls = (calls: Array<{ request: string; body: unknown }>) => calls.filter((c) => c.request === 'POST /api/reviews/what-if').map((c) => c.body);

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('threshold review: the what-if preview', () => {
  it('asks once the value stops moving, and shows what the new value would do', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const calls = renderSignedIn(<ReviewScreen me={REVIEWER} />, REVIEWER, ROUTES);
    const wait = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
    await wait(0);
    expect(screen.getByTestId('review-threshold-mql-enterprise').dataset.selected).toBe('true');
    expect(screen.getByTestId('review-segment-enterprise').textContent).toContain('Segment: Enterprise');

    fireEvent.focus(valueField('mql-default'));
    await wait(299);
    expect(whatIfCalls(calls)).toEqual([]);
    await wait(1);
    expect(whatIfCalls(calls)).toEqual([{ nodeId: 'mql-default', value: 60, bandWidth: 10 }]);
    expect(screen.getByTestId('whatif-current').textContent).toBe('6');

    // Typing 9, 90, 95, 90: each keystroke restarts the wait; only the value it settles on is asked for.
    for (const text of ['9', '90', '95', '90']) {
      fireEvent.change(valueField('mql-default'), { target: { value: text } });
      await wait(120);
    }
    expect(whatIfCalls(calls)).toHaveLength(1);
    expect(screen.getByTestId('whatif').dataset.pending).toBe('true');
    await wait(180);
    expect(whatIfCalls(calls)).toEqual([
      { nodeId: 'mql-default', value: 60, bandWidth: 10 },
      { nodeId: 'mql-default', value: 90, bandWidth: 10 },
    ]);
    expect(screen.getByTestId('whatif').dataset.pending).toBe('false');
    expect(screen.getByTestId('whatif-proposed').textContent).toBe('1');
    expect(screen.getByTestId('whatif-delta').textContent).toBe('-5 leads');
    // Bands 70–80 and 80–90 hold no lead; they are on the table all the same, so the scores run without a gap.
    expect([...screen.getByTestId('review-bands').querySelectorAll('tbody th')].map((th) => th.textContent)).toEqual(['50–60', '60–70', '70–80', '80–90', '90–100']);
    expect(screen.getByTestId('review-band-80').textContent).toContain('0 / 0');
    expect(screen.getByTestId('review-band-90').className).toBe('lf-band-in');
    expect(screen.getByTestId('review-histogram').dataset.bands).toBe('50,60,70,80,90');
    expect(screen.getByTestId('review-histogram').dataset.proposed).toBe('90');

    // The slider moves the same value.
    fireEvent.change(screen.getByTestId('review-slider-mql-default'), { target: { value: '61' } });
    expect(valueField('mql-default').value).toBe('61');
    await wait(300);
    expect(whatIfCalls(calls).at(-1)).toEqual({ nodeId: 'mql-default', value: 61, bandWidth: 10 });
  });

  it('drops an answer for a value that has moved on since', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const slow: Array<() => void> = [];
    const calls = renderSignedIn(<ReviewScreen me={REVIEWER} />, REVIEWER, {
      ...ROUTES,
      'POST /api/reviews/what-if': (body) =>
        (body as { value: number }).value === 95 ? new Promise((resolve) => slow.push(() => resolve(whatIfReply(body)))) : whatIfReply(body),
    });
    const wait = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
    await wait(0);
    await wait(300);
    fireEvent.change(valueField('mql-enterprise'), { target: { value: '95' } });
    await wait(300);
    fireEvent.change(valueField('mql-enterprise'), { target: { value: '90' } });
    await wait(300);
    expect(screen.getByTestId('whatif-proposed').dataset.value).toBe('90');
    slow.forEach((resolve) => resolve());
    await wait(0);
    expect(whatIfCalls(calls).map((b) => (b as { value: number }).value)).toEqual([80, 95, 90]);
    expect(screen.getByTestId('whatif-proposed').dataset.value).toBe('90');
    expect(screen.getByTestId('whatif-proposed').textContent).toBe('1');
  });
});

describe('threshold review: saving', () => {
  it('saves the changed thresholds as a new version with a change note (Ctrl+S)', async () => {
    let version = 3;
    const calls = renderSignedIn(<ReviewScreen me={REVIEWER} whatIfDelayMs={0} />, REVIEWER, {
      ...ROUTES,
      'GET /api/reviews/thresholds': () => ({ body: { ...REVIEW, version } }),
      'PUT /api/reviews/thresholds': () => {
        version = 4;
        return { status: 201, body: { modelId: 'b2b', version: 4 } };
      },
    });
    await screen.findByTestId('whatif-summary');
    expect((screen.getByTestId('review-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(valueField('mql-default'), { target: { value: '70' } });
    expect(screen.getByTestId('review-threshold-mql-default').textContent).toContain('changed');

    fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    const dialog = await screen.findByTestId('review-save-dialog');
    expect(dialog.textContent).toContain('MQL: 60 → 70');
    fireEvent.change(screen.getByTestId('review-save-note'), { target: { value: 'Q3 review: sales asked for fewer, better leads' } });
    fireEvent.click(screen.getByTestId('review-save-confirm'));

    await waitFor(() => expect(screen.getByTestId('review-status').textContent).toContain('Saved as version 4 of b2b'));
    expect(calls.find((c) => c.request === 'PUT /api/reviews/thresholds')?.body).toEqual({
      baseVersion: 3,
      thresholds: [{ nodeId: 'mql-default', value: 70 }],
      changeNote: 'Q3 review: sales asked for fewer, better leads',
    });
    await waitFor(() => expect(screen.getByTestId('review-version').textContent).toContain('version 4'));
    expect(screen.queryByTestId('review-save-dialog')).toBeNull();
    // The new version opens on the threshold just edited, not on the first of the list.
    expect(screen.getByTestId('review-threshold-mql-default').dataset.selected).toBe('true');
    expect(screen.getByTestId('review-threshold-mql-enterprise').dataset.selected).toBe('false');
    // The confirmation sits under the title, above the thresholds, where it is seen.
    expect(screen.getByTestId('review-status').compareDocumentPosition(screen.getByTestId('review-version')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('says so when another version was published since, and offers to load it', async () => {
    renderSignedIn(<ReviewScreen me={REVIEWER} whatIfDelayMs={0} />, REVIEWER, {
      ...ROUTES,
      'PUT /api/reviews/thresholds': { status: 409, body: { error: { status: 409, code: 'conflict', message: 'Version 4 of b2b was published since version 3; review the thresholds again' } } },
    });
    await screen.findByTestId('whatif-summary');
    fireEvent.change(valueField('mql-enterprise'), { target: { value: '85' } });
    fireEvent.click(screen.getByTestId('review-save'));
    fireEvent.change(await screen.findByTestId('review-save-note'), { target: { value: 'raise' } });
    fireEvent.click(screen.getByTestId('review-save-confirm'));
    expect((await screen.findByTestId('review-conflict')).textContent).toContain('Version 4 of b2b was published since version 3');
    expect(screen.getByTestId('review-reload')).toBeTruthy();
  });

  it('lets marketing preview but not save', async () => {
    const marketer: Me = { keyId: 'k3y1d0000001', name: 'Mia', role: 'marketing' };
    renderSignedIn(<ReviewScreen me={marketer} whatIfDelayMs={0} />, marketer, ROUTES);
    await screen.findByTestId('whatif-summary');
    expect(screen.queryByTestId('review-save')).toBeNull();
  });
});

describe('threshold review: calibrating from LeadFlow’s history', () => {
  const MARKETER: Me = { keyId: 'k3y1d0000001', name: 'Mia', role: 'marketing' };

  it('starts a calibration over the chosen period for the model in review, then opens it', async () => {
    const started = { calibrationId: '4b1c9a52-1d1e-4a53-9f0e-2b7f2c0f7a11', status: 'queued', progress: '/api/calibrations/4b1c9a52-1d1e-4a53-9f0e-2b7f2c0f7a11' };
    const calls = renderSignedIn(<ReviewScreen me={MARKETER} />, MARKETER, { ...ROUTES, 'POST /api/calibrations': { status: 202, body: started } });
    fireEvent.change(await screen.findByTestId('review-history-from'), { target: { value: '2026-01-01' } });
    fireEvent.change(screen.getByTestId('review-history-to'), { target: { value: '2026-04-01' } });
    fireEvent.click(screen.getByTestId('review-history-start'));
    await waitFor(() => expect(window.location.hash).toBe(`#/calibration/${started.calibrationId}`));
    expect(calls.find((c) => c.request === 'POST /api/calibrations')?.body).toEqual({ source: 'leadflow', from: '2026-01-01', to: '2026-04-01', modelId: 'b2b' });
    window.location.hash = '';
  });

  it('says how many answered leads were found when there are too few, and stays', async () => {
    const message = 'Too few leads with an outcome between 2026-01-01 and 2026-04-01: found 12 (5 converted, 7 not) of 30 leads first seen then; calibration needs at least 50';
    renderSignedIn(<ReviewScreen me={MARKETER} />, MARKETER, { ...ROUTES, 'POST /api/calibrations': { status: 422, body: { error: { status: 422, code: 'too_few_outcomes', message } } } });
    fireEvent.click(await screen.findByTestId('review-history-start'));
    expect((await screen.findByTestId('review-history-error')).textContent).toContain('found 12 (5 converted, 7 not)');
    expect(window.location.hash).toBe('');
  });

  it('is not offered to reviewers, whose keys may not calibrate', async () => {
    renderSignedIn(<ReviewScreen me={REVIEWER} />, REVIEWER, ROUTES);
    await screen.findByTestId('review-version');
    expect(screen.queryByTestId('review-history')).toBeNull();
  });
});
