import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { funnelQuery, gradesQuery, scoresQuery } from './reports.schemas';
import { funnelReport, gradeReport, scoreReport } from './reports.service';

export function reportsRouter(leads: LeadRepository): DocumentedRouter {
  const router = documentedRouter();
  router.get(
    '/reports/funnel',
    handle({ summary: 'Funnel MQL → SAL → SQL → won: counts, conversion, acceptance rate and median hours MQL → SQL, by segment, source, industry or model version; with from/to, what happened in those days', query: funnelQuery }, async ({ query }) => ({
      body: await funnelReport(leads, query.by, { from: query.from, to: query.to }),
    })),
  );
  router.get('/reports/scores', handle({ summary: 'Score distribution in bands', query: scoresQuery }, async ({ query }) => ({ body: await scoreReport(leads, query) })));
  router.get('/reports/grades', handle({ summary: 'Leads per grade A1…D4, as counts and as a matrix', query: gradesQuery }, async ({ query }) => ({ body: await gradeReport(leads, query.segment) })));
  return router;
}
