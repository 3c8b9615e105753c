/**
 * The rule graph a marketer draws: the one definition of its shape, shared by the API, the
 * editor and the compiler. Node kinds form a discriminated union on `kind`.
 *
 * Scoring paths run trigger → condition* → points: "when this happens and these hold, add N".
 * Decay nodes stand alone. Qualification paths run threshold | grade → condition* → route:
 * "when the lead qualifies, and its attributes match, hand it to this team".
 */
import { z } from 'zod';
import { CHANNEL_IDS, EVENT_TYPES, OPERATOR_IDS } from './facts-catalogue';

/** Size limits keep a hostile graph from exhausting the server. */
export const LIMITS = {
  // A 1,000-rule model needs about 2,000 nodes; beyond these, a graph is refused.
  nodes: 5_000,
  edges: 10_000,
  conditionsPerGroup: 50,
  conditionDepth: 6,
  scores: 25,
  segments: 50,
  owners: 50,
  text: 200,
  listValues: 500,
  patternLength: 200,
  attributes: 500,
  predictiveTerms: 2_000,
} as const;

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
const days = z.number().int().min(1).max(3650);
// Derived facts look back at most a year (engine/lead-context.ts keeps that much history).
const lookbackDays = z.number().int().min(1).max(365);
const attributeId = z
  .string()
  .regex(/^[a-z][A-Za-z0-9_]{0,63}$/, 'an attribute id starts with a lower-case letter, then letters, digits and "_" (e.g. totalVisits)');
/** `lead.<attribute>`: a catalogue attribute or one the model declares (checked by the validator). */
const leadAttribute = z.string().regex(/^lead\.[a-z][A-Za-z0-9_]{0,63}$/, 'a lead attribute is written lead.<attribute>');

// ---- conditions -------------------------------------------------------------------------------

export const conditionLeafSchema = z.object({
  fact: z.string().min(1).max(100),
  operator: z.enum(OPERATOR_IDS),
  value: z.union([scalar, z.array(z.union([text, z.number().finite()])).max(LIMITS.listValues)]),
  /** Only for derived facts, e.g. { eventType: 'page_view', urlPrefix: '/pricing', days: 30 }. */
  params: z
    .object({ eventType: z.enum(EVENT_TYPES), urlPrefix: text.optional(), days: lookbackDays })
    .optional(),
});
export type ConditionLeaf = z.infer<typeof conditionLeafSchema>;

export interface ConditionGroup {
  /** all = AND, any = OR, none = NOT (none of them holds). */
  match: 'all' | 'any' | 'none';
  conditions: Array<ConditionLeaf | ConditionGroup>;
}

export const conditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.object({
    match: z.enum(['all', 'any', 'none']),
    conditions: z
      .array(z.union([conditionLeafSchema, conditionGroupSchema]))
      .min(1, 'add at least one condition')
      .max(LIMITS.conditionsPerGroup),
  }),
);

export const isGroup = (c: ConditionLeaf | ConditionGroup): c is ConditionGroup => 'match' in c;

// ---- nodes ------------------------------------------------------------------------------------

const nodeBase = { id, label: text.optional(), position: position.optional() };

export const triggerNodeSchema = z
  .object({
    ...nodeBase,
    kind: z.literal('trigger'),
    eventTypes: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).default([]),
    /** Lead attributes whose change (e.g. a CRM sync filling in the title) starts an evaluation. */
    attributes: z.array(leadAttribute).max(50).default([]),
  })
  .refine((node) => node.eventTypes.length + node.attributes.length > 0, {
    message: 'choose at least one event type or attribute',
    path: ['eventTypes'],
  })
  // The same rule in JSON Schema, for the API's document and the clients generated from it.
  .meta({
    anyOf: [
      { properties: { eventTypes: { minItems: 1 } }, required: ['eventTypes'] },
      { properties: { attributes: { minItems: 1 } }, required: ['attributes'] },
    ],
  });

export const conditionNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('condition'),
  match: z.enum(['all', 'any', 'none']),
  conditions: z
    .array(z.union([conditionLeafSchema, conditionGroupSchema]))
    .min(1, 'add at least one condition')
    .max(LIMITS.conditionsPerGroup),
});

export const pointsLimitsSchema = z.object({
  /** The rule gives its points once in the lead's life. */
  oncePerLead: z.boolean().optional(),
  /** At most `maxTimes` in any `windowDays` (a rolling window). */
  maxTimes: z.number().int().min(1).max(1000).optional(),
  windowDays: days.optional(),
  /** Each repeat adds this much more than the last (DOMAIN.md: +5 to +10)… */
  repeatBonus: z.number().int().min(0).max(100).optional(),
  /** …up to this extra in total per event. */
  maxRepeatBonus: z.number().int().min(0).max(1000).optional(),
});

