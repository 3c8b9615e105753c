import type { Client } from '@temporalio/client';
import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { acceptBody, handoffParams, qualifyBody, queueParams, queueQuery, queueResponse, rejectBody, takeBody } from './handoffs.schemas';
import { assertQueueAllowed } from '../../auth/sales-scope';
import { decideHandoff, queuePage, takeHandoff } from './handoffs.service';

/** The answers a sales decision may get besides 200; every one changes nothing. */
const decisionErrors = {
  400: 'A field is invalid (each named), e.g. a rejection without a reason',
  403: "The handoff is in another team's queue",
  404: 'No such handoff',
  409: 'The handoff can no longer take this answer: accept only a pending one; qualify or reject a pending or accepted one, never after it was qualified, rejected, expired or withdrawn',
};

export function handoffsRouter(temporal: Client, leads: LeadRepository): DocumentedRouter {
  const router = documentedRouter();

  // Which queues there are: a sales key sees its own.
  router.get(
    '/sales/queues',
    handle({ summary: 'Sales queues with their pending and total handoffs (a sales key: its own queues)' }, async ({ caller }) => {
      const queues = await leads.queues();
      const mine = caller?.role === 'sales' ? queues.filter((q) => (caller.queues ?? []).includes(q.queue)) : queues;
      return { body: { queues: mine } };
    }),
  );

  // A sales queue (or one rep's part of it): its handoffs in one status, oldest first.
  router.get(
    '/sales/queues/:queue/handoffs',
    handle(
      {
        summary: "A sales queue's handoffs in one status, oldest first, each with the person (name, company, title, email), the score at handoff and now, and why the lead qualified",
        params: queueParams,
        query: queueQuery,
        response: queueResponse,
      },
      async ({ params, query, caller }) => {
        assertQueueAllowed(caller, params.queue);
        // A rep's key sees their own view whatever it asks for; others may ask for any rep's.
        const owner = caller?.role === 'sales' && caller.owner !== undefined ? caller.owner : query.owner;
        return { body: await queuePage(leads, params.queue, query.status, query.limit, owner) };
      },
    ),
  );

  // A rep takes a lead nobody owns in their queue: it becomes theirs.
  router.post(
    '/handoffs/:handoffId/take',
    handle(
      {
        summary: "A sales rep takes a pending handoff that nobody owns: it is assigned to the rep of the caller's key",
        params: handoffParams,
        body: takeBody,
        errors: {
          400: 'A field is invalid (each named)',
          403: "The handoff is in another team's queue, or the key names no rep (a sales key with an owner)",
          404: 'No such handoff',
          409: 'Someone took the handoff first, or it is no longer pending (answered, expired or withdrawn); nothing changed',
        },
      },
      async ({ params, caller }) => ({ body: await takeHandoff(temporal, leads, caller, params.handoffId) }),
    ),
  );

  router.post(
    '/handoffs/:handoffId/accept',
    handle({ summary: 'Sales accepts a handoff (stage SAL)', params: handoffParams, body: acceptBody, errors: decisionErrors }, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'accept', ...body }),
    })),
  );

  // Sales qualified the lead (budget, authority, need, timeline): it becomes an SQL.
  router.post(
    '/handoffs/:handoffId/qualify',
    handle({ summary: 'Sales qualifies the lead (stage SQL); the handoff is then closed', params: handoffParams, body: qualifyBody, errors: decisionErrors }, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'qualify', ...body }),
    })),
  );

  router.post(
    '/handoffs/:handoffId/reject',
    handle({ summary: 'Sales rejects a handoff with a reason (stage nurture)', params: handoffParams, body: rejectBody, errors: decisionErrors }, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'reject', ...body }),
    })),
  );

  return router;
}
