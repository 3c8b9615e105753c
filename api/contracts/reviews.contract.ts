/** Quarterly threshold reviews: each segment's thresholds, what a proposed value would do, and saving reviewed values. */
import { z } from 'zod';
import { segmentSchema } from '../../rules/graph.schema';
import { BAND_WIDTH, count, rate, slug } from './fields';
import { modelExamples, modelVersionSchema } from './models.contract';
import { operation } from './operation';

const id = slug;

export const reviewQuery = z.object({ modelId: id.optional().describe('The model under review; the live one unless named') });

export const whatIfBody = z.strictObject({
  modelId: id.optional().describe('The model under review; the live one unless named'),
  nodeId: id.describe('The threshold node under review'),
  value: z.number().finite().describe('The value proposed for it'),
  bandWidth: z.number().min(BAND_WIDTH.min, BAND_WIDTH.message).max(BAND_WIDTH.max).default(10).describe('The width of the score bands, in points'),
});

export const saveThresholdsBody = z.strictObject({
  modelId: id.optional().describe('The model under review; the live one unless named'),
  baseVersion: z.number().int().min(1).describe('The version the review looked at: if another was published since, 409'),
  thresholds: z.array(z.strictObject({ nodeId: id, value: z.number().finite() })).min(1).max(100).describe('The new values, by threshold node'),
  changeNote: z.string().min(1, 'say why the thresholds change').max(2000).describe('Why, for the audit log and the version list'),
});

const thresholdScores = z.union([z.array(z.string()), z.literal('total')]).describe("The scores summed and compared: 'total' means all of them");

export const thresholdReviewSchema = z.object({
  modelId: z.string(),
  version: z.number().int().describe('The version reviewed: its newest'),
  segments: z.array(segmentSchema).describe("The model's segments"),
  thresholds: z.array(
    z.object({
      nodeId: z.string(),
      name: z.string(),
      scores: thresholdScores,
      value: z.number(),
      segment: z.string().nullable().describe('null: the default threshold, for leads of no segment with one of its own'),
    }),
  ),
});
export type ThresholdReview = z.infer<typeof thresholdReviewSchema>;
export type ReviewThreshold = ThresholdReview['thresholds'][number];

/** Leads in one score band, and how they converted and were answered. */
export const scoreBandSchema = z.object({
  from: z.number(),
  to: z.number().describe('Exclusive, except for the last band'),
  leads: count,
  reachedSql: count.describe('Leads of the band that reached SQL'),
  won: count,
  sqlRate: rate,
  wonRate: rate,
  accepted: count.describe("Handoffs of the band's leads sales accepted"),
  rejected: count,
  acceptanceRate: rate,
});
export type ScoreBand = z.infer<typeof scoreBandSchema>;

export const whatIfSchema = z.object({
  modelId: z.string(),
  version: z.number().int(),
  nodeId: z.string(),
  segment: z.string().nullable(),
  scores: thresholdScores,
  leads: count.describe('Leads the threshold governs'),
  current: z.object({ value: z.number(), atOrAbove: count }).describe('The value now, and how many governed leads are at or above it'),
  proposed: z.object({ value: z.number(), atOrAbove: count }).describe('The value proposed, and how many governed leads are at or above it'),
  bands: z.array(scoreBandSchema),
});
export type WhatIf = z.infer<typeof whatIfSchema>;

const modelMissing = 'The model has no published version, or no threshold node of this id';

export const reviewsOperations = {
  listThresholds: operation({
    operationId: 'listThresholds',
    method: 'get',
    path: '/reviews/thresholds',
    tag: 'Reviews',
    summary: 'Thresholds under review',
    description: "The thresholds of a model's newest version, per segment: what a quarterly review starts from.",
    roles: ['reviewer', 'marketing'],
    query: reviewQuery,
    response: thresholdReviewSchema,
    errors: { 404: 'The model has no published version', 409: 'The newest version cannot be scored by this release' },
    examples: {
      response: { modelId: 'default', version: 3, segments: [], thresholds: [{ nodeId: 'mql', name: 'MQL', scores: 'total', value: 60, segment: null }] },
    },
  }),
  whatIf: operation({
    operationId: 'whatIf',
    method: 'post',
    path: '/reviews/what-if',
    tag: 'Reviews',
    summary: 'What a proposed threshold would do',
    description: 'What a proposed threshold value would do: the leads at or above it now against the current value, and conversion and acceptance by score band. Nothing is stored.',
    roles: ['reviewer', 'marketing'],
    body: whatIfBody,
    response: whatIfSchema,
    errors: { 404: modelMissing, 409: 'The newest version cannot be scored by this release' },
    examples: {
      request: { nodeId: 'mql', value: 70 },
      response: {
        modelId: 'default',
        version: 3,
        nodeId: 'mql',
        segment: null,
        scores: 'total',
        leads: 120,
        current: { value: 60, atOrAbove: 30 },
        proposed: { value: 70, atOrAbove: 18 },
        bands: [{ from: 60, to: 70, leads: 12, reachedSql: 2, won: 1, sqlRate: 0.17, wonRate: 0.08, accepted: 4, rejected: 6, acceptanceRate: 0.4 }],
      },
    },
  }),
  saveThresholds: operation({
    operationId: 'saveThresholds',
    method: 'put',
    path: '/reviews/thresholds',
    tag: 'Reviews',
    summary: 'Save reviewed thresholds',
    description: 'Saves reviewed thresholds as a new model version, and carries them into the draft so that the next publish does not quietly undo the review.',
    roles: ['reviewer'],
    status: 201,
    body: saveThresholdsBody,
    response: modelVersionSchema,
    location: { operationId: 'getModelVersion', path: '/models/:modelId/versions/:version' },
    errors: { 404: modelMissing, 409: 'Another version was published since baseVersion' },
    examples: { request: { baseVersion: 3, thresholds: [{ nodeId: 'mql', value: 70 }], changeNote: 'Q1 review: fewer, better MQLs' }, response: modelExamples.version },
  }),
};
