/** Funnel, score and grade reports over today's leads. */
import { z } from 'zod';
import { BAND_WIDTH, count, rate, slug } from './fields';
import { operation } from './operation';

/** How the funnel report groups leads. */
export const FUNNEL_GROUPINGS = ['none', 'segment', 'source', 'industry', 'modelVersion'] as const;
export type FunnelGrouping = (typeof FUNNEL_GROUPINGS)[number];

const day = z.iso.date('a day as YYYY-MM-DD');
export const funnelQuery = z
  .object({
    by: z.enum(FUNNEL_GROUPINGS).default('none').describe('How to group the leads'),
    from: day.optional().describe('The first day of the period (UTC, included): only what happened from then on counts'),
    to: day.optional().describe('The last day of the period (UTC, included)'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from is after to',
    path: ['from'],
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'from' && issue.path?.[0] !== 'to'),
  });
export const scoresQuery = z.object({
  score: slug.default('total').describe('A score of the model, or "total"'),
  bandWidth: z.coerce.number().min(BAND_WIDTH.min, BAND_WIDTH.message).max(BAND_WIDTH.max).default(10).describe('The width of the bands, in points'),
  segment: slug.optional().describe('Only leads of this segment'),
});
export const gradesQuery = z.object({ segment: slug.optional().describe('Only leads of this segment') });

export const funnelGroupSchema = z.object({
  key: z.string().describe('The group: a segment, source, industry or model version ("all" without grouping)'),
  leads: count,
  reached: z.object({ mql: count, sal: count, sql: count, won: count }).describe('Leads that reached each stage at least once'),
  conversion: z
    .object({ mqlToSal: rate, salToSql: rate, sqlToWon: rate, mqlToWon: rate })
    .describe('Share of the leads that reached a stage which went on to the next; null with none to divide by'),
  acceptance: z.object({ accepted: count, rejected: count, rate }).describe('Handoffs sales answered: accepted / (accepted + rejected)'),
  medianHoursMqlToSql: z.number().nullable().describe("Median hours from a lead's first MQL to its first SQL after it"),
});
export type FunnelGroup = z.infer<typeof funnelGroupSchema>;

const reportDay = z.iso.date();
export const funnelReportSchema = z.object({
  by: z.enum(FUNNEL_GROUPINGS),
  from: reportDay.nullable().describe('The period asked for (days, both included); null: open'),
  to: reportDay.nullable(),
  generatedAt: z.iso.datetime({ offset: true }),
  groups: z.array(funnelGroupSchema),
});
export type FunnelReport = z.infer<typeof funnelReportSchema>;

export const scoreReportSchema = z.object({
  score: z.string(),
  bandWidth: z.number(),
  segment: z.string().nullable(),
  leads: count,
  bands: z.array(z.object({ from: z.number(), to: z.number().describe('Exclusive, except for the last band'), leads: count })).describe('Bands with leads in them, lowest first'),
});
export type ScoreReport = z.infer<typeof scoreReportSchema>;

export const gradeReportSchema = z.object({
  segment: z.string().nullable(),
  counts: z.record(z.string(), count).describe('Leads per grade A1…D4, and "none" for leads without one'),
  matrix: z.array(z.array(count)).describe('Rows A–D, columns 1–4'),
  ungraded: count,
});
export type GradeReport = z.infer<typeof gradeReportSchema>;

const reviewers = ['reviewer', 'marketing'] as const;

export const reportsOperations = {
  funnelReport: operation({
    operationId: 'funnelReport',
    method: 'get',
    path: '/reports/funnel',
    tag: 'Reports',
    summary: 'The funnel MQL → SAL → SQL → won',
    description: 'Funnel counts, conversion, acceptance rate and median hours MQL → SQL, by segment, source, industry or model version; with from/to, what happened in those days.',
    roles: reviewers,
    query: funnelQuery,
    response: funnelReportSchema,
    examples: {
      response: {
        by: 'none',
        from: '2026-01-01',
        to: '2026-03-31',
        generatedAt: '2026-04-01T08:00:00.000Z',
        groups: [{ key: 'all', leads: 400, reached: { mql: 80, sal: 50, sql: 30, won: 8 }, conversion: { mqlToSal: 0.63, salToSql: 0.6, sqlToWon: 0.27, mqlToWon: 0.1 }, acceptance: { accepted: 50, rejected: 20, rate: 0.71 }, medianHoursMqlToSql: 52 }],
      },
    },
  }),
  scoreReport: operation({
    operationId: 'scoreReport',
    method: 'get',
    path: '/reports/scores',
    tag: 'Reports',
    summary: 'Score distribution',
    description: 'How many leads have which score, in bands.',
    roles: reviewers,
    query: scoresQuery,
    response: scoreReportSchema,
    examples: { response: { score: 'total', bandWidth: 10, segment: null, leads: 3, bands: [{ from: 0, to: 10, leads: 2 }, { from: 70, to: 80, leads: 1 }] } },
  }),
  gradeReport: operation({
    operationId: 'gradeReport',
    method: 'get',
    path: '/reports/grades',
    tag: 'Reports',
    summary: 'Leads per grade',
    description: 'Leads per grade A1…D4, as counts and as the A–D × 1–4 matrix a heatmap draws.',
    roles: reviewers,
    query: gradesQuery,
    response: gradeReportSchema,
    examples: { response: { segment: null, counts: { A1: 2, B2: 5, none: 1 }, matrix: [[2, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], ungraded: 1 } },
  }),
};
