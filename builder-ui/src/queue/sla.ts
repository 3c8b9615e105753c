/**
 * The SLA countdown of a handoff: how long sales has left to answer, or how long ago it ran out;
 * and a clock for it that ticks while the queue is on screen.
 */
import { useEffect, useState } from 'react';
import { duration } from '../shell/format';

export interface SlaState {
  text: string;
  overdue: boolean;
  /** Less than an hour left. */
  urgent: boolean;
}

const HOUR_MS = 3_600_000;

export function slaState(slaDueAt: string, now: number): SlaState {
  const left = Date.parse(slaDueAt) - now;
  if (left <= 0) return { text: `overdue by ${duration(-left)}`, overdue: true, urgent: true };
  return { text: `due in ${duration(left)}`, overdue: false, urgent: left < HOUR_MS };
}

/** The time now, renewed every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