export const pointsNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('points'),
  score: scoreId,
  points: z.number().int().min(-1000).max(1000),
  limits: pointsLimitsSchema.optional(),
});

export const decayRuleSchema = z.discriminatedUnion('mode', [
  /** -amount for every full `everyDays` without activity: "-10 per 30 days". */
  z.object({ mode: z.literal('step'), amount: z.number().positive().max(1000), everyDays: days }),
  /** -amount once, after `afterDays` without activity: "-15 after 45 days". */
  z.object({ mode: z.literal('once'), amount: z.number().positive().max(1000), afterDays: days }),
  /** The score halves every `halfLifeDays` without activity. */
  z.object({ mode: z.literal('half_life'), halfLifeDays: days }),
]);

export const decayNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('decay'),
  score: scoreId,
  /** Which activity resets the clock: any, or one channel (no email open, no visit…). */
  channel: z.enum(CHANNEL_IDS),
  rule: decayRuleSchema,
  /** Decay never takes the score below this. */
  floor: z.number().finite().default(0),
});

export const thresholdNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('threshold'),
  /** One score, 'total' (all scores), or the sum of a few. */
  score: z.union([scoreId, z.literal('total'), z.array(scoreId).min(2).max(LIMITS.scores)]),
  value: z.number().finite(),
  stage: z.literal('mql'),
  /** Applies to leads of this segment only; without one it is the default for all others. */
  segment: id.optional(),
});

export const GRADES = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4', 'C1', 'C2', 'C3', 'C4', 'D1', 'D2', 'D3', 'D4'] as const;
export type Grade = (typeof GRADES)[number];

/**
 * A grade's three band bounds (for A, B, C or 1, 2, 3). An array of exactly three numbers rather
 * than a tuple: the same JSON constraint, spelt `items` rather than `prefixItems`, which
 * schemathesis 4.32 rewrites into draft-7 `items: [...]` and then refuses as an invalid OpenAPI
 * 3.1 schema, leaving every operation that answers a graph unchecked.
 */
export const bandBounds = z.array(z.number()).length(3) as unknown as z.ZodType<[number, number, number]>;

export const gradeNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('grade'),
  fitScore: scoreId,
  engagementScore: scoreId,
  /** Lowest fit score for A, B and C (below C is D); must go down. */
  fitBands: bandBounds,
  /** Lowest engagement score for 1, 2 and 3 (below 3 is 4); must go down. */
  engagementBands: bandBounds,
  /** Grades that are handed to sales. */
  salesReady: z.array(z.enum(GRADES)).max(GRADES.length).default([]),
});

export const routeNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('route'),
  team: text,
  queue: id,
  /** Owners inside the team; empty leaves the handoff in the queue for anyone. */
  owners: z.array(z.object({ id, weight: z.number().int().min(1).max(100).default(1) })).max(LIMITS.owners).default([]),
  strategy: z.enum(['queue', 'round_robin', 'weighted']).default('queue'),
  slaHours: z.number().positive().max(24 * 30).default(24),
  /** Where an unanswered handoff goes when its SLA runs out. */
  escalateTo: id.optional(),
  maxEscalations: z.number().int().min(0).max(5).default(1),
});

export const nodeSchema = z.discriminatedUnion('kind', [
  triggerNodeSchema,
  conditionNodeSchema,
  pointsNodeSchema,
  decayNodeSchema,
  thresholdNodeSchema,
  gradeNodeSchema,
  routeNodeSchema,
]);

export const edgeSchema = z.object({ id, source: id, target: id });

export const segmentSchema = z.object({
  id,
  label: z.string().min(1).max(80),
  match: z.enum(['all', 'any', 'none']),
  conditions: z
    .array(z.union([conditionLeafSchema, conditionGroupSchema]))
    .min(1)
    .max(LIMITS.conditionsPerGroup),
});

export const scoreDefinitionSchema = z.object({
  id: scoreId,
  label: z.string().min(1).max(80),
  /** Caps: the score never goes above `max` or below `min`. */
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
});

/** What happens to a lead sales rejected: scores reset, and a wait before it can qualify again. */
export const recyclePolicySchema = z.object({
  resetScores: z.array(scoreId).max(LIMITS.scores).default([]),
  coolDownDays: z.number().int().min(0).max(365).default(0),
});

/**
 * A lead attribute the facts catalogue does not know, declared by the model (a column of a CRM
 * export, say): rules then test it as `lead.<id>` like any catalogue attribute.
 */
