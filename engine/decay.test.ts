import { describe, expect, it } from 'vitest';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph, fitEngagementGraph } from '../rules/templates';
import { decayDue, isActivityFor, restartDecay, type DecayState } from './decay';
import type { CompiledDecay } from './types';

const start = '2026-01-01T00:00:00.000Z';
const day = (n: number) => new Date(Date.parse(start) + n * 86_400_000).toISOString();
const b2b = compileGraph(b2bDefaultGraph);
const policy = (id: string) => b2b.decay.find((d) => d.id === id) as CompiledDecay;

/** Runs `policy` on its own timers from `start` to `until`; returns total points taken. */
function takenBy(decay: CompiledDecay, score: number, until: number): number {
  let state: DecayState = restartDecay(start);
  let now = day(0);
  let left = score;
  for (;;) {
    const step = decayDue(decay, state, left, now);
    left -= step.amount;
    state = step.state;
    if (!step.nextAt || Date.parse(step.nextAt) > Date.parse(day(until))) {
      const last = decayDue(decay, state, left, day(until));
      return score - left + last.amount;
    }
    now = step.nextAt;
  }
}

describe("DOMAIN.md's decay table, through the compiled B2B template", () => {
  // criterion, policy, days of silence, points taken
  const table: Array<[string, string, number, number]> = [
    ['any inactivity: -10 per 30 days', 'decay-inactive', 29, 0],
    ['any inactivity: -10 per 30 days', 'decay-inactive', 30, 10],
    ['any inactivity: -10 per 30 days', 'decay-inactive', 95, 30],
    ['email not opened: -5 per 60 days', 'decay-email', 60, 5],
    ['email not opened: -5 per 60 days', 'decay-email', 130, 10],
    ['no website visit: -15 after 45 days', 'decay-web', 44, 0],
    ['no website visit: -15 after 45 days', 'decay-web', 45, 15],
    ['no website visit: -15 after 45 days', 'decay-web', 200, 15],
    ['no social interaction: -8 after 30 days', 'decay-social', 30, 8],
    ['no social interaction: -8 after 30 days', 'decay-social', 365, 8],
  ];
  it.each(table)('%s (%s), after %i days: -%i', (_criterion, id, days, taken) => {
    expect(takenBy(policy(id), 100, days)).toBe(taken);
  });

  it('never takes a score below its floor', () => {
    expect(takenBy(policy('decay-inactive'), 25, 365)).toBe(25);
    expect(decayDue(policy('decay-inactive'), restartDecay(start), 0, day(300)).amount).toBe(0);
  });

  it('restarts the clock on activity of its channel only', () => {
    expect(isActivityFor(policy('decay-email'), 'email_open')).toBe(true);
    expect(isActivityFor(policy('decay-email'), 'page_view')).toBe(false);
    expect(isActivityFor(policy('decay-web'), 'page_view')).toBe(true);
    expect(isActivityFor(policy('decay-inactive'), 'unsubscribe')).toBe(false);
  });

  it('does not take twice what it already took in the same quiet period', () => {
    const first = decayDue(policy('decay-inactive'), restartDecay(start), 100, day(61));
    expect(first.amount).toBe(20);
    const again = decayDue(policy('decay-inactive'), first.state, 80, day(61));
    expect(again.amount).toBe(0);
    expect(again.nextAt).toBe(day(90));
  });
});

describe('half-life decay', () => {
  it('halves the score above the floor every half-life', () => {
    const halfLife = compileGraph(fitEngagementGraph).decay[0] as CompiledDecay;
    const step = decayDue(halfLife, restartDecay(start), 80, day(30));
    expect(step.amount).toBe(40);
    expect(decayDue(halfLife, step.state, 40, day(60)).amount).toBe(20);
  });
});
