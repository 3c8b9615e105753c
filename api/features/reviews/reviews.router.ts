import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { publishThresholds, type ModelDeps } from '../models/models.service';
import { reviewQuery, saveThresholdsBody, whatIfBody } from './reviews.schemas';
import { listThresholds, whatIf } from './reviews.service';

export function reviewsRouter(deps: ModelDeps, leads: LeadRepository, liveModelId: () => Promise<string>): DocumentedRouter {
  const router = documentedRouter();
  router.get(
    '/reviews/thresholds',
    handle({ summary: "The thresholds of a model's latest version, per segment", query: reviewQuery }, async ({ query }) => ({ body: await listThresholds(deps, query.modelId ?? (await liveModelId())) })),
  );
  router.post(
    '/reviews/what-if',
    handle({ summary: 'What a proposed threshold value would do: leads at or above it now, and conversion and acceptance by score band', body: whatIfBody }, async ({ body }) => ({
      body: await whatIf(deps, leads, body.modelId ?? (await liveModelId()), body),
    })),
  );
  router.put(
    '/reviews/thresholds',
    handle({ summary: 'Save reviewed thresholds as a new model version (409 when another was published since)', status: 201, body: saveThresholdsBody }, async ({ body, actor }) => ({
      status: 201,
      body: await publishThresholds(deps, body.modelId ?? (await liveModelId()), body, actor),
    })),
  );
  return router;
}
