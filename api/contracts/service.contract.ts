/** Liveness and readiness: what a load balancer and an orchestrator ask. */
import { z } from 'zod';
import { operation } from './operation';

export const serviceOperations = {
  getHealth: operation({
    operationId: 'getHealth',
    method: 'get',
    path: '/health',
    tag: 'Service',
    summary: 'Liveness',
    description: 'The API process answers, whatever its database and Temporal do (see /ready).',
    roles: 'public',
    response: z.object({ status: z.literal('ok') }),
    examples: { response: { status: 'ok' } },
  }),
  getReady: operation({
    operationId: 'getReady',
    method: 'get',
    path: '/ready',
    tag: 'Service',
    summary: 'Readiness',
    description: 'The API reaches its database and Temporal, each within 1.5 s.',
    roles: 'public',
    response: z.object({ status: z.literal('ready'), database: z.literal('up'), temporal: z.literal('up') }),
    errors: { 503: 'The database or Temporal does not answer: `fields` names which (database, temporal); Retry-After says when to ask again' },
    examples: { response: { status: 'ready', database: 'up', temporal: 'up' } },
  }),
};
