import { describe, expect, it } from 'vitest';
import { duration } from '../shell/format';
import { slaState } from './sla';

const due = '2026-03-02T12:00:00.000Z';
const before = (ms: number) => Date.parse(due) - ms;
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('SLA countdown', () => {
  it('counts down the time left, in the largest two units', () => {
    expect(slaState(due, before(24 * HOUR))).toEqual({ text: 'due in 1 d', overdue: false, urgent: false });
    expect(slaState(due, before(23 * HOUR + 59 * MIN + 30_000))).toEqual({ text: 'due in 23 h 59 min', overdue: false, urgent: false });
    expect(slaState(due, before(2 * HOUR))).toEqual({ text: 'due in 2 h', overdue: false, urgent: false });
  });

  it('is urgent in the last hour', () => {
    expect(slaState(due, before(59 * MIN + 5_000))).toEqual({ text: 'due in 59 min 5 s', overdue: false, urgent: true });
    expect(slaState(due, before(40_000))).toEqual({ text: 'due in 40 s', overdue: false, urgent: true });
  });

  it('says how long ago it ran out', () => {
    expect(slaState(due, Date.parse(due))).toEqual({ text: 'overdue by 0 s', overdue: true, urgent: true });
    expect(slaState(due, Date.parse(due) + 3 * HOUR + 5 * MIN)).toEqual({ text: 'overdue by 3 h 5 min', overdue: true, urgent: true });
    expect(slaState(due, Date.parse(due) + 50 * HOUR)).toMatchObject({ text: 'overdue by 2 d 2 h' });
  });

  it('writes durations without empty units', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(61_000)).toBe('1 min 1 s');
    expect(duration(HOUR)).toBe('1 h');
    expect(duration(3 * 24 * HOUR + 30 * MIN)).toBe('3 d');
  });
});
