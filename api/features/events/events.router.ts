import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { eventsOperations as ops, leadEventSchemaFor, type EventClock } from '../../contracts/events.contract';
import { ingestBatch, ingestEvent } from './events.service';
import type { FirstLives } from './first-lives';
import { leadsIn, type IngestGate } from './ingest-gate';

export function eventsRouter(temporal: Client, events: EventRepository, clock: EventClock, gate: IngestGate, firstLives?: FirstLives): DocumentedRouter {
  const router = documentedRouter();
  const eventSchema = leadEventSchemaFor(clock);
  router.serve(
    // The event's time is checked against this API's clock.
    handle(
      { ...ops.sendEvent, body: eventSchema },
      async ({ body }) => ({ status: 202, body: await gate.run(1, () => ingestEvent(temporal, events, body, firstLives)) }),
    ),
  );
  router.serve(
    handle(
      ops.sendEventBatch,
      // One delivery per lead the batch carries events for.
      async ({ body }) => ({ status: 202, body: await gate.run(leadsIn(body.events), () => ingestBatch(temporal, events, body.events, eventSchema, firstLives)) }),
    ),
  );
  return router;
}
