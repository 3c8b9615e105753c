import { ServiceError, type Client } from '@temporalio/client';
import { HttpError } from '../../http/errors';
import type { LeadEvent } from '../../../engine/types';
import { leadEventsSignal, leadWorkflowId, TASK_QUEUE } from '../../../workflows/lead.definitions';
import type { leadWorkflow } from '../../../workflows/lead.workflow';
import type { EventRepository } from '../../db/events.repository';
import type { BatchItemResult, BatchResult, LeadEventInput, LeadEventSchema } from './events.schemas';

/**
 * Records an event (for rescoring) and delivers it to its lead's workflow, starting the workflow
 * for a new lead. Both steps ignore an event id they have seen, so a client may safely retry,
 * and a retry after a failed delivery still delivers.
 *
 * @throws HttpError 409 `conflict` when the event id is already stored for another lead: the
 *   event is neither stored nor delivered, and no lead is started for it.
 */
export async function ingestEvent(
  temporal: Client,
  events: EventRepository,
  input: LeadEventInput,
): Promise<{ eventId: string; leadId: string; status: 'accepted' | 'duplicate' }> {
  const { event, duplicate } = await recordEvent(events, input);
  await deliverToLead(temporal, event.leadId, [event]);
  return { eventId: event.eventId, leadId: event.leadId, status: duplicate ? 'duplicate' : 'accepted' };
}

/**
 * Stores an event (for rescoring and the lead's input log) unless its id is known.
 *
 * @throws HttpError 409 `conflict` when the id is stored for another lead: nothing is stored.
 */
async function recordEvent(events: EventRepository, input: LeadEventInput): Promise<{ event: LeadEvent; duplicate: boolean }> {
  const event: LeadEvent = { ...input, occurredAt: new Date(input.occurredAt).toISOString(), receivedAt: new Date().toISOString() };
  const { duplicate, heldBy } = await events.record(event);
  if (heldBy !== undefined) throw eventIdConflict(event, heldBy);
  return { event, duplicate };
}

/**
 * Delivers one lead's events, in order, in one signal (starting the workflow for a new lead). A
 * repeat is harmless: the workflow ignores event ids it has.
 *
 * @throws HttpError 503 `lead_busy` when a lead flooded with events is switching to a fresh run.
 */
async function deliverToLead(temporal: Client, leadId: string, batch: LeadEvent[]): Promise<void> {
  try {
    await temporal.workflow.signalWithStart<typeof leadWorkflow, [LeadEvent[]]>('leadWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: leadWorkflowId(leadId),
      args: [{ leadId }],
      signal: leadEventsSignal,
      signalArgs: [batch],
    });
  } catch (err) {
    // Nothing was delivered: a retry of the same events is safe.
    if (err instanceof ServiceError && /limit for signal/.test(String(err.cause?.message ?? err.message))) {
      throw new HttpError(503, 'lead_busy', `Lead ${leadId} is taking in a burst of events; retry in a few seconds`);
    }
    throw err;
  }
}

/** How many deliveries a batch runs at once: enough to overlap round trips, not to flood Temporal. */
const BATCH_CONCURRENCY = 16;

/**
 * Ingests each event of a batch on its own: invalid ones are rejected with their reasons, the
 * others are delivered exactly as single events are (idempotent by event id), each lead's in the
 * order sent. An event whose id belongs to another lead (stored, or earlier in the batch) is
 * rejected with code `conflict`, as a single event would get 409.
 *
 * @param schema the event schema of the API (its clock and future skew)
 */
export async function ingestBatch(temporal: Client, events: EventRepository, items: unknown[], schema: LeadEventSchema): Promise<BatchResult> {
  const results: BatchItemResult[] = new Array(items.length);
  const parsed = items.map((item) => schema.safeParse(item));
  // Within a batch the first valid copy of an event id counts; its lead's later copies are
  // duplicates, not deliveries, and other leads' copies are refused.
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
  // A lead's events are recorded one by one, then delivered together, in order, in one signal.
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++] as number[];
      const deliverable: Array<{ index: number; event: LeadEvent }> = [];
      for (const index of group) {
        const event = await record(index);
        if (event) deliverable.push({ index, event });
      }
      if (deliverable.length === 0) continue;
      try {
        await deliverToLead(temporal, (deliverable[0] as { event: LeadEvent }).event.leadId, deliverable.map((d) => d.event));
      } catch (err) {
        for (const { index, event } of deliverable) results[index] = { index, eventId: event.eventId, status: 'failed', reason: (err as Error).message };
      }
    }
  };
  /** Records item `index` and sets its result; returns its event when it is to be delivered. */
  const record = async (index: number): Promise<LeadEvent | undefined> => {
    const item = parsed[index]!;
    if (!item.success) {
      const fields = item.error.issues.map((issue) => ({ path: ['events', index, ...issue.path.map(String)].join('.'), message: issue.message }));
      results[index] = { index, status: 'rejected', code: 'invalid_request', reason: fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields };
      return;
    }
    const { eventId, leadId } = item.data;
    const first = firstIndex.get(eventId) as number;
    if (first !== index) {
      const firstLead = (parsed[first]!.data as LeadEventInput).leadId;
      const earlier = results[first];
      if (firstLead === leadId) {
        // One lead's copies run in order, so the first copy's answer is known: a refused id stays refused.
        if (earlier?.code === 'conflict') results[index] = { ...earlier, index, fields: (earlier.fields ?? []).map((f) => ({ ...f, path: `events.${index}.eventId` })) };
        else results[index] = { index, eventId, status: 'duplicate' };
        return undefined;
      }
      // Another lead's copy must not take the id from the first copy (their deliveries run side by
      // side), so it only looks: unless the id is already its own lead's, it is refused.
      const holder = await events.holderOf(eventId);
      if (holder !== leadId) {
        // Not stored yet: the first copy's lead takes it.
        results[index] = conflictResult(index, eventId, eventIdConflict(item.data, holder ?? firstLead));
        return undefined;
      }
    }
    try {
      const { event, duplicate } = await recordEvent(events, item.data);
      results[index] = { index, eventId, status: duplicate ? 'duplicate' : 'accepted' };
      return event;
    } catch (err) {
      if (err instanceof HttpError && err.code === 'conflict') results[index] = conflictResult(index, eventId, err);
      else results[index] = { index, eventId, status: 'failed', reason: (err as Error).message };
      return undefined;
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, groups.length) }, worker));
  const count = (status: BatchItemResult['status']) => results.filter((r) => r.status === status).length;
  return { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), failed: count('failed'), results };
}

/**
 * The answer to an event whose id another lead already holds: applying it would either drop it
 * as that lead's duplicate or store one id for two events, so it is refused, naming that lead.
 */
function eventIdConflict(event: { eventId: string; leadId: string }, heldBy: string): HttpError {
  const field = `already belongs to lead ${heldBy}`;
  return new HttpError(409, 'conflict', `Event id ${event.eventId} ${field}; this event of lead ${event.leadId} was not applied: send it with an id of its own`, [{ path: 'body.eventId', message: field }]);
}

function conflictResult(index: number, eventId: string, error: HttpError): BatchItemResult {
  const fields = (error.fields ?? []).map((f) => ({ path: `events.${index}.eventId`, message: f.message }));
  return { index, eventId, status: 'rejected', code: 'conflict', reason: error.message, fields };
}
