/**
 * Scoring models: drafts that marketers edit, validation and compilation of a graph, and the
 * immutable versions they publish. A graph to be stored is checked with rules/' own schema.
 */
import { z } from 'zod';
import type { CompiledModel } from '../../engine/types';
import { compileGraph } from '../../rules/compile-graph';
import type { GraphDiff } from '../../rules/diff-graphs';
import { guardInput } from '../../rules/guard-input';
import { bandBounds, ruleGraphSchema } from '../../rules/graph.schema';
import { b2bDefaultGraph, TEMPLATES } from '../../rules/templates';
import { graphIssueSchema } from './errors.contract';
import { count, instant, slug } from './fields';
import { operation } from './operation';

const id = slug;
const version = z.coerce.number().int().min(1);
const note = z.string().min(1, 'say what changed').max(2000);

export const modelParams = z.object({ modelId: id.describe("The model's id").meta({ examples: ['default'] }) });
export const versionParams = z.object({ modelId: modelParams.shape.modelId, version: version.describe('A published version, from 1').meta({ examples: [3] }) });

/**
 * A graph to be stored (a new model's, a draft): first the cheap guard (size, depth, keys no
 * document store can hold), then the graph schema. Its shape must be right; a draft may still
 * have issues (an unknown score, a node left unconnected), which the answer lists.
 */
const storedGraph = z.preprocess((value, ctx) => {
  for (const issue of guardInput(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path ?? [], input: value });
  return value;
}, ruleGraphSchema);

export const createModelBody = z
  .strictObject({
    modelId: id.describe("The new model's id"),
    name: z.string().min(1).max(200).describe('What people call it'),
    description: z.string().max(2000).optional().describe('What it is for'),
    template: z.enum(Object.keys(TEMPLATES) as [string, ...string[]]).optional().describe('A shipped template to start from'),
    graph: storedGraph.optional().describe('A graph to start from; checked like any draft'),
  })
  .refine((body) => !(body.template && body.graph !== undefined), { message: 'give a template or a graph, not both', path: ['template'] })
  // The same rule in the document, for clients and generators.
  .meta({ not: { required: ['template', 'graph'] } });

export const saveDraftBody = z.strictObject({
  revision: z.number().int().min(0).describe('The draft revision this edit started from: a stale one gets 409'),
  graph: storedGraph.describe('The rule graph; its shape must be right, it may still have issues (listed in the answer)'),
});

export const graphBody = z.strictObject({ graph: z.unknown().optional().describe("A rule graph to check; the model's saved draft when absent") });
export const publishBody = z.strictObject({
  revision: z.number().int().min(0).describe('The draft revision reviewed: a stale one gets 409'),
  changeNote: note.describe('What changed, for the audit log and the version list'),
});
export const rollbackBody = z.strictObject({ version: z.number().int().min(1).describe('The earlier version whose graph is published again'), changeNote: note.describe('Why, for the audit log') });
export const diffQuery = z.object({ from: version.describe('The older version'), to: version.describe('The newer version') });

/** json-rules-engine conditions (`all`, `any`, `not` of facts and operators), as stored. */
const conditions = z.custom<CompiledModel['rules'][number]['conditions']>((value) => typeof value === 'object' && value !== null).meta({ type: 'object', description: 'json-rules-engine conditions: all, any or not of { fact, operator, value }' });
const routing = z.array(z.object({ routeId: z.string(), conditions: conditions.optional() })).describe('Routes tried in order; the first whose conditions hold wins');

