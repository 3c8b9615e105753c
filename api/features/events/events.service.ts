import { ServiceError, type Client } from '@temporalio/client';
import { HttpError } from '../../http/errors';
import type { LeadEvent } from '../../../engine/types';
import { leadEventSignal, leadWorkflowId, TASK_QUEUE } from '../../../workflows/lead.definitions';
import type { leadWorkflow } from '../../../workflows/lead.workflow';
import type { EventRepository } from '../../db/events.repository';
import type { LeadEventInput } from './events.schemas';

/**
 * Records an event (for rescoring) and delivers it to its lead's workflow, starting the workflow
 * for a new lead. Both steps ignore an event id they have seen, so a client may safely retry,
 * and a retry after a failed delivery still delivers.
 */
export async function ingestEvent(
  temporal: Client,
  events: EventRepository,
  input: LeadEventInput,
): Promise<{ eventId: string; leadId: string; status: 'accepted' | 'duplicate' }> {
  const event: LeadEvent = { ...input, occurredAt: new Date(input.occurredAt).toISOString() };
  const { duplicate } = await events.record(event);
  try {
    await temporal.workflow.signalWithStart<typeof leadWorkflow, [LeadEvent]>('leadWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: leadWorkflowId(event.leadId),
      args: [{ leadId: event.leadId }],
      signal: leadEventSignal,
      signalArgs: [event],
    });
  } catch (err) {
    // A lead flooded with events is switching to a fresh run: nothing was recorded, retry shortly.
    if (err instanceof ServiceError && /limit for signal/.test(String(err.cause?.message ?? err.message))) {
      throw new HttpError(503, 'lead_busy', `Lead ${event.leadId} is taking in a burst of events; retry this event in a few seconds`);
    }
    throw err;
  }
  return { eventId: event.eventId, leadId: event.leadId, status: duplicate ? 'duplicate' : 'accepted' };
}
