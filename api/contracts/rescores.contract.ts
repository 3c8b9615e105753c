/** Rescoring every lead under a version of the live model: start one, and watch its progress. */
import { z } from 'zod';
import { count } from './fields';
import { operation } from './operation';

const version = z.coerce.number().int().min(1);

export const rescoreBody = z.strictObject({
  modelVersion: version.optional().describe('The version of the live model to rescore under; its newest when absent'),
});

export const rescoreParams = z.object({ modelVersion: version.describe('The version rescored under').meta({ examples: [3] }) });

export const rescoreProgressSchema = z.object({
  modelVersion: z.number().int(),
  state: z.enum(['queued', 'running', 'done']).describe('queued: no worker has taken it up yet'),
  total: count.describe('Leads to rescore'),
  signalled: count.describe('Leads handled so far (their read side rewritten, or left to their own workflow)'),
  rescored: count.optional().describe('Leads whose read side the rescoring rewrote from their input log'),
  deferred: count.optional().describe('Leads whose workflow wrote meanwhile: each replays its own log under the version at its next turn'),
  woken: count.optional().describe('Leads whose stage or handoff changed: their workflow was given a turn at once to act on it'),
  events: count.optional().describe('Inputs replayed'),
  millis: z.object({ read: z.number(), replay: z.number(), write: z.number() }).optional().describe('Time the batches spent reading, replaying and writing, in ms'),
  batch: z.object({ phase: z.enum(['reading', 'replaying', 'writing']), leads: count, done: count }).optional().describe('The batch under way'),
  done: z.boolean(),
});

export const rescoresOperations = {
  startRescore: operation({
    operationId: 'startRescore',
    method: 'post',
    path: '/rescores',
    tag: 'Rescores',
    summary: 'Rescore every lead',
    description: 'Rescores every lead under a version of the live model (the newest when no body or no modelVersion is sent): each lead replays its inputs under that version. 202 with where to watch its progress.',
    roles: ['marketing'],
    status: 202,
    body: rescoreBody,
    response: z.object({
      rescoreId: z.string().describe('The rescoring workflow id'),
      modelVersion: z.number().int(),
      progress: z.string().describe('Where to watch it: GET this path'),
    }),
    location: { operationId: 'getRescore', path: '/rescores/:modelVersion' },
    errors: { 404: 'The live model has no such version', 409: 'A rescoring under this version is already running' },
    examples: { request: { modelVersion: 3 }, response: { rescoreId: 'rescore:default:v3', modelVersion: 3, progress: '/api/rescores/3' } },
  }),
  getRescore: operation({
    operationId: 'getRescore',
    method: 'get',
    path: '/rescores/:modelVersion',
    tag: 'Rescores',
    summary: 'Progress of a rescoring',
    description: 'Progress of a rescoring of the live model: queued (no worker has taken it up yet), running or done.',
    roles: ['marketing', 'reviewer'],
    params: rescoreParams,
    response: rescoreProgressSchema,
    errors: { 404: 'No rescoring under this version was started', 409: 'The rescoring ended without finishing', 503: 'The rescoring is under way but no worker answered within 5 s' },
    examples: { response: { modelVersion: 3, state: 'running', total: 10000, signalled: 4200, done: false } },
  }),
};
