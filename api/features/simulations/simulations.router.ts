import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { modelParams } from '../models/models.schemas';
import { simulateBody } from './simulations.schemas';
import { simulate, type SimulationDeps } from './simulations.service';

export function simulationsRouter(deps: SimulationDeps): DocumentedRouter {
  const router = documentedRouter();
  router.post(
    '/models/:modelId/simulate',
    handle(
      { summary: "Run a made-up lead's timeline, or a real lead's whole input log (events, sales answers) up to now, through the draft (or a given graph): score over time, rules fired, decay, stage changes; nothing is stored", params: modelParams, body: simulateBody },
      async ({ params, body }) => ({ body: await simulate(deps, params.modelId, body) }),
    ),
  );
  return router;
}
