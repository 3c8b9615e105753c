/**
 * Scoring models: drafts that marketers edit, and the immutable versions they publish.
 * Services take plain arguments and throw HttpErrors; they never see a request.
 */
import { compileGraph } from '../../../rules/compile-graph';
import { diffGraphs, type GraphDiff } from '../../../rules/diff-graphs';
import { guardInput } from '../../../rules/guard-input';
import { relabelThreshold } from '../../../rules/threshold-label';
import { ruleGraphSchema, type RuleGraph } from '../../../rules/graph.schema';
import { b2bDefaultGraph, TEMPLATES } from '../../../rules/templates';
import { validateGraph, type GraphIssue } from '../../../rules/validate-graph';
import type { CompiledModel } from '../../../engine/types';
import type { AuditRepository } from '../../db/audit.repository';
import type { ModelRecord, ModelRepository } from '../../db/models.repository';
import type { ModelVersionRecord, ModelVersionRepository } from '../../db/model-versions.repository';
import { conflict, HttpError, notFound } from '../../http/errors';

export interface ModelDeps {
  models: ModelRepository;
  versions: ModelVersionRepository;
  audit: AuditRepository;
}

/**
 * Publishes the B2B template as version 1 of `modelId` unless it has versions, and makes sure
 * the model has a draft to edit. Safe to run on every start.
 */
export async function ensureDefaultModel(deps: ModelDeps, modelId: string): Promise<ModelVersionRecord> {
  const graph = ruleGraphSchema.parse(b2bDefaultGraph);
  const published = await deps.versions.publishFirst({
    modelId,
    name: graph.name,
    graph,
    compiled: compileGraph(graph),
    changeNote: 'Default model shipped with LeadFlow',
    publishedBy: 'leadflow',
  });
  if (await deps.models.create({ modelId, name: published.name, description: graph.description ?? '', draft: draft(published.graph, 'leadflow'), latestVersion: published.version })) {
    await deps.audit.record({ actor: 'leadflow', action: 'model.created', modelId, version: published.version });
  }
  return published;
}

export async function createModel(
  deps: ModelDeps,
  input: { modelId: string; name: string; description?: string; template?: string; graph?: unknown },
  actor: string,
): Promise<ModelRecord> {
  const graph = input.template ? ruleGraphSchema.parse(TEMPLATES[input.template]) : (input.graph ?? emptyGraph(input.name));
  refuseHostile(graph);
  const created = await deps.models.create({ modelId: input.modelId, name: input.name, description: input.description ?? '', draft: draft(graph, actor) });
  if (!created) throw conflict(`A model with the id ${input.modelId} exists already`);
  await deps.audit.record({ actor, action: 'model.created', modelId: input.modelId, revision: 0, ...(input.template && { note: `from template ${input.template}` }) });
  return (await deps.models.get(input.modelId)) as ModelRecord;
}

export async function getModel(deps: ModelDeps, modelId: string) {
  const model = await deps.models.get(modelId);
  if (!model) throw notFound(`Model ${modelId}`);
  return { ...model, issues: validateGraph(model.draft.graph).issues, versions: await deps.versions.list(modelId) };
}

/** Saves a draft if nobody saved since `revision` (409 otherwise). Returns the new revision and the draft's issues. */
export async function saveDraft(deps: ModelDeps, modelId: string, input: { revision: number; graph: unknown }, actor: string): Promise<{ revision: number; issues: GraphIssue[] }> {
  refuseHostile(input.graph);
  const revision = await deps.models.saveDraft(modelId, input.revision, input.graph, actor);
  if (revision === null) {
    const model = await deps.models.get(modelId);
    if (!model) throw notFound(`Model ${modelId}`);
    throw conflict(`The draft of ${modelId} was saved by ${model.draft.updatedBy} since revision ${input.revision} (now ${model.draft.revision}); reload it and edit again`);
  }
  await deps.audit.record({ actor, action: 'draft.saved', modelId, revision });
  return { revision, issues: validateGraph(input.graph).issues };
}

/** The issues of `graph`, or of the model's draft. */
export async function validateModel(deps: ModelDeps, modelId: string, graph?: unknown): Promise<{ ok: boolean; issues: GraphIssue[] }> {
  const { ok, issues } = validateGraph(graph ?? (await draftOf(deps, modelId)).graph);
  return { ok, issues };
}

/** What `graph` (or the draft) compiles to, without publishing it; 422 with the issues if it cannot. */
export async function compilePreview(deps: ModelDeps, modelId: string, graph?: unknown): Promise<{ compiled: CompiledModel; issues: GraphIssue[] }> {
  return compileOrRefuse(graph ?? (await draftOf(deps, modelId)).graph);
}

/** Publishes the draft at `revision` as the next version. */
export async function publish(deps: ModelDeps, modelId: string, input: { revision: number; changeNote: string }, actor: string): Promise<ModelVersionRecord> {
  const current = await draftOf(deps, modelId);
  if (current.revision !== input.revision) {
    throw conflict(`The draft of ${modelId} is at revision ${current.revision}, not ${input.revision}; review the latest draft before publishing`);
  }
  const { compiled } = compileOrRefuse(current.graph);
  const graph = ruleGraphSchema.parse(current.graph);
  return publishGraph(deps, modelId, graph, compiled, input.changeNote, actor, 'version.published');
}

