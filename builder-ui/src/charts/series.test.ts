import { describe, expect, it } from 'vitest';
import type { LedgerEntry, SimulationStep } from '../api/client';
import { TIME, TOTAL } from './score-chart';
import { ledgerToSeries, stepsToSeries } from './series';

const entry = (sequence: number, occurredAt: string, score: string, points: number): LedgerEntry => ({
  entryId: `lead-1/e${sequence}:r${sequence}`,
  sequence,
  leadId: 'lead-1',
  eventId: `e${sequence}`,
  eventType: 'page_view',
  ruleId: `r${sequence}`,
  ruleName: `Rule ${sequence}`,
  score,
  points,
  reason: '',
  occurredAt,
  modelVersion: 1,
});
const t = (iso: string) => Date.parse(iso);

describe('ledger → score timeline', () => {
  it('sums each score over time, with the total of all', () => {
    const { points, scores } = ledgerToSeries(
      [entry(0, '2026-01-01T10:00:00Z', 'engagement', 5), entry(1, '2026-01-02T10:00:00Z', 'fit', 20), entry(2, '2026-01-03T10:00:00Z', 'engagement', 20)],
      ['fit', 'engagement'],
    );
    expect(scores).toEqual(['fit', 'engagement']);
    expect(points).toEqual([
      { [TIME]: t('2026-01-01T10:00:00Z'), fit: 0, engagement: 5, [TOTAL]: 5 },
      { [TIME]: t('2026-01-02T10:00:00Z'), fit: 20, engagement: 5, [TOTAL]: 25 },
      { [TIME]: t('2026-01-03T10:00:00Z'), fit: 20, engagement: 25, [TOTAL]: 45 },
    ]);
  });

  it('makes one point of the entries of one instant, and takes decay and resets off', () => {
    const { points } = ledgerToSeries(
      [
        entry(0, '2026-01-01T10:00:00Z', 'engagement', 5),
        entry(1, '2026-01-01T10:00:00Z', 'engagement', 20),
        entry(2, '2026-02-01T10:00:00Z', 'engagement', -10),
        entry(3, '2026-02-05T10:00:00Z', 'engagement', -15),
      ],
      ['engagement'],
    );
    expect(points.map((p) => [p[TIME], p.engagement, p[TOTAL]])).toEqual([
      [t('2026-01-01T10:00:00Z'), 25, 25],
      [t('2026-02-01T10:00:00Z'), 15, 15],
      [t('2026-02-05T10:00:00Z'), 0, 0],
    ]);
  });

  it('orders by when things happened (ties in ledger order), and adds scores the model list lacks', () => {
    // An event that happened earlier but arrived later was applied later: it still belongs earlier on the timeline.
    const { points, scores } = ledgerToSeries([entry(0, '2026-01-05T00:00:00Z', 'engagement', 10), entry(1, '2026-01-01T00:00:00Z', 'product_a', 7)], ['engagement']);
    expect(scores).toEqual(['engagement', 'product_a']);
    expect(points).toEqual([
      { [TIME]: t('2026-01-01T00:00:00Z'), engagement: 0, product_a: 7, [TOTAL]: 7 },
      { [TIME]: t('2026-01-05T00:00:00Z'), engagement: 10, product_a: 7, [TOTAL]: 17 },
    ]);
    expect(ledgerToSeries([], ['fit'])).toEqual({ points: [], scores: ['fit'] });
  });
});

describe('simulation steps → chart points', () => {
  const step = (at: string, scores: Record<string, number>, total: number): SimulationStep => ({
    at,
    kind: 'event',
    entries: [],
    stageChanges: [],
    scores,
    total,
    stage: 'lead',
    grade: null,
    segment: null,
  });

  it('takes the scores after each step, the last of an instant winning', () => {
    const points = stepsToSeries([step('2026-01-01T00:00:00Z', { fit: 20 }, 20), step('2026-01-01T00:00:00Z', { fit: 20, engagement: 5 }, 25), step('2026-01-03T00:00:00Z', { fit: 20, engagement: 55 }, 75)], ['fit', 'engagement']);
    expect(points).toEqual([
      { [TIME]: t('2026-01-01T00:00:00Z'), fit: 20, engagement: 5, [TOTAL]: 25 },
      { [TIME]: t('2026-01-03T00:00:00Z'), fit: 20, engagement: 55, [TOTAL]: 75 },
    ]);
  });

  it('reaches the moment the simulation ran to, the scores held from the last step', () => {
    const steps = [step('2026-01-01T00:00:00Z', { fit: 20 }, 20), step('2026-01-01T17:00:00Z', { fit: 25 }, 25)];
    const points = stepsToSeries(steps, ['fit'], '2026-01-11T00:00:00.000Z');
    expect(points.at(-1)).toEqual({ [TIME]: t('2026-01-11T00:00:00Z'), fit: 25, [TOTAL]: 25 });
    expect(points).toHaveLength(3);
    // Nothing to add when the last step is the end.
    expect(stepsToSeries(steps, ['fit'], '2026-01-01T17:00:00.000Z')).toHaveLength(2);
  });
});
