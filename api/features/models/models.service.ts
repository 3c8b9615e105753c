import { compileGraph } from '../../../rules/compile-graph';
import { defaultModelGraph } from '../../../rules/templates/default-model';
import type { ModelVersionRecord, ModelVersionRepository } from '../../db/model-versions.repository';

/** Publishes the default model from rules/templates as version 1 of `modelId` unless it has versions. */
export async function ensureDefaultModel(models: ModelVersionRepository, modelId: string): Promise<ModelVersionRecord> {
  return models.publishFirst({
    modelId,
    name: defaultModelGraph.name,
    graph: defaultModelGraph,
    compiled: compileGraph(defaultModelGraph),
    changeNote: 'Default model shipped with LeadFlow',
  });
}
