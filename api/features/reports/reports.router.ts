import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { reportsOperations as ops } from '../../contracts/reports.contract';
import { funnelReport, gradeReport, scoreReport } from './reports.service';

export function reportsRouter(leads: LeadRepository): DocumentedRouter {
  const router = documentedRouter();
  router.serve(
    handle(ops.funnelReport, async ({ query }) => ({
      body: await funnelReport(leads, query.by, { from: query.from, to: query.to }),
    })),
  );
  router.serve(handle(ops.scoreReport, async ({ query }) => ({ body: await scoreReport(leads, query) })));
  router.serve(handle(ops.gradeReport, async ({ query }) => ({ body: await gradeReport(leads, query.segment) })));
  return router;
}
