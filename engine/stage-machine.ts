/**
 * The lifecycle stage machine (DOMAIN.md): subscriber → lead → MQL → SAL → SQL → opportunity →
 * customer, plus nurture (recycled) and disqualified. Pure: which moves are allowed, and where
 * each leads.
 */
import type { Stage } from './types';

/** What can move a lead. */
export type StageTrigger =
  | 'activity' // first engagement: a subscriber becomes a lead
  | 'qualified' // a threshold or sales-ready grade was reached
  | 'accepted' // sales accepted the handoff
  | 'qualified_by_sales' // sales qualified it (budget, authority, need, timeline)
  | 'rejected' // sales rejected it, with a reason
  | 'expired' // nobody answered the handoff in time
  | 'opportunity_created'
  | 'won'
  | 'lost'
  | 'disqualified';

const MOVES: Record<StageTrigger, Partial<Record<Stage, Stage>>> = {
  activity: { subscriber: 'lead' },
  qualified: { subscriber: 'mql', lead: 'mql', nurture: 'mql' },
  accepted: { mql: 'sal' },
  qualified_by_sales: { mql: 'sql', sal: 'sql' },
  // Sales answers a handoff until it qualifies the lead; an SQL that fails later is lost, not rejected.
  rejected: { mql: 'nurture', sal: 'nurture' },
  expired: { mql: 'nurture' },
  // The CRM knows best: its outcomes apply from any open stage.
  opportunity_created: fromOpen('opportunity', ['opportunity']),
  won: fromOpen('customer'),
  lost: fromOpen('nurture', ['nurture']),
  disqualified: fromOpen('disqualified'),
};

/** Moves to `to` from every open stage (not customer or disqualified), less `except`. */
function fromOpen(to: Stage, except: Stage[] = []): Partial<Record<Stage, Stage>> {
  const open: Stage[] = ['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'nurture'];
  return Object.fromEntries(open.filter((stage) => !except.includes(stage)).map((stage) => [stage, to]));
}

/** The stage `trigger` moves a lead in `stage` to, or undefined when that move is not allowed. */
export function nextStage(stage: Stage, trigger: StageTrigger): Stage | undefined {
  return MOVES[trigger][stage];
}

/** Every trigger that can move a lead out of `stage`, e.g. to offer sales the right buttons. */
export function triggersFrom(stage: Stage): StageTrigger[] {
  return (Object.keys(MOVES) as StageTrigger[]).filter((trigger) => MOVES[trigger][stage] !== undefined);
}