/** Publishes an earlier version's graph again, as a new version (history is never rewritten), and makes it the draft. */
export async function rollback(deps: ModelDeps, modelId: string, input: { version: number; changeNote: string }, actor: string): Promise<ModelVersionRecord> {
  const target = await deps.versions.get(modelId, input.version);
  if (!target) throw notFound(`Version ${input.version} of model ${modelId}`);
  const { compiled } = compileOrRefuse(target.graph);
  const published = await publishGraph(deps, modelId, target.graph, compiled, `${input.changeNote} (roll back to version ${input.version})`, actor, 'version.rolled_back');
  const current = await draftOf(deps, modelId);
  await deps.models.saveDraft(modelId, current.revision, target.graph, actor);
  return published;
}

/**
 * A threshold review: publishes the version `baseVersion` with new threshold values as the next
 * version (409 when another version was published since), and carries the same values into
 * the draft, so that the next publish from the draft does not quietly undo the review.
 */
export async function publishThresholds(
  deps: ModelDeps,
  modelId: string,
  input: { baseVersion: number; thresholds: Array<{ nodeId: string; value: number }>; changeNote: string },
  actor: string,
): Promise<ModelVersionRecord> {
  const latest = await deps.versions.latest(modelId);
  if (!latest) throw notFound(`A published version of model ${modelId}`);
  if (latest.version !== input.baseVersion) {
    throw conflict(`Version ${latest.version} of ${modelId} was published since version ${input.baseVersion}; review the thresholds again`);
  }
  const values = new Map(input.thresholds.map((t) => [t.nodeId, t.value]));
  const unknown = [...values.keys()].filter((nodeId) => !latest.graph.nodes.some((node) => node.id === nodeId && node.kind === 'threshold'));
  if (unknown.length > 0) {
    throw new HttpError(400, 'invalid_request', `Not thresholds of version ${latest.version}: ${unknown.join(', ')}`, unknown.map((nodeId) => ({ path: 'body.thresholds', message: `${nodeId} is not a threshold node` })));
  }
  const graph = withThresholds(latest.graph, values);
  const { compiled } = compileOrRefuse(graph);
  const published = await publishGraph(deps, modelId, ruleGraphSchema.parse(graph), compiled, input.changeNote, actor, 'thresholds.reviewed');
  const current = await draftOf(deps, modelId);
  const draftGraph = current.graph as RuleGraph | undefined;
  if (draftGraph && Array.isArray(draftGraph.nodes)) await deps.models.saveDraft(modelId, current.revision, withThresholds(draftGraph, values), actor);
  return published;
}

/** The graph with these thresholds' values, and labels that state a value naming the new one. */
function withThresholds(graph: RuleGraph, values: Map<string, number>): RuleGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      if (node.kind !== 'threshold' || !values.has(node.id)) return node;
      const value = values.get(node.id) as number;
      return { ...node, value, ...(node.label !== undefined && { label: relabelThreshold(node.label, node.value, value) }) };
    }),
  };
}

export async function diffVersions(deps: ModelDeps, modelId: string, from: number, to: number): Promise<GraphDiff & { from: number; to: number }> {
  const [before, after] = await Promise.all([deps.versions.get(modelId, from), deps.versions.get(modelId, to)]);
  if (!before) throw notFound(`Version ${from} of model ${modelId}`);
  if (!after) throw notFound(`Version ${to} of model ${modelId}`);
  return { from, to, ...diffGraphs(before.graph, after.graph) };
}

async function publishGraph(
  deps: ModelDeps,
  modelId: string,
  graph: RuleGraph,
  compiled: CompiledModel,
  changeNote: string,
  actor: string,
  action: 'version.published' | 'version.rolled_back' | 'thresholds.reviewed',
): Promise<ModelVersionRecord> {
  const published = await deps.versions.publishNext({ modelId, name: graph.name, graph, compiled, changeNote, publishedBy: actor });
  if (!published) throw conflict(`Another version of ${modelId} was published at the same moment; try again`);
  await deps.models.setLatestVersion(modelId, published.version);
  await deps.audit.record({ actor, action, modelId, version: published.version, note: changeNote });
  return published;
}

async function draftOf(deps: ModelDeps, modelId: string) {
  const model = await deps.models.get(modelId);
  if (!model) throw notFound(`Model ${modelId}`);
  return model.draft;
}

function compileOrRefuse(graph: unknown): { compiled: CompiledModel; issues: GraphIssue[] } {
  const { ok, issues } = validateGraph(graph);
  if (!ok) throw new HttpError(422, 'invalid_graph', `The graph has ${issues.filter((i) => i.severity === 'error').length} error(s); fix them first`, undefined, issues);
  return { compiled: compileGraph(graph), issues };
}

/** Drafts may have issues, but a graph too large or too deep to check is not stored at all. */
function refuseHostile(graph: unknown): void {
  const issues = guardInput(graph);
  if (issues.length > 0) throw new HttpError(422, 'invalid_graph', issues[0]!.message, undefined, issues);
}

function draft(graph: unknown, actor: string) {
  return { graph, revision: 0, updatedAt: new Date(), updatedBy: actor };
}

/**
 * A new model's starting point. A rejected lead goes back to nurture starting over on engagement,
 * and waits 30 days before it can qualify again: without a cool-down, the score that qualified
 * it would hand it straight back to sales. Marketers change both in the model settings.
 */
function emptyGraph(name: string) {
  return { name, scores: [{ id: 'fit', label: 'Fit' }, { id: 'engagement', label: 'Engagement' }], recycle: { resetScores: ['engagement'], coolDownDays: 30 }, nodes: [], edges: [] };
}
