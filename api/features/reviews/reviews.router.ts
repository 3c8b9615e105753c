import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { publishThresholds, type ModelDeps } from '../models/models.service';
import { reviewsOperations as ops } from '../../contracts/reviews.contract';
import { listThresholds, whatIf } from './reviews.service';

export function reviewsRouter(deps: ModelDeps, leads: LeadRepository, liveModelId: () => Promise<string>): DocumentedRouter {
  const router = documentedRouter();
  router.serve(
    handle(ops.listThresholds, async ({ query }) => ({ body: await listThresholds(deps, query.modelId ?? (await liveModelId())) })),
  );
  router.serve(
    handle(ops.whatIf, async ({ body }) => ({
      body: await whatIf(deps, leads, body.modelId ?? (await liveModelId()), body),
    })),
  );
  router.serve(
    handle(ops.saveThresholds, async ({ body, actor }) => ({
      status: 201,
      body: await publishThresholds(deps, body.modelId ?? (await liveModelId()), body, actor),
    })),
  );
  return router;
}
