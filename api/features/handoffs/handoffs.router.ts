import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { LeadRepository } from '../../db/leads.repository';
import { handle } from '../../http/handler';
import { acceptBody, handoffParams, qualifyBody, queueParams, queueQuery, rejectBody } from './handoffs.schemas';
import { decideHandoff } from './handoffs.service';

export function handoffsRouter(temporal: Client, leads: LeadRepository): Router {
  const router = Router();

  // A sales queue: its handoffs in one status, oldest first.
  router.get(
    '/sales/queues/:queue/handoffs',
    handle({ params: queueParams, query: queueQuery }, async ({ params, query }) => ({
      body: { queue: params.queue, status: query.status, handoffs: await leads.queue(params.queue, query.status, query.limit) },
    })),
  );

  router.post(
    '/handoffs/:handoffId/accept',
    handle({ params: handoffParams, body: acceptBody }, async ({ params, body }) => ({
      body: await decideHandoff(temporal, leads, params.handoffId, { decision: 'accept', ...body }),
    })),
  );

  // Sales qualified the lead (budget, authority, need, timeline): it becomes an SQL.
  router.post(
    '/handoffs/:handoffId/qualify',
    handle({ params: handoffParams, body: qualifyBody }, async ({ params, body }) => ({
      body: await decideHandoff(temporal, leads, params.handoffId, { decision: 'qualify', ...body }),
    })),
  );

  router.post(
    '/handoffs/:handoffId/reject',
    handle({ params: handoffParams, body: rejectBody }, async ({ params, body }) => ({
      body: await decideHandoff(temporal, leads, params.handoffId, { decision: 'reject', ...body }),
    })),
  );

  return router;
}
