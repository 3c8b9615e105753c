import type { LeadInput } from '../../engine/lifecycle/lifecycle';
import type { LeadSnapshot, LedgerEntry, ProjectionWrite } from '../../workflows/lead.definitions';
import { minute } from './clock';

/** A lead's ledger as its writes leave it: each write replaces the entries from its `ledgerFrom` on. */
export function ledgerOf(writes: readonly ProjectionWrite[], leadId?: string): LedgerEntry[] {
  let ledger: LedgerEntry[] = [];
  for (const write of writes) {
    if (leadId !== undefined && write.snapshot.leadId !== leadId) continue;
    ledger = [...ledger.slice(0, write.ledgerFrom), ...write.ledger];
  }
  return ledger;
}

/**
 * Input `i` of a lead whose every input is an email opened a minute after the one before, and
 * the ledger entry it earns: the simplest turns to write to a real store.
 */
export const openedInput = (leadId: string, i: number): LeadInput => ({ kind: 'event', event: { eventId: `e${i}`, leadId, type: 'email_open', properties: {}, occurredAt: minute(i % 1000) } });

export const openedEntry = (leadId: string, i: number): LedgerEntry => ({
  entryId: `${leadId}/e${i}:open`,
  sequence: i,
  leadId,
  eventId: `e${i}`,
  eventType: 'email_open',
  ruleId: 'open',
  ruleName: 'Email opened',
  score: 'engagement',
  points: 2,
  reason: 'opened an email',
  modelVersion: 1,
  occurredAt: minute(i % 1000),
});

/** The snapshot of such a lead after its first `to` inputs, as read-side revision `revision`. */
export const openedSnapshot = (leadId: string, to: number, revision: number): LeadSnapshot => ({
  leadId,
  stage: 'lead',
  scores: { engagement: 2 * to },
  total: 2 * to,
  grade: null,
  segment: null,
  modelVersion: 1,
  attributes: {},
  lastActivityAt: minute((to - 1) % 1000),
  eventCount: to,
  ledgerSize: to,
  handoff: null,
  stageHistory: [],
  revision,
  inputCount: to,
});
