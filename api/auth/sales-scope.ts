/**
 * What a sales key may see: handoffs in its queues (and, for one rep's key, those assigned to
 * them or to nobody), and the leads of those handoffs. Other roles are not scoped.
 */
import type { Handoff, LeadSnapshot } from '../../workflows/lead.definitions';
import type { LeadFilter } from '../db/leads.repository';
import { HttpError } from '../http/errors';
import type { Caller } from './roles';

export function canSeeHandoff(caller: Caller | undefined, handoff: Pick<Handoff, 'queue' | 'owner'>): boolean {
  if (caller?.role !== 'sales') return true;
  return (caller.queues ?? []).includes(handoff.queue) && (caller.owner === undefined || handoff.owner === undefined || handoff.owner === caller.owner);
}

export function canSeeLead(caller: Caller | undefined, lead: Pick<LeadSnapshot, 'handoff'>): boolean {
  if (caller?.role !== 'sales') return true;
  return lead.handoff !== null && canSeeHandoff(caller, lead.handoff);
}

/** A lead search narrowed to what the caller may see. */
export function scopeLeadFilter(caller: Caller | undefined, filter: LeadFilter): LeadFilter {
  if (caller?.role !== 'sales') return filter;
  return { ...filter, queues: caller.queues ?? [], ...(caller.owner !== undefined && { assignee: caller.owner }) };
}

/** Refuses a sales key a queue that is not one of its own. */
export function assertQueueAllowed(caller: Caller | undefined, queue: string): void {
  if (caller?.role === 'sales' && !(caller.queues ?? []).includes(queue)) {
    throw new HttpError(403, 'forbidden', `This key works the queues ${(caller.queues ?? []).join(', ')}, not ${queue}`);
  }
}
