import { ServiceError, type Client } from '@temporalio/client';
import { HttpError } from '../../http/errors';
import type { LeadEvent } from '../../../engine/types';
import { leadEventSignal, leadWorkflowId, TASK_QUEUE } from '../../../workflows/lead.definitions';
import type { leadWorkflow } from '../../../workflows/lead.workflow';
import type { EventRepository } from '../../db/events.repository';
import { leadEventSchema, type LeadEventInput } from './events.schemas';

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

export interface BatchItemResult {
  index: number;
  eventId?: string;
  status: 'accepted' | 'duplicate' | 'rejected' | 'failed';
  /** For rejected items: what is wrong, by field. For failed ones: why it could not be delivered (retry it). */
  reason?: string;
  fields?: Array<{ path: string; message: string }>;
}

/** How many deliveries a batch runs at once: enough to overlap round trips, not to flood Temporal. */
const BATCH_CONCURRENCY = 16;

/**
 * Ingests each event of a batch on its own: invalid ones are rejected with their reasons, the
 * others are delivered exactly as single events are (idempotent by event id), each lead's in the
 * order sent.
 */
export async function ingestBatch(temporal: Client, events: EventRepository, items: unknown[]) {
  const results: BatchItemResult[] = new Array(items.length);
  const parsed = items.map((item) => leadEventSchema.safeParse(item));
  // Within a batch the first valid copy of an event id counts; later copies are duplicates, not deliveries.
  const firstIndex = new Map<string, number>();
  parsed.forEach((result, index) => {
    if (result.success && !firstIndex.has(result.data.eventId)) firstIndex.set(result.data.eventId, index);
  });
  // One lead's events go in the order they were sent (its workflow applies them in arrival
  // order); different leads go side by side.
  const byLead = new Map<string, number[]>();
  parsed.forEach((item, index) => {
    const key = item.success ? item.data.leadId : `\u0000invalid:${index}`;
    const group = byLead.get(key);
    if (group) group.push(index);
    else byLead.set(key, [index]);
  });
  const groups = [...byLead.values()];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      for (const index of groups[next++] as number[]) await deliver(index);
    }
  };
  const deliver = async (index: number) => {
    const item = parsed[index]!;
    if (!item.success) {
      const fields = item.error.issues.map((issue) => ({ path: ['events', index, ...issue.path.map(String)].join('.'), message: issue.message }));
      results[index] = { index, status: 'rejected', reason: fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields };
      return;
    }
    if (firstIndex.get(item.data.eventId) !== index) {
      results[index] = { index, eventId: item.data.eventId, status: 'duplicate' };
      return;
    }
    try {
      const { status } = await ingestEvent(temporal, events, item.data);
      results[index] = { index, eventId: item.data.eventId, status };
    } catch (err) {
      results[index] = { index, eventId: item.data.eventId, status: 'failed', reason: (err as Error).message };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, groups.length) }, worker));
  const count = (status: BatchItemResult['status']) => results.filter((r) => r.status === status).length;
  return { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), failed: count('failed'), results };
}
