import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { liveModelOperations as ops } from '../../contracts/live-model.contract';
import { getLiveModel, setLiveModel, type LiveModelDeps } from './live-model.service';

/** Which model scores events: read it, and switch it. `switched` runs after a switch (a reader's cache forgets). */
export function liveModelRouter(deps: LiveModelDeps, switched: () => void): DocumentedRouter {
  const router = documentedRouter();
  router.serve(handle(ops.getLiveModel, async () => ({ body: await getLiveModel(deps) })));
  router.serve(
    handle(
      ops.setLiveModel,
      async ({ body, actor }) => {
        const live = await setLiveModel(deps, body.modelId, actor);
        switched();
        return { body: live };
      },
    ),
  );
  return router;
}
