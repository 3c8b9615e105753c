import { compileGraph } from '../../../rules/compile-graph';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates/b2b-default';
import type { ModelVersionRecord, ModelVersionRepository } from '../../db/model-versions.repository';

/** Publishes the B2B template from rules/templates as version 1 of `modelId` unless it has versions. */
export async function ensureDefaultModel(models: ModelVersionRepository, modelId: string): Promise<ModelVersionRecord> {
  const graph = ruleGraphSchema.parse(b2bDefaultGraph);
  return models.publishFirst({
    modelId,
    name: graph.name,
    graph,
    compiled: compileGraph(graph),
    changeNote: 'Default model shipped with LeadFlow',
  });
}
