import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { RejectReason } from '../../../engine/types';
import { leadWorkflowId, salesDecisionUpdate, type LeadSnapshot } from '../../../workflows/lead.definitions';
import type { LeadRepository } from '../../db/leads.repository';
import type { Caller } from '../../auth/roles';
import { canSeeHandoff } from '../../auth/sales-scope';
import { conflict, HttpError, notFound } from '../../http/errors';

export type Decision = { decision: 'accept' | 'qualify'; note?: string } | { decision: 'reject'; reason: RejectReason; note?: string };

/**
 * Sends sales' answer to the lead's workflow and returns the lead as it is afterwards. The
 * Sales keys may answer only their own queues' handoffs. The
 * workflow is the judge (the read side may lag a moment): it refuses an answer the lead cannot
 * take, such as a second acceptance, with 409, and nothing changes.
 */
export async function decideHandoff(temporal: Client, leads: LeadRepository, caller: Caller | undefined, handoffId: string, decision: Decision): Promise<LeadSnapshot> {
  const handoff = await leads.getHandoff(handoffId);
  if (!handoff) throw notFound(`Handoff ${handoffId}`);
  if (!canSeeHandoff(caller, handoff)) throw new HttpError(403, 'forbidden', `Handoff ${handoffId} is in queue ${handoff.queue}${handoff.owner ? ` for ${handoff.owner}` : ''}, not yours`);
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
