import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { createModelBody, diffQuery, graphBody, modelParams, publishBody, rollbackBody, saveDraftBody, versionParams } from './models.schemas';
import {
  compilePreview,
  createModel,
  diffVersions,
  getModel,
  publish,
  rollback,
  saveDraft,
  validateModel,
  type ModelDeps,
} from './models.service';

export function modelsRouter(deps: ModelDeps, liveModelId: () => Promise<string>): DocumentedRouter {
  const router = documentedRouter();
  const { models, versions, audit } = deps;

  // The version live events are scored with: graph for the editor, compiled rules for review.
  router.get('/models/current', handle({ summary: 'The model version live events are scored with' }, async () => ({ body: await found(versions, await liveModelId()) })));

  router.get('/models', handle({ summary: 'Scoring models' }, async () => ({ body: { models: (await models.list()).map(({ draft, ...model }) => ({ ...model, draftRevision: draft.revision, draftUpdatedAt: draft.updatedAt })) } })));
  router.post('/models', handle({ summary: 'Create a model from a template or a graph', status: 201, body: createModelBody }, async ({ body, actor }) => ({ status: 201, body: await createModel(deps, body, actor) })));
  router.get('/models/:modelId', handle({ summary: 'A model with its draft, issues and versions', params: modelParams }, async ({ params }) => ({ body: await getModel(deps, params.modelId) })));
  router.put(
    '/models/:modelId/draft',
    handle({ summary: 'Save the draft (409 when stale)', params: modelParams, body: saveDraftBody }, async ({ params, body, actor }) => ({ body: await saveDraft(deps, params.modelId, body, actor) })),
  );
  router.post('/models/:modelId/validate', handle({ summary: 'Issues of a graph or the draft', params: modelParams, body: graphBody }, async ({ params, body }) => ({ body: await validateModel(deps, params.modelId, body.graph) })));
  router.post('/models/:modelId/compile', handle({ summary: 'Compiled rules of a graph or the draft', params: modelParams, body: graphBody }, async ({ params, body }) => ({ body: await compilePreview(deps, params.modelId, body.graph) })));
  router.post(
    '/models/:modelId/publish',
    handle({ summary: 'Publish the draft as the next version', status: 201, params: modelParams, body: publishBody }, async ({ params, body, actor }) => ({ status: 201, body: await publish(deps, params.modelId, body, actor) })),
  );
  router.post(
    '/models/:modelId/rollback',
    handle({ summary: "Publish an earlier version's graph again", status: 201, params: modelParams, body: rollbackBody }, async ({ params, body, actor }) => ({ status: 201, body: await rollback(deps, params.modelId, body, actor) })),
  );
  router.get('/models/:modelId/versions', handle({ summary: 'Published versions, newest first', params: modelParams }, async ({ params }) => ({ body: { versions: await versions.list(params.modelId) } })));
  router.get(
    '/models/:modelId/versions/:version',
    handle({ summary: 'One published version', params: versionParams }, async ({ params }) => {
      const version = await versions.get(params.modelId, params.version);
      if (!version) throw notFound(`Version ${params.version} of model ${params.modelId}`);
      return { body: version };
    }),
  );
  router.get('/models/:modelId/diff', handle({ summary: 'What changed between two versions', params: modelParams, query: diffQuery }, async ({ params, query }) => ({ body: await diffVersions(deps, params.modelId, query.from, query.to) })));
  router.get('/models/:modelId/audit', handle({ summary: 'Who changed what, when', params: modelParams }, async ({ params }) => ({ body: { entries: await audit.forModel(params.modelId, 1000) } })));
  return router;
}

async function found(versions: ModelVersionRepository, modelId: string) {
  const current = await versions.latest(modelId);
  if (!current) throw notFound(`A published version of model ${modelId}`);
  return current;
}
