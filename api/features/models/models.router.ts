import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { modelsOperations as ops } from '../../contracts/models.contract';
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
  router.serve(handle(ops.getCurrentModel, async () => ({ body: await found(versions, await liveModelId()) })));

  router.serve(handle(ops.listModels, async () => ({ body: { models: (await models.list()).map(({ draft, ...model }) => ({ ...model, draftRevision: draft.revision, draftUpdatedAt: draft.updatedAt })) } })));
  router.serve(handle(ops.createModel, async ({ body, actor }) => ({ status: 201, body: await createModel(deps, body, actor) })));
  router.serve(handle(ops.getModel, async ({ params }) => ({ body: await getModel(deps, params.modelId) })));
  router.serve(handle(ops.saveDraft, async ({ params, body, actor }) => ({ body: await saveDraft(deps, params.modelId, body, actor) })),
  );
  router.serve(handle(ops.validateGraph, async ({ params, body }) => ({ body: await validateModel(deps, params.modelId, body.graph) })));
  router.serve(handle(ops.compileGraph, async ({ params, body }) => ({ body: await compilePreview(deps, params.modelId, body.graph) })));
  router.serve(handle(ops.publishDraft, async ({ params, body, actor }) => ({ status: 201, body: await publish(deps, params.modelId, body, actor) })),
  );
  router.serve(handle(ops.rollbackModel, async ({ params, body, actor }) => ({ status: 201, body: await rollback(deps, params.modelId, body, actor) })),
  );
  router.serve(handle(ops.listModelVersions, async ({ params }) => ({ body: { versions: await versions.list(params.modelId) } })));
  router.serve(handle(ops.getModelVersion, async ({ params }) => {
      const version = await versions.get(params.modelId, params.version);
      if (!version) throw notFound(`Version ${params.version} of model ${params.modelId}`);
      return { body: version };
    }),
  );
  router.serve(handle(ops.diffModelVersions, async ({ params, query }) => ({ body: await diffVersions(deps, params.modelId, query.from, query.to) })));
  router.serve(handle(ops.getModelAudit, async ({ params }) => ({ body: { entries: await audit.forModel(params.modelId, 1000) } })));
  return router;
}

async function found(versions: ModelVersionRepository, modelId: string) {
  const current = await versions.latest(modelId);
  if (!current) throw notFound(`A published version of model ${modelId}`);
  return current;
}
