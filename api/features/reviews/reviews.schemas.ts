import { z } from 'zod';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

/** The model under review; the live one unless named. */
export const reviewQuery = z.object({ modelId: id.optional() });

export const whatIfBody = z.strictObject({
  modelId: id.optional(),
  /** The threshold node under review, and the value proposed for it. */
  nodeId: id,
  value: z.number().finite(),
  bandWidth: z.number().positive().max(10_000).default(10),
});

export const saveThresholdsBody = z.strictObject({
  modelId: id.optional(),
  /** The version the review looked at: if another was published since, 409. */
  baseVersion: z.number().int().min(1),
  thresholds: z.array(z.strictObject({ nodeId: id, value: z.number().finite() })).min(1).max(100),
  changeNote: z.string().min(1, 'say why the thresholds change').max(2000),
});
