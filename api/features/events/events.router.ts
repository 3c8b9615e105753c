import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { batchResultSchema, eventBatchSchema, leadEventSchemaFor, type EventClock } from './events.schemas';
import { ingestBatch, ingestEvent } from './events.service';

export function eventsRouter(temporal: Client, events: EventRepository, clock: EventClock): DocumentedRouter {
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
          503: 'The lead is taking in a burst of events; retry',
        },
      },
      async ({ body }) => ({ status: 202, body: await ingestEvent(temporal, events, body) }),
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
        errors: { 400: 'The batch itself is malformed (no events, too many); nothing was applied' },
      },
      async ({ body }) => ({ status: 202, body: await ingestBatch(temporal, events, body.events, eventSchema) }),
    ),
  );
  return router;
}
