import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { RejectReason } from '../../../engine/types';
import { leadWorkflowId, salesDecisionUpdate, type LeadSnapshot } from '../../../workflows/lead.definitions';
import type { LeadRepository } from '../../db/leads.repository';
import { conflict, notFound } from '../../http/errors';

export type Decision = { decision: 'accept'; note?: string } | { decision: 'reject'; reason: RejectReason; note?: string };

/**
 * Sends sales' answer to the lead's workflow and returns the lead as it is afterwards.
 * The workflow refuses an answer to a handoff that is not pending (409): nothing changes.
 */
export async function decideHandoff(temporal: Client, leads: LeadRepository, handoffId: string, decision: Decision): Promise<LeadSnapshot> {
  const handoff = await leads.getHandoff(handoffId);
  if (!handoff) throw notFound(`Handoff ${handoffId}`);
  if (handoff.status !== 'pending') throw conflict(`Handoff ${handoffId} was already ${handoff.status}`);
  try {
    return await temporal.workflow
      .getHandle(leadWorkflowId(handoff.leadId))
      .executeUpdate(salesDecisionUpdate, { args: [{ handoffId, ...decision }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw conflict(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw notFound(`The workflow of lead ${handoff.leadId}`);
    throw err;
  }
}
