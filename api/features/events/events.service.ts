import { ServiceError, type Client } from '@temporalio/client';
import { HttpError } from '../../http/errors';
import type { LeadEvent } from '../../../engine/types';
import { LEAD_CODE, leadEventsSignal, leadWorkflowId, TASK_QUEUE, type DeliveryStamp } from '../../../workflows/lead.definitions';
import type { leadWorkflow } from '../../../workflows/lead.workflow';
import type { EventRepository } from '../../db/events.repository';
import type { BatchItemResult, BatchResult, LeadEventInput, LeadEventSchema } from '../../contracts/events.contract';
import type { FirstLives } from './first-lives';

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
  firstLives?: FirstLives,
): Promise<{ eventId: string; leadId: string; status: 'accepted' | 'duplicate' }> {
  const { event, duplicate } = await recordEvent(events, input);
  await deliverToLead(temporal, event.leadId, [event], firstLives);
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
async function deliverToLead(temporal: Client, leadId: string, batch: LeadEvent[], firstLives?: FirstLives): Promise<void> {
  await firstLives?.beforeDelivery(leadId);
  // What the API knows of the live model travels with the events: the lead's turn need not ask.
  const stamp = await firstLives?.stamp();
  try {
    await temporal.workflow.signalWithStart<typeof leadWorkflow, [LeadEvent[], DeliveryStamp?]>('leadWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: leadWorkflowId(leadId),
      args: [{ leadId, code: LEAD_CODE }],
      signal: leadEventsSignal,
      signalArgs: stamp ? [batch, stamp] : [batch],
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
 * order sent, in one signal per lead. The batch is stored in bulk (a command per few dozen
 * events), not event by event. An event whose id belongs to another lead (stored, or earlier in
 * the batch) is rejected with code `conflict`, as a single event would get 409. Leads LeadFlow
 * has never seen are started in bulk with all their events (`firstLives`, first-lives.ts)
 * instead of one workflow turn each.
 *
 * @param schema the event schema of the API (its clock and future skew)
 */
export async function ingestBatch(temporal: Client, events: EventRepository, items: unknown[], schema: LeadEventSchema, firstLives?: FirstLives): Promise<BatchResult> {
  const results: BatchItemResult[] = new Array(items.length);
  const parsed = items.map((item) => schema.safeParse(item));
  // Within a batch the first valid copy of an event id counts; its lead's later copies are
  // duplicates, not deliveries, and other leads' copies are refused.
  const firstIndex = new Map<string, number>();
  parsed.forEach((item, index) => {
    if (item.success) {
      if (!firstIndex.has(item.data.eventId)) firstIndex.set(item.data.eventId, index);
      return;
    }
    const fields = item.error.issues.map((issue) => ({ path: ['events', index, ...issue.path.map(String)].join('.'), message: issue.message }));
    results[index] = { index, status: 'rejected', code: 'invalid_request', reason: fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields };
  });
  const receivedAt = new Date().toISOString();
  const firsts = [...firstIndex.values()];
  const batch = firsts.map((index): LeadEvent => {
    const input = parsed[index]!.data as LeadEventInput;
    return { ...input, occurredAt: new Date(input.occurredAt).toISOString(), receivedAt };
  });
  let recorded: Awaited<ReturnType<EventRepository['recordMany']>>;
  try {
    recorded = await events.recordMany(batch);
  } catch (err) {
    // Nothing is known to be stored: every valid event failed, and a retry is safe.
    parsed.forEach((item, index) => {
      if (item.success) results[index] = { index, eventId: item.data.eventId, status: 'failed', reason: (err as Error).message };
    });
    return summary(results);
  }
  /** The lead each event id now belongs to. */
  const holders = new Map<string, string>();
  const deliverable: Array<{ index: number; event: LeadEvent }> = [];
  firsts.forEach((index, k) => {
    const event = batch[k] as LeadEvent;
    const { duplicate, heldBy } = recorded[k] as { duplicate: boolean; heldBy?: string };
    holders.set(event.eventId, heldBy ?? event.leadId);
    if (heldBy !== undefined) {
      results[index] = conflictResult(index, event.eventId, eventIdConflict(event, heldBy));
      return;
    }
    results[index] = { index, eventId: event.eventId, status: duplicate ? 'duplicate' : 'accepted' };
    // A stored duplicate is delivered again: a retry after a failed delivery still delivers.
    deliverable.push({ index, event });
  });
  const delivering = new Set(deliverable.map(({ event }) => event.eventId));
  parsed.forEach((item, index) => {
    if (!item.success || firstIndex.get(item.data.eventId) === index) return;
    const { eventId, leadId } = item.data;
    const holder = holders.get(eventId) as string;
    if (holder !== leadId) {
      results[index] = conflictResult(index, eventId, eventIdConflict(item.data, holder));
      return;
    }
    results[index] = { index, eventId, status: 'duplicate' };
    // The holder's own copy after another lead's refused one: a retry, delivered as a single event would be.
    if (!delivering.has(eventId)) {
      delivering.add(eventId);
      deliverable.push({ index, event: { ...item.data, occurredAt: new Date(item.data.occurredAt).toISOString(), receivedAt } });
    }
  });
  deliverable.sort((a, b) => a.index - b.index);
  // One lead's events go in the order they were sent, in one signal; different leads side by side.
  const byLead = new Map<string, Array<{ index: number; event: LeadEvent }>>();
  for (const item of deliverable) {
    const group = byLead.get(item.event.leadId);
    if (group) group.push(item);
    else byLead.set(item.event.leadId, [item]);
  }
  let groups = [...byLead.values()];
  if (firstLives) {
    try {
      const started = await firstLives.start(groups.map((group) => ({ leadId: (group[0] as { event: LeadEvent }).event.leadId, events: group.map((d) => d.event) })));
      groups = groups.filter((group) => !started.has((group[0] as { event: LeadEvent }).event.leadId));
    } catch {
      // Not all started: every lead's signal below starts or repeats (a repeat has no effect).
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++] as Array<{ index: number; event: LeadEvent }>;
      try {
        await deliverToLead(temporal, (group[0] as { event: LeadEvent }).event.leadId, group.map((d) => d.event), firstLives);
      } catch (err) {
        for (const { index, event } of group) results[index] = { index, eventId: event.eventId, status: 'failed', reason: (err as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, groups.length) }, worker));
  return summary(results);
}

function summary(results: BatchItemResult[]): BatchResult {
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
