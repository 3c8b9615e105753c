import { Router } from 'express';
import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { notFound } from '../../http/errors';
import { handle } from '../../http/handler';

export function modelsRouter(models: ModelVersionRepository, modelId: string): Router {
  const router = Router();
  // The version live events are scored with: graph for the editor, compiled rules for review.
  router.get(
    '/models/current',
    handle({}, async () => {
      const current = await models.latest(modelId);
      if (!current) throw notFound(`A published version of model ${modelId}`);
      return { body: current };
    }),
  );
  return router;
}
