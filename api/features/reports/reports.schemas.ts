import { z } from 'zod';
import { FUNNEL_GROUPINGS } from './lead-stats';

const slug = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

const day = z.iso.date('a day as YYYY-MM-DD');
export const funnelQuery = z
  .object({
    by: z.enum(FUNNEL_GROUPINGS).default('none'),
    from: day.optional().describe('The first day of the period (UTC, included): only what happened from then on counts'),
    to: day.optional().describe('The last day of the period (UTC, included)'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from is after to',
    path: ['from'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'from' && issue.path?.[0] !== 'to'),
  });
export const scoresQuery = z.object({
  /** A score of the model, or "total". */
  score: slug.default('total'),
  bandWidth: z.coerce.number().positive().max(10_000).default(10),
  segment: slug.optional(),
});
export const gradesQuery = z.object({ segment: slug.optional() });