/** What the compiler makes of a graph (engine/types.ts CompiledModel): json-rules-engine rules and the policies around them. */
export const compiledModelSchema = z.object({
  format: z.literal(2).describe('Bumped when this shape changes incompatibly'),
  scores: z.array(z.object({ id: z.string(), label: z.string(), min: z.number().optional(), max: z.number().optional() })),
  rules: z.array(
    z.object({
      id: z.string().describe('The points node the rule came from'),
      name: z.string(),
      triggers: z.array(z.string()).describe('`event:<type>` or `attribute:lead.<name>`: what can fire it'),
      conditions,
      event: z.object({ type: z.literal('points'), params: z.object({ ruleId: z.string(), ruleName: z.string(), score: z.string(), points: z.number(), reason: z.string() }) }),
      priority: z.number(),
      limits: z.object({ oncePerLead: z.boolean().optional(), maxTimes: z.number().optional(), windowDays: z.number().optional(), repeatBonus: z.number().optional(), maxRepeatBonus: z.number().optional() }).optional(),
    }),
  ),
  decay: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      score: z.string(),
      channel: z.string(),
      activity: z.array(z.string()),
      rule: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('step'), amount: z.number(), everyDays: z.number() }),
        z.object({ mode: z.literal('once'), amount: z.number(), afterDays: z.number() }),
        z.object({ mode: z.literal('half_life'), halfLifeDays: z.number() }),
      ]),
      floor: z.number(),
    }),
  ),
  segments: z.array(z.object({ id: z.string(), label: z.string(), conditions })),
  thresholds: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      scores: z.union([z.array(z.string()), z.literal('total')]),
      value: z.number(),
      stage: z.literal('mql'),
      segment: z.string().optional(),
      routing,
    }),
  ),
  grade: z
    .object({
      id: z.string(),
      fitScore: z.string(),
      engagementScore: z.string(),
      fitBands: bandBounds,
      engagementBands: bandBounds,
      salesReady: z.array(z.string()),
      routing,
    })
    .optional(),
  routes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      team: z.string(),
      queue: z.string(),
      owners: z.array(z.object({ id: z.string(), weight: z.number() })),
      strategy: z.enum(['queue', 'round_robin', 'weighted']),
      slaHours: z.number(),
      escalateTo: z.string().optional(),
      maxEscalations: z.number(),
    }),
  ),
  recycle: z.object({ resetScores: z.array(z.string()), coolDownDays: z.number() }),
  predictive: z
    .array(
      z.object({
        score: z.string(),
        name: z.string(),
        intercept: z.number(),
        baseline: z.number().optional(),
        terms: z.array(
          z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('when'), name: z.string(), weight: z.number(), conditions }),
            z.object({ kind: z.literal('linear'), name: z.string(), weight: z.number(), fact: z.string(), center: z.number(), scale: z.number(), lower: z.number().optional(), upper: z.number().optional() }),
          ]),
        ),
      }),
    )
    .optional(),
  valueMaps: z.array(z.object({ attribute: z.string(), values: z.record(z.string(), z.string()) })).optional(),
}) satisfies z.ZodType<CompiledModel>;

/** A published version as lists give it: without its graph and compiled rules. */
export const versionSummarySchema = z.object({
  modelId: z.string(),
  version: z.number().int().describe('1, 2, 3… per model; immutable once published'),
  name: z.string(),
  changeNote: z.string().describe('What changed'),
  publishedAt: instant,
  publishedBy: z.string().optional(),
  rescoreRequestedAt: instant.optional().describe('When a rescoring of every lead under this version was last asked for'),
  problem: z.string().optional().describe('Set when this release cannot score the version (an older compiled format whose graph no longer validates)'),
});
export type ModelVersionSummary = z.infer<typeof versionSummarySchema>;

