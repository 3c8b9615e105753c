import { z } from 'zod';
import { LEAD_SORTS, type LeadRepository } from '../../db/leads.repository';
import { canSeeLead, scopeLeadFilter } from '../../auth/sales-scope';
import { HttpError, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { GRADES } from '../../../rules/graph.schema';
import { STAGES } from '../../../engine/types';
import { leadIdSchema, occurredAtSchema, type EventClock, type LeadEventInput } from '../events/events.schemas';

const leadParams = z.object({ leadId: leadIdSchema });
const searchQuery = z
  .object({
    stage: z.enum(STAGES).optional(),
    grade: z.enum(GRADES).optional(),
    segment: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
    owner: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
    minScore: z.coerce.number().finite().optional(),
    maxScore: z.coerce.number().finite().optional(),
    q: z
      .string()
      .trim()
      .min(1, 'type at least one letter to search for')
      .max(100, 'search for at most 100 characters')
      .optional()
      .describe("Words that each begin a word of the lead's first or last name, company or email, or are part of its id (any case)"),
    sort: z.enum(LEAD_SORTS).default('-total').describe('The order: a field, descending with a leading "-"; ties by lead id'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, {
    message: 'minScore is above maxScore',
    path: ['minScore'],
    // Name this problem alongside problems of other fields, not only once they are fixed.
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'minScore' && issue.path?.[0] !== 'maxScore'),
  });
const syncBodyFor = (clock: EventClock) =>
  z.strictObject({
    /** Identifies this sync: sending it again has no effect. */
    syncId: z.string().min(1).max(120).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces'),
    attributes: z.record(z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'keys are letters, digits and "_", starting with a letter'), z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()])),
    occurredAt: occurredAtSchema(clock).optional(),
  });
const ledgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** The first entry's sequence number: page through a long ledger with the last one seen + 1. */
  from: z.coerce.number().int().min(0).default(0),
});

export function leadsRouter(leads: LeadRepository, sync: (event: LeadEventInput) => Promise<{ status: string }>, clock: EventClock): DocumentedRouter {
  const router = documentedRouter();
  const syncBody = syncBodyFor(clock);

  router.get(
    '/leads',
    handle({ summary: 'Search leads by name, company or email (q), stage, grade, segment, owner and score; sorted (highest score first unless said), paginated', query: searchQuery }, async ({ query, caller }) => {
      const { page, pageSize, sort, q, ...rest } = query;
      const filter = { ...rest, ...(q !== undefined && { text: q }) };
      const { total, leads: found } = await leads.search(scopeLeadFilter(caller, filter), page, pageSize, sort);
      return { body: { page, pageSize, total, leads: found } };
    }),
  );

  // A CRM sync: new attribute values reach the lead's workflow as an event, so fit rules that
  // listen to attribute changes score them.
  router.put(
    '/leads/:leadId/attributes',
    handle(
      {
        summary: "Update a lead's attributes (a CRM sync); attribute triggers score the change",
        status: 202,
        params: leadParams,
        body: syncBody,
        errors: { 400: 'A field is invalid (each named), e.g. occurredAt in the future; nothing was applied', 409: "The sync's event id already belongs to another lead (named); nothing was applied" },
      },
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

  router.get(
    '/leads/:leadId',
    handle({ summary: 'A lead: scores, grade, stage, handoff, stage history', params: leadParams }, async ({ params, caller }) => {
      const lead = await leads.getLead(params.leadId);
      // A lead outside a sales key's queues is, for that key, not there.
      if (!lead || !canSeeLead(caller, lead)) throw notFound(`Lead ${params.leadId}`);
      return { body: lead };
    }),
  );

  // "Why is this lead at 87?": every rule's points, oldest first.
  router.get(
    '/leads/:leadId/ledger',
    handle({ summary: "A lead's score ledger: every point with its rule, version and reason", params: leadParams, query: ledgerQuery }, async ({ params, query, caller }) => {
      const lead = await leads.getLead(params.leadId);
      if (!lead || !canSeeLead(caller, lead)) throw notFound(`Lead ${params.leadId}`);
      return { body: { leadId: params.leadId, entries: await leads.ledger(params.leadId, query.limit, query.from) } };
    }),
  );

  return router;
}
