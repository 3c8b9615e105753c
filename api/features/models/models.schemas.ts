import { z } from 'zod';
import { guardInput } from '../../../rules/guard-input';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { TEMPLATES } from '../../../rules/templates';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');
const version = z.coerce.number().int().min(1);
const note = z.string().min(1, 'say what changed').max(2000);

export const modelParams = z.object({ modelId: id });
export const versionParams = z.object({ modelId: id, version });

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
    modelId: id,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    template: z.enum(Object.keys(TEMPLATES) as [string, ...string[]]).optional(),
    /** A graph to start from; checked like any draft. */
    graph: storedGraph.optional(),
  })
  .refine((body) => !(body.template && body.graph !== undefined), { message: 'give a template or a graph, not both', path: ['template'] });

export const saveDraftBody = z.strictObject({
  /** The draft revision this edit started from: a stale one gets 409. */
  revision: z.number().int().min(0),
  graph: storedGraph,
});

export const graphBody = z.strictObject({ graph: z.unknown().optional() });
export const publishBody = z.strictObject({ revision: z.number().int().min(0), changeNote: note });
export const rollbackBody = z.strictObject({ version: z.number().int().min(1), changeNote: note });
export const diffQuery = z.object({ from: version, to: version });
