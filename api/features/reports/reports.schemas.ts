import { z } from 'zod';
import { FUNNEL_GROUPINGS } from './lead-stats';

const slug = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

export const funnelQuery = z.object({ by: z.enum(FUNNEL_GROUPINGS).default('none') });
export const scoresQuery = z.object({
  /** A score of the model, or "total". */
  score: slug.default('total'),
  bandWidth: z.coerce.number().positive().max(10_000).default(10),
  segment: slug.optional(),
});
export const gradesQuery = z.object({ segment: slug.optional() });