export const modelVersionSchema = versionSummarySchema.extend({
  graph: ruleGraphSchema.describe('The rule graph as published'),
  compiled: compiledModelSchema.describe('What the graph compiled to: what scores events'),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const draftSchema = z.object({
  graph: z.unknown().describe('The graph as last saved; a draft is work in progress and may have issues'),
  revision: count.describe('Grows with every save: send it back to save again (a stale one gets 409)'),
  updatedAt: instant,
  updatedBy: z.string(),
});

const modelFields = {
  modelId: z.string(),
  name: z.string(),
  description: z.string(),
  latestVersion: count.describe('The newest published version; 0 before the first'),
  createdAt: instant,
};

export const modelSummarySchema = z.object({ ...modelFields, draftRevision: count, draftUpdatedAt: instant });
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** A model as it was created: its draft, no versions yet. */
export const modelRecordSchema = z.object({ ...modelFields, draft: draftSchema });

export const modelDetailSchema = modelRecordSchema.extend({
  issues: z.array(graphIssueSchema).describe("The draft's issues"),
  versions: z.array(versionSummarySchema).describe('Published versions, newest first'),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;
export type CreateModelInput = z.input<typeof createModelBody>;

export const graphDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  added: z.array(z.string()).describe('Node ids added'),
  removed: z.array(z.string()).describe('Node ids removed'),
  changed: z.array(z.string()).describe('Node ids changed'),
  points: z.array(z.object({ nodeId: z.string(), name: z.string(), from: z.number(), to: z.number() })).describe('Points nodes whose points changed'),
  thresholds: z.array(z.object({ nodeId: z.string(), name: z.string(), segment: z.string().optional(), from: z.number(), to: z.number() })).describe('Thresholds whose value changed'),
  conditions: z.array(z.object({ nodeId: z.string(), name: z.string(), from: z.string(), to: z.string() })).describe('Condition nodes whose conditions changed, before and after in words'),
  edges: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
}) satisfies z.ZodType<GraphDiff & { from: number; to: number }>;
export type VersionDiff = z.infer<typeof graphDiffSchema>;

export const AUDIT_ACTIONS = ['model.created', 'draft.saved', 'version.published', 'version.rolled_back', 'thresholds.reviewed', 'live_model.changed'] as const;
export const auditEntrySchema = z.object({
  at: instant,
  actor: z.string().describe("The API key's holder"),
  action: z.enum(AUDIT_ACTIONS),
  modelId: z.string(),
  version: z.number().int().optional(),
  revision: z.number().int().optional(),
  note: z.string().optional(),
});

const exampleGraph = ruleGraphSchema.parse(b2bDefaultGraph);
const exampleSummary = { modelId: 'default', version: 3, name: exampleGraph.name, changeNote: 'Pricing page worth 20', publishedAt: '2026-03-01T09:00:00.000Z', publishedBy: 'marketing-ops' };
const exampleVersion: ModelVersion = { ...exampleSummary, graph: exampleGraph, compiled: compileGraph(exampleGraph) };
const exampleDraft = { graph: exampleGraph, revision: 7, updatedAt: '2026-03-01T08:30:00.000Z', updatedBy: 'marketing-ops' };
const exampleModel = { modelId: 'default', name: exampleGraph.name, description: 'B2B fit and engagement', latestVersion: 3, createdAt: '2026-01-05T09:00:00.000Z' };

/** Example answers other resources reuse. */
export const modelExamples = { version: exampleVersion };

const versionLocation = { operationId: 'getModelVersion', path: '/models/:modelId/versions/:version' };

export const modelsOperations = {
  getCurrentModel: operation({
    operationId: 'getCurrentModel',
    method: 'get',
    path: '/models/current',
    tag: 'Models',
    summary: 'The version live events are scored with',
    description: "The live model's newest published version: its graph for the editor, its compiled rules for review.",
    roles: ['marketing', 'reviewer'],
    response: modelVersionSchema,
    errors: { 404: 'The live model has no published version' },
    examples: { response: exampleVersion },
  }),
  listModels: operation({
    operationId: 'listModels',
    method: 'get',
    path: '/models',
    tag: 'Models',
    summary: 'Scoring models',
    description: 'Every scoring model, with its newest version and its draft revision.',
    roles: ['marketing', 'reviewer'],
    response: z.object({ models: z.array(modelSummarySchema) }),
    examples: { response: { models: [{ ...exampleModel, draftRevision: 7, draftUpdatedAt: '2026-03-01T08:30:00.000Z' }] } },
  }),
  createModel: operation({
    operationId: 'createModel',
    method: 'post',
    path: '/models',
    tag: 'Models',
    summary: 'Create a model',
    description: 'Creates a model from a template, a graph, or empty; its draft is ready to edit and nothing is published yet.',
    roles: ['marketing'],
    status: 201,
    body: createModelBody,
    response: modelRecordSchema,
    location: { operationId: 'getModel', path: '/models/:modelId' },
    errors: { 409: 'A model with this id exists already' },
    examples: {
      request: { modelId: 'emea', name: 'EMEA scoring', template: 'b2b-default' },
      response: { ...exampleModel, modelId: 'emea', name: 'EMEA scoring', description: '', latestVersion: 0, draft: { ...exampleDraft, revision: 0 } },
    },
  }),
  getModel: operation({
    operationId: 'getModel',
    method: 'get',
    path: '/models/:modelId',
    tag: 'Models',
    summary: 'A model',
    description: 'A model with its draft, the draft\'s issues and its published versions.',
    roles: ['marketing', 'reviewer'],
    params: modelParams,
    response: modelDetailSchema,
    errors: { 404: 'No such model' },
    examples: { response: { ...exampleModel, draft: exampleDraft, issues: [], versions: [exampleSummary] } },
  }),
  saveDraft: operation({
    operationId: 'saveDraft',
    method: 'put',
    path: '/models/:modelId/draft',
    tag: 'Models',
    summary: 'Save the draft',
    description: "Saves the model's draft if nobody saved since `revision` (409 otherwise). The graph's shape must be right; its issues are listed in the answer.",
    roles: ['marketing'],
    params: modelParams,
    body: saveDraftBody,
    response: z.object({ revision: count.describe('The new revision'), issues: z.array(graphIssueSchema).describe("The draft's issues") }),
    errors: { 404: 'No such model', 409: 'Someone saved the draft since this revision; reload it and edit again' },
    examples: { request: { revision: 7, graph: exampleGraph }, response: { revision: 8, issues: [] } },
  }),
  validateGraph: operation({
    operationId: 'validateGraph',
    method: 'post',
    path: '/models/:modelId/validate',
    tag: 'Models',
    summary: 'Issues of a graph',
    description: 'The issues of the graph sent, or of the saved draft, each naming its node or edge; nothing is stored.',
    roles: ['marketing'],
    params: modelParams,
    body: graphBody,
    response: z.object({ ok: z.boolean().describe('No errors (warnings may remain)'), issues: z.array(graphIssueSchema) }),
    errors: { 404: 'No such model (when no graph is sent)' },
    examples: { request: {}, response: { ok: false, issues: [{ severity: 'error', code: 'unknown_score', message: 'Points node "Pricing page" adds to score "interest", which the model does not declare', nodeId: 'pricing-visit' }] } },
  }),
  compileGraph: operation({
    operationId: 'compileGraph',
    method: 'post',
    path: '/models/:modelId/compile',
    tag: 'Models',
    summary: 'Compiled rules of a graph',
    description: 'What the graph sent (or the saved draft) compiles to, without publishing it; 422 with the issues when it cannot compile.',
    roles: ['marketing'],
    params: modelParams,
    body: graphBody,
    response: z.object({ compiled: compiledModelSchema, issues: z.array(graphIssueSchema).describe('Warnings') }),
    errors: { 404: 'No such model (when no graph is sent)', 422: 'The graph has errors (invalid_graph, with issues)' },
    examples: { request: { graph: exampleGraph }, response: { compiled: exampleVersion.compiled, issues: [] } },
  }),
  publishDraft: operation({
    operationId: 'publishDraft',
    method: 'post',
    path: '/models/:modelId/publish',
    tag: 'Models',
    summary: 'Publish the draft',
    description: 'Publishes the draft at `revision` as the next version, immutable from then on; leads of the live model pick it up at their next turn.',
    roles: ['marketing'],
    status: 201,
    params: modelParams,
    body: publishBody,
    response: modelVersionSchema,
    location: versionLocation,
    errors: { 404: 'No such model', 409: 'The draft is at another revision: review the latest before publishing', 422: 'The draft has errors (invalid_graph, with issues)' },
    examples: { request: { revision: 7, changeNote: 'Pricing page worth 20' }, response: exampleVersion },
  }),
  rollbackModel: operation({
    operationId: 'rollbackModel',
    method: 'post',
    path: '/models/:modelId/rollback',
    tag: 'Models',
    summary: "Publish an earlier version's graph again",
    description: "Publishes an earlier version's graph again as a new version (history is never rewritten), and makes it the draft.",
    roles: ['marketing'],
    status: 201,
    params: modelParams,
    body: rollbackBody,
    response: modelVersionSchema,
    location: versionLocation,
    errors: { 404: 'No such model or version', 422: 'The earlier graph no longer compiles (invalid_graph, with issues)' },
    examples: { request: { version: 2, changeNote: 'Too many MQLs' }, response: { ...exampleVersion, version: 4, changeNote: 'Too many MQLs (roll back to version 2)' } },
  }),
  listModelVersions: operation({
    operationId: 'listModelVersions',
    method: 'get',
    path: '/models/:modelId/versions',
    tag: 'Models',
    summary: 'Published versions',
    description: 'Published versions of a model, newest first, without their graphs.',
    roles: ['marketing', 'reviewer'],
    params: modelParams,
    response: z.object({ versions: z.array(versionSummarySchema) }),
    examples: { response: { versions: [exampleSummary] } },
  }),
  getModelVersion: operation({
    operationId: 'getModelVersion',
    method: 'get',
    path: '/models/:modelId/versions/:version',
    tag: 'Models',
    summary: 'One published version',
    description: 'A published version with its graph and compiled rules.',
    roles: ['marketing', 'reviewer'],
    params: versionParams,
    response: modelVersionSchema,
    errors: { 404: 'No such version' },
    examples: { response: exampleVersion },
  }),
  diffModelVersions: operation({
    operationId: 'diffModelVersions',
    method: 'get',
    path: '/models/:modelId/diff',
    tag: 'Models',
    summary: 'What changed between two versions',
    description: 'Nodes added, removed and changed, points and thresholds changed, from one version to another: what a quarterly review reads.',
    roles: ['marketing', 'reviewer'],
    params: modelParams,
    query: diffQuery,
    response: graphDiffSchema,
    errors: { 404: 'No such version' },
    examples: { response: { from: 2, to: 3, added: [], removed: [], changed: ['pricing-visit'], points: [{ nodeId: 'pricing-visit', name: 'Pricing page', from: 15, to: 20 }], thresholds: [], conditions: [], edges: { added: [], removed: [] } } },
  }),
  getModelAudit: operation({
    operationId: 'getModelAudit',
    method: 'get',
    path: '/models/:modelId/audit',
    tag: 'Models',
    summary: 'Who changed what, when',
    description: "The model's audit log, newest first, at most 1,000 entries.",
    roles: ['marketing', 'reviewer'],
    params: modelParams,
    response: z.object({ entries: z.array(auditEntrySchema).max(1000) }),
    examples: { response: { entries: [{ at: '2026-03-01T09:00:00.000Z', actor: 'marketing-ops', action: 'version.published', modelId: 'default', version: 3 }] } },
  }),
};
