import type { EventRepository } from '../../db/events.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import type { ModelDeps } from '../models/models.service';
import { modelParams } from '../models/models.schemas';
import { simulateBody } from './simulations.schemas';
import { simulate } from './simulations.service';

export function simulationsRouter(deps: ModelDeps & { events: EventRepository }): DocumentedRouter {
  const router = documentedRouter();
  router.post(
    '/models/:modelId/simulate',
    handle(
      { summary: "Run a made-up lead's timeline, or a real lead's stored events, through the draft (or a given graph): score over time, rules fired, decay, stage changes; nothing is stored", params: modelParams, body: simulateBody },
      async ({ params, body }) => ({ body: await simulate(deps, params.modelId, body) }),
    ),
  );
  return router;
}
