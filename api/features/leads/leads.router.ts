import { z } from 'zod';
import type { LeadRepository } from '../../db/leads.repository';
import { notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { leadIdSchema } from '../events/events.schemas';

const leadParams = z.object({ leadId: leadIdSchema });
const ledgerQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

export function leadsRouter(leads: LeadRepository): DocumentedRouter {
  const router = documentedRouter();

  router.get(
    '/leads/:leadId',
    handle({ summary: 'A lead: scores, grade, stage, handoff, stage history', params: leadParams }, async ({ params }) => {
      const lead = await leads.getLead(params.leadId);
      if (!lead) throw notFound(`Lead ${params.leadId}`);
      return { body: lead };
    }),
  );

  // "Why is this lead at 87?": every rule's points, oldest first.
  router.get(
    '/leads/:leadId/ledger',
    handle({ summary: "A lead's score ledger: every point with its rule, version and reason", params: leadParams, query: ledgerQuery }, async ({ params, query }) => {
      const lead = await leads.getLead(params.leadId);
      if (!lead) throw notFound(`Lead ${params.leadId}`);
      return { body: { leadId: params.leadId, entries: await leads.ledger(params.leadId, query.limit) } };
    }),
  );

  return router;
}