export const attributeDefinitionSchema = z.object({
  id: attributeId,
  label: z.string().min(1).max(LIMITS.text),
  /** A date attribute is tested by its age: "within N days", "more than N days ago". */
  type: z.enum(['string', 'number', 'boolean', 'date']),
});
export type AttributeDefinition = z.infer<typeof attributeDefinitionSchema>;

const finite = z.number().finite();

/** A term of a predictive score: `weight` when its conditions on lead attributes hold. */
export const predictiveWhenTermSchema = z.object({
  kind: z.literal('when'),
  label: text.optional(),
  weight: finite,
  match: z.enum(['all', 'any', 'none']),
  conditions: z
    .array(z.union([conditionLeafSchema, conditionGroupSchema]))
    .min(1)
    .max(LIMITS.conditionsPerGroup),
});

/** A term of a predictive score: weight · (clamp(fact, lower, upper) − center) / scale, 0 when unknown. */
export const predictiveLinearTermSchema = z.object({
  kind: z.literal('linear'),
  label: text.optional(),
  weight: finite,
  fact: leadAttribute,
  center: finite,
  scale: z.number().finite().positive(),
  lower: finite.optional(),
  upper: finite.optional(),
});

/**
 * A score of its own set by a fitted logistic model (issue: calibration from history):
 * 100 · sigmoid(intercept + Σ terms − baseline), a whole number from 0 to 100, recomputed from
 * the lead's attributes. Without a baseline it is the probability of converting in percent; with
 * the log-odds of the average lead as baseline it is relative to that lead — 50 as likely to
 * convert as the average, 75 three times the odds, 25 a third — which spreads over the scale at
 * any base rate (at 2 % probabilities would crowd into 0–9). Its score takes no points or decay;
 * thresholds and grades read it like any other.
 */
export const predictiveScoreSchema = z.object({
  score: scoreId,
  label: text.optional(),
  intercept: finite,
  baseline: finite.optional(),
  terms: z.array(z.discriminatedUnion('kind', [predictiveWhenTermSchema, predictiveLinearTermSchema])).max(LIMITS.predictiveTerms),
});
export type PredictiveScore = z.infer<typeof predictiveScoreSchema>;
export type PredictiveTerm = PredictiveScore['terms'][number];

/**
 * A model's own words for an attribute's values: each `from` value (any case and spacing) is
 * read as `to` when rules test the attribute ("C - Level", "CXO" → c_level). Applied where
 * attributes enter, before seniority, department and industry are read (engine/normalise-attributes.ts).
 */
export const valueMapSchema = z.object({
  attribute: leadAttribute,
  values: z
    .array(z.object({ from: z.array(text.min(1)).min(1, 'list at least one value to map').max(LIMITS.listValues), to: text.min(1) }))
    .min(1, 'map at least one value')
    .max(LIMITS.listValues),
});
export type ValueMap = z.infer<typeof valueMapSchema>;

export const ruleGraphSchema = z.object({
  name: z.string().min(1).max(LIMITS.text),
  description: z.string().max(2000).optional(),
  scores: z.array(scoreDefinitionSchema).min(1).max(LIMITS.scores),
  /** Lead groups with thresholds of their own, checked in order: the first that matches applies. */
  segments: z.array(segmentSchema).max(LIMITS.segments).default([]),
  recycle: recyclePolicySchema.default({ resetScores: [], coolDownDays: 0 }),
  nodes: z.array(nodeSchema).max(LIMITS.nodes),
  edges: z.array(edgeSchema).max(LIMITS.edges),
  /** Lead attributes beyond the facts catalogue that this model's rules may test. */
  attributes: z.array(attributeDefinitionSchema).max(LIMITS.attributes).optional(),
  /** Scores set by fitted models rather than added up from points. */
  predictive: z.array(predictiveScoreSchema).max(LIMITS.scores).optional(),
  /** Per attribute, the values this model reads as another ("C-Level" → c_level). */
  valueMaps: z.array(valueMapSchema).max(LIMITS.attributes).optional(),
});

/** A graph as stored and compiled (defaults filled in). */
export type RuleGraph = z.infer<typeof ruleGraphSchema>;
/** A graph as a person or the editor writes it (defaults may be left out). */
export type RuleGraphInput = z.input<typeof ruleGraphSchema>;
export type GraphNode = z.infer<typeof nodeSchema>;
export type GraphEdge = z.infer<typeof edgeSchema>;
export type NodeKind = GraphNode['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;
export type Segment = z.infer<typeof segmentSchema>;
