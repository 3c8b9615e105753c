import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { handle } from '../../http/handler';
import { leadEventSchema } from './events.schemas';
import { ingestEvent } from './events.service';

export function eventsRouter(temporal: Client): Router {
  const router = Router();
  router.post(
    '/events',
    handle({ body: leadEventSchema }, async ({ body }) => ({ status: 202, body: await ingestEvent(temporal, body) })),
  );
  return router;
}
