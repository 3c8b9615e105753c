/**
 * The rule graph a marketer draws: the one definition of its shape, shared by the API, the
 * editor and the compiler. Node kinds form a discriminated union on `kind`; new kinds join it.
 *
 * A scoring rule is a path trigger → condition* → points: "when an event of these types arrives
 * and these conditions hold, add N to this score". A threshold node moves a lead to a stage when
 * a score reaches its value; the route node it points to names the sales queue.
 */
import { z } from 'zod';
import { EVENT_TYPES, OPERATOR_IDS } from './facts-catalogue';

/** Size limits keep a hostile graph from exhausting the server. */
export const LIMITS = { nodes: 500, edges: 2000, conditions: 50, scores: 25, text: 200, listValues: 200 } as const;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');
const scoreId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a score id is lower-case letters, digits and "_", starting with a letter');
const text = z.string().max(LIMITS.text);
const position = z.object({ x: z.number().finite(), y: z.number().finite() });
const scalar = z.union([text, z.number().finite(), z.boolean()]);

export const conditionSchema = z.object({
  fact: z.string().min(1).max(100),
  operator: z.enum(OPERATOR_IDS),
  value: z.union([scalar, z.array(z.union([text, z.number().finite()])).max(LIMITS.listValues)]),
});

const nodeBase = { id, label: text.optional(), position: position.optional() };

export const triggerNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('trigger'),
  eventTypes: z.array(z.enum(EVENT_TYPES)).min(1, 'choose at least one event type'),
});

export const conditionNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('condition'),
  match: z.enum(['all', 'any']),
  conditions: z.array(conditionSchema).min(1, 'add at least one condition').max(LIMITS.conditions),
});

export const pointsNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('points'),
  score: scoreId,
  points: z.number().int().min(-1000).max(1000),
});

export const thresholdNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('threshold'),
  score: z.union([scoreId, z.literal('total')]),
  value: z.number().finite(),
  stage: z.literal('mql'),
});

export const routeNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('route'),
  queue: id,
});

export const nodeSchema = z.discriminatedUnion('kind', [
  triggerNodeSchema,
  conditionNodeSchema,
  pointsNodeSchema,
  thresholdNodeSchema,
  routeNodeSchema,
]);

export const edgeSchema = z.object({ id, source: id, target: id });

export const ruleGraphSchema = z.object({
  name: z.string().min(1).max(LIMITS.text),
  description: z.string().max(2000).optional(),
  scores: z
    .array(z.object({ id: scoreId, label: z.string().min(1).max(80) }))
    .min(1)
    .max(LIMITS.scores),
  nodes: z.array(nodeSchema).max(LIMITS.nodes),
  edges: z.array(edgeSchema).max(LIMITS.edges),
});

export type RuleGraph = z.infer<typeof ruleGraphSchema>;
export type GraphNode = z.infer<typeof nodeSchema>;
export type GraphEdge = z.infer<typeof edgeSchema>;
export type NodeKind = GraphNode['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;
export type Condition = z.infer<typeof conditionSchema>;
