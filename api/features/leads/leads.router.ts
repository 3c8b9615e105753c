import type { LeadRepository } from '../../db/leads.repository';
import { canSeeLead, scopeLeadFilter } from '../../auth/sales-scope';
import { HttpError, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import type { EventClock, LeadEventInput } from '../../contracts/events.contract';
import { leadsOperations as ops, syncBodyFor } from '../../contracts/leads.contract';

export function leadsRouter(leads: LeadRepository, sync: (event: LeadEventInput) => Promise<{ status: string }>, clock: EventClock): DocumentedRouter {
  const router = documentedRouter();
  const syncBody = syncBodyFor(clock);

  router.serve(
    handle(ops.searchLeads, async ({ query, caller }) => {
      const { page, pageSize, sort, q, ...rest } = query;
      const filter = { ...rest, ...(q !== undefined && { text: q }) };
      const { total, leads: found } = await leads.search(scopeLeadFilter(caller, filter), page, pageSize, sort);
      return { body: { page, pageSize, total, leads: found } };
    }),
  );

  // A CRM sync: new attribute values reach the lead's workflow as an event, so fit rules that
  // listen to attribute changes score them.
  router.serve(
    handle(
      { ...ops.syncLeadAttributes, body: syncBody },
      async ({ params, body }) => {
        const event: LeadEventInput = {
          eventId: `sync:${params.leadId}:${body.syncId}`,
          leadId: params.leadId,
          type: 'custom',
          properties: { name: 'crm_sync' },
          attributes: body.attributes,
          occurredAt: body.occurredAt ?? new Date().toISOString(),
        };
        const { status } = await sync(event).catch((err: unknown) => {
          // The event id is made from the sync id: name the field the caller sent.
          if (err instanceof HttpError && err.code === 'conflict') throw new HttpError(409, 'conflict', err.message, err.fields?.map((f) => ({ ...f, path: 'body.syncId' })));
          throw err;
        });
        return { status: 202, body: { leadId: params.leadId, syncId: body.syncId, status } };
      },
    ),
  );

  router.serve(
    handle(ops.getLead, async ({ params, caller }) => {
      const lead = await leads.getLead(params.leadId);
      // A lead outside a sales key's queues is, for that key, not there.
      if (!lead || !canSeeLead(caller, lead)) throw notFound(`Lead ${params.leadId}`);
      return { body: lead };
    }),
  );

  // "Why is this lead at 87?": every rule's points, oldest first.
  router.serve(
    handle(ops.getLeadLedger, async ({ params, query, caller }) => {
      const lead = await leads.getLead(params.leadId);
      if (!lead || !canSeeLead(caller, lead)) throw notFound(`Lead ${params.leadId}`);
      return { body: { leadId: params.leadId, entries: await leads.ledger(params.leadId, query.limit, query.from) } };
    }),
  );

  return router;
}
