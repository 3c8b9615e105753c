import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { personOf } from '../../../engine/person';
import type { RejectReason } from '../../../engine/types';
import { leadWorkflowId, salesDecisionUpdate, takeHandoffUpdate, type Handoff, type LeadSnapshot } from '../../../workflows/lead.definitions';
import type { LeadRepository, QueueLead } from '../../db/leads.repository';
import type { Caller } from '../../auth/roles';
import { assertQueueAllowed, canSeeHandoff } from '../../auth/sales-scope';
import { conflict, HttpError, notFound } from '../../http/errors';
import type { queueResponse } from '../../contracts/handoffs.contract';

export type Decision = { decision: 'accept' | 'qualify'; note?: string } | { decision: 'reject'; reason: RejectReason; note?: string };

type QueuePage = z.infer<typeof queueResponse>;

/**
 * A sales queue's handoffs in one status, oldest first, each with the person (name, company,
 * title, email from the lead's attributes), the lead's score now, why it qualified and the
 * rules that gave it the most points: one read of the handoffs, one of their leads, one of
 * their ledgers, whatever the page's size.
 */
export async function queuePage(leads: LeadRepository, queue: string, status: Handoff['status'], limit: number, assignee: string | undefined): Promise<QueuePage> {
  const handoffs = await leads.queue(queue, status, limit, assignee);
  const [people, why] = await Promise.all([leads.queueLeads(handoffs.map((h) => h.leadId)), leads.qualifyingRules(handoffs, 3)]);
  return {
    queue,
    status,
    handoffs: handoffs.map((h) => {
      const lead = people.get(h.leadId);
      const qualifiedWhy = lead && whyQualified(lead, h);
      return { ...h, person: personOf(lead?.attributes), scoreNow: lead?.total ?? null, ...(qualifiedWhy && { qualifiedWhy }), topRules: why.get(h.handoffId) ?? [] };
    }),
  };
}

/**
 * Sends sales' answer to the lead's workflow and returns the lead as it is afterwards. The
 * Sales keys may answer only their own queues' handoffs. The
 * workflow is the judge (the read side may lag a moment): it refuses an answer the lead cannot
 * take, such as a second acceptance, with 409, and nothing changes.
 */
export async function decideHandoff(temporal: Client, leads: LeadRepository, caller: Caller | undefined, handoffId: string, decision: Decision): Promise<LeadSnapshot> {
  const handoff = await findHandoff(leads, handoffId);
  if (!canSeeHandoff(caller, handoff)) throw new HttpError(403, 'forbidden', `Handoff ${handoffId} is in queue ${handoff.queue}${handoff.owner ? ` for ${handoff.owner}` : ''}, not yours`);
  return inWorkflow(handoff, () => temporal.workflow.getHandle(leadWorkflowId(handoff.leadId)).executeUpdate(salesDecisionUpdate, { args: [{ handoffId, ...decision }] }));
}

/**
 * The caller's rep takes a pending handoff that nobody owns: the lead's workflow gives it to
 * them (so the lifecycle core keeps the one truth of who owns it) and the lead is returned. Only
 * a rep's key (a sales key with an owner) can take a lead, and only in its own queues. Someone
 * else got there first, or the handoff is no longer pending: 409, and nothing changes.
 */
export async function takeHandoff(temporal: Client, leads: LeadRepository, caller: Caller | undefined, handoffId: string): Promise<LeadSnapshot> {
  const handoff = await findHandoff(leads, handoffId);
  assertQueueAllowed(caller, handoff.queue);
  const owner = caller?.owner;
  if (owner === undefined) throw new HttpError(403, 'forbidden', "Only a sales rep's key (a sales key with an owner) can take a lead: it becomes that rep's");
  if (handoff.owner !== undefined) throw conflict(`Handoff ${handoffId} was already taken by ${handoff.owner}`);
  return inWorkflow(handoff, () => temporal.workflow.getHandle(leadWorkflowId(handoff.leadId)).executeUpdate(takeHandoffUpdate, { args: [{ handoffId, owner }] }));
}

async function findHandoff(leads: LeadRepository, handoffId: string): Promise<Handoff> {
  const handoff = await leads.getHandoff(handoffId);
  if (!handoff) throw notFound(`Handoff ${handoffId}`);
  return handoff;
}

/** Runs an update on the lead's workflow: one it refuses is a conflict. */
async function inWorkflow(handoff: Handoff, update: () => Promise<LeadSnapshot>): Promise<LeadSnapshot> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw conflict(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw notFound(`The workflow of lead ${handoff.leadId}`);
    throw err;
  }
}

/** The reason the lead's stage history gave when this handoff made it an MQL: the last qualification at or before the handoff. */
function whyQualified(lead: QueueLead, handoff: Handoff): string | undefined {
  return lead.stageHistory.findLast((change) => change.stage === 'mql' && change.at <= handoff.createdAt)?.reason;
}
