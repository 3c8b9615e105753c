import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { batchResultSchema, eventBatchSchema, leadEventSchemaFor, type EventClock } from './events.schemas';
import { ingestBatch, ingestEvent } from './events.service';
import type { FirstLives } from './first-lives';
import { leadsIn, type IngestGate } from './ingest-gate';

export function eventsRouter(temporal: Client, events: EventRepository, clock: EventClock, gate: IngestGate, firstLives?: FirstLives): DocumentedRouter {
  const router = documentedRouter();
  const eventSchema = leadEventSchemaFor(clock);
  router.post(
    '/events',
    handle(
      {
        summary: 'Send one lead event (idempotent by eventId)',
        status: 202,
        body: eventSchema,
        errors: {
          400: 'A field is invalid (each named), e.g. a crm_outcome without a known outcome, or occurredAt in the future; nothing was applied',
          409: 'The eventId already belongs to another lead (named); nothing was applied',
          503: 'LeadFlow is behind on delivering events (code overloaded, with Retry-After), or the lead is taking in a burst of events (code lead_busy); nothing was applied: retry',
        },
      },
      async ({ body }) => ({ status: 202, body: await gate.run(1, () => ingestEvent(temporal, events, body, firstLives)) }),
    ),
  );
  router.post(
    '/events/batch',
    handle(
      {
        summary: 'Send up to 1,000 events; a result per event (a bad one is rejected with its reasons, the others go in)',
        status: 202,
        body: eventBatchSchema,
        response: batchResultSchema,
        errors: {
          400: 'The batch itself is malformed (no events, too many); nothing was applied',
          503: 'LeadFlow is behind on delivering events (code overloaded, with Retry-After); nothing of the batch was applied: retry',
        },
      },
      // One delivery per lead the batch carries events for.
      async ({ body }) => ({ status: 202, body: await gate.run(leadsIn(body.events), () => ingestBatch(temporal, events, body.events, eventSchema, firstLives)) }),
    ),
  );
  return router;
}
