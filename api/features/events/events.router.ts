import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { eventBatchSchema, leadEventSchema } from './events.schemas';
import { ingestBatch, ingestEvent } from './events.service';

export function eventsRouter(temporal: Client, events: EventRepository): DocumentedRouter {
  const router = documentedRouter();
  router.post(
    '/events',
    handle({ summary: 'Send one lead event (idempotent by eventId)', status: 202, body: leadEventSchema }, async ({ body }) => ({ status: 202, body: await ingestEvent(temporal, events, body) })),
  );
  router.post(
    '/events/batch',
    handle({ summary: 'Send up to 1,000 events; a result per event', status: 202, body: eventBatchSchema }, async ({ body }) => ({ status: 202, body: await ingestBatch(temporal, events, body.events) })),
  );
  return router;
}
