import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { simulationsOperations as ops } from '../../contracts/simulations.contract';
import { simulate, type SimulationDeps } from './simulations.service';

export function simulationsRouter(deps: SimulationDeps): DocumentedRouter {
  const router = documentedRouter();
  router.serve(
    handle(
      ops.simulate,
      async ({ params, body }) => ({ body: await simulate(deps, params.modelId, body) }),
    ),
  );
  return router;
}
