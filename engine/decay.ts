/**
 * Decay: interest fades while a lead is quiet. Pure functions over the lead's last activity per
 * channel, so the workflow can run them on durable timers and replay them deterministically.
 */
import type { CompiledDecay } from './types';

const DAY_MS = 86_400_000;

/** What one decay policy has taken in the lead's current quiet period. */
export interface DecayState {
  /** Start of the quiet period: the last activity on the policy's channel. */
  since: string;
  /** Points taken since then. */
  taken: number;
  /** When points were last taken (half-life decays from there). */
  lastAt?: string;
}

export interface DecayStep {
  /** Points to subtract now (≥ 0; never below the floor). */
  amount: number;
  state: DecayState;
  /** When this policy next has something to take; null when nothing more will decay. */
  nextAt: string | null;
}

/** Half-life decay is applied in daily steps so that it rides on ordinary timers. */
const HALF_LIFE_STEP_DAYS = 1;

/**
 * What `policy` takes from a score of `score` at `now`, given its state. Call it when a timer is
 * due or after activity; reset the state (`since` = the activity) when the channel is active.
 */
export function decayDue(policy: CompiledDecay, state: DecayState, score: number, now: string): DecayStep {
  const elapsedDays = (Date.parse(now) - Date.parse(state.since)) / DAY_MS;
  const room = Math.max(0, score - policy.floor);
  const rule = policy.rule;
  if (rule.mode === 'step') {
    const steps = Math.max(0, Math.floor(elapsedDays / rule.everyDays + 1e-9));
    const amount = Math.min(room, Math.max(0, steps * rule.amount - state.taken));
    const nextAt = room - amount > 0 ? plusDays(state.since, (steps + 1) * rule.everyDays) : null;
    return { amount, state: { ...state, taken: state.taken + amount }, nextAt };
  }
  if (rule.mode === 'once') {
    const due = elapsedDays + 1e-9 >= rule.afterDays ? rule.amount : 0;
    const amount = Math.min(room, Math.max(0, due - state.taken));
    const nextAt = due === 0 ? plusDays(state.since, rule.afterDays) : null;
    return { amount, state: { ...state, taken: state.taken + amount }, nextAt };
  }
  const from = state.lastAt ?? state.since;
  const days = (Date.parse(now) - Date.parse(from)) / DAY_MS;
  const kept = room * 0.5 ** (days / rule.halfLifeDays);
  const amount = Math.round((room - kept) * 100) / 100;
  const left = room - amount;
  // Nothing taken: the clock stays where it was, or frequent checks would round decay away.
  if (amount <= 0) return { amount: 0, state, nextAt: left >= 0.5 ? plusDays(from, HALF_LIFE_STEP_DAYS) : null };
  return {
    amount,
    state: { ...state, taken: state.taken + amount, lastAt: now },
    nextAt: left >= 0.5 ? plusDays(now, HALF_LIFE_STEP_DAYS) : null,
  };
}

/** A fresh state for a quiet period that starts at `activityAt`. */
export function restartDecay(activityAt: string): DecayState {
  return { since: activityAt, taken: 0 };
}

/** True when an event of `eventType` counts as activity for `policy`. */
export function isActivityFor(policy: CompiledDecay, eventType: string): boolean {
  return policy.activity.includes(eventType);
}

function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}
