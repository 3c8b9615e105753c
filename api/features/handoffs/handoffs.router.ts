import type { Client } from '@temporalio/client';
import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { handoffsOperations as ops } from '../../contracts/handoffs.contract';
import { assertQueueAllowed } from '../../auth/sales-scope';
import { decideHandoff, queuePage, takeHandoff } from './handoffs.service';

export function handoffsRouter(temporal: Client, leads: LeadRepository): DocumentedRouter {
  const router = documentedRouter();

  // Which queues there are: a sales key sees its own.
  router.serve(
    handle(ops.listQueues, async ({ caller }) => {
      const queues = await leads.queues();
      const mine = caller?.role === 'sales' ? queues.filter((q) => (caller.queues ?? []).includes(q.queue)) : queues;
      return { body: { queues: mine } };
    }),
  );

  // A sales queue (or one rep's part of it): its handoffs in one status, oldest first.
  router.serve(
    handle(
      ops.listQueueHandoffs,
      async ({ params, query, caller }) => {
        assertQueueAllowed(caller, params.queue);
        // A rep's key sees their own view whatever it asks for; others may ask for any rep's.
        const owner = caller?.role === 'sales' && caller.owner !== undefined ? caller.owner : query.owner;
        return { body: await queuePage(leads, params.queue, query.status, query.limit, owner) };
      },
    ),
  );

  // A rep takes a lead nobody owns in their queue: it becomes theirs.
  router.serve(
    handle(
      ops.takeHandoff,
      async ({ params, caller }) => ({ body: await takeHandoff(temporal, leads, caller, params.handoffId) }),
    ),
  );

  router.serve(
    handle(ops.acceptHandoff, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'accept', ...body }),
    })),
  );

  // Sales qualified the lead (budget, authority, need, timeline): it becomes an SQL.
  router.serve(
    handle(ops.qualifyHandoff, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'qualify', ...body }),
    })),
  );

  router.serve(
    handle(ops.rejectHandoff, async ({ params, body, caller }) => ({
      body: await decideHandoff(temporal, leads, caller, params.handoffId, { decision: 'reject', ...body }),
    })),
  );

  return router;
}
