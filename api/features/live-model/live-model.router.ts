import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { liveModelResponse, setLiveModelBody } from './live-model.schemas';
import { getLiveModel, setLiveModel, type LiveModelDeps } from './live-model.service';

/** Which model scores events: read it, and switch it. `switched` runs after a switch (a reader's cache forgets). */
export function liveModelRouter(deps: LiveModelDeps, switched: () => void): DocumentedRouter {
  const router = documentedRouter();
  router.get('/live-model', handle({ summary: 'The live model: the model whose newest published version scores every new event', response: liveModelResponse }, async () => ({ body: await getLiveModel(deps) })));
  router.put(
    '/live-model',
    handle(
      {
        summary: 'Make a model the live one: its newest published version scores every new event from the next turn of each lead (within about two seconds); audited',
        body: setLiveModelBody,
        response: liveModelResponse,
        errors: { 404: 'No model has this id', 409: 'The model has no published version', 422: 'The newest version of the model cannot score events' },
      },
      async ({ body, actor }) => {
        const live = await setLiveModel(deps, body.modelId, actor);
        switched();
        return { body: live };
      },
    ),
  );
  return router;
}
