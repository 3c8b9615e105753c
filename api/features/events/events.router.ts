import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { eventBatchSchema, leadEventSchema } from './events.schemas';
import { ingestBatch, ingestEvent } from './events.service';

export function eventsRouter(temporal: Client, events: EventRepository): Router {
  const router = Router();
  router.post(
    '/events',
    handle({ body: leadEventSchema }, async ({ body }) => ({ status: 202, body: await ingestEvent(temporal, events, body) })),
  );
  router.post(
    '/events/batch',
    handle({ body: eventBatchSchema }, async ({ body }) => ({ status: 202, body: await ingestBatch(temporal, events, body.events) })),
  );
  return router;
}
