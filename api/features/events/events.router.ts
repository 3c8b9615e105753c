import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { leadEventSchema } from './events.schemas';
import { ingestEvent } from './events.service';

export function eventsRouter(temporal: Client, events: EventRepository): Router {
  const router = Router();
  router.post(
    '/events',
    handle({ body: leadEventSchema }, async ({ body }) => ({ status: 202, body: await ingestEvent(temporal, events, body) })),
  );
  return router;
}
