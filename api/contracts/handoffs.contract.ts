import { z } from 'zod';
import type { Person } from '../../engine/person';
import { REJECT_REASONS } from '../../engine/types';
import { count, slug } from './fields';
import { HANDOFF_STATUSES, handoffSchema, leadExamples, leadSchema } from './leads.contract';
import { operation } from './operation';

export const handoffParams = z.object({
  handoffId: z
    .string()
    .min(3)
    .max(140)
    .regex(/^[A-Za-z0-9._@+-]+:\d+$/, 'a handoff id looks like "<leadId>:<n>"')
    .describe('`<leadId>:<n>`, the n-th handoff of the lead')
    .meta({ examples: ['lead-42:1'] }),
});

export const queueParams = z.object({ queue: slug.describe('The sales queue, as the route nodes name it').meta({ examples: ['emea-enterprise'] }) });

export const queueQuery = z.object({
  status: z.enum(HANDOFF_STATUSES).default('pending').describe('The handoffs in this status'),
  owner: slug.optional().describe("One rep's view: handoffs assigned to them, and those assigned to nobody (a rep's own key always gets its own view)"),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Handoffs to return, at most 500'),
});

const note = z.string().max(2000).describe("Sales' note, kept with the answer");
export const acceptBody = z.strictObject({ note: note.optional() });
export const qualifyBody = acceptBody;
export const rejectBody = z.strictObject({ reason: z.enum(REJECT_REASONS).describe('Why: the feedback that tunes the model'), note: note.optional() });
export const takeBody = z.strictObject({});

/** Who the lead is, from its attributes: each field only when the lead has it. */
const person = z.object({
  name: z.string().optional().describe('First and last name'),
  company: z.string().optional(),
  title: z.string().optional().describe('Job title'),
  email: z.string().optional(),
}) satisfies z.ZodType<Person>;

export const queueResponse = z.object({
  queue: z.string(),
  status: handoffSchema.shape.status,
  handoffs: z.array(
    handoffSchema.extend({
      person: person.describe('Who the lead is, from its attributes'),
      scoreNow: z.number().nullable().describe("The lead's total score now (null: the lead's read side is gone)"),
      qualifiedWhy: z.string().optional().describe('Why the lead qualified, as its stage history recorded it at the handoff (the threshold it crossed and the route)'),
      topRules: z.array(z.object({ ruleId: z.string(), ruleName: z.string(), points: z.number() })).describe('The rules that gave the lead the most points up to the handoff'),
    }),
  ),
});
export type QueuedHandoff = z.infer<typeof queueResponse>['handoffs'][number];

const { lead } = leadExamples;
const decisionErrors = {
  400: 'A field is invalid (each named), e.g. a rejection without a reason',
  403: "The handoff is in another team's queue",
  404: 'No such handoff',
  409: 'The handoff can no longer take this answer: accept only a pending one; qualify or reject a pending or accepted one, never after it was qualified, rejected, expired or withdrawn',
};

export const handoffsOperations = {
  listQueues: operation({
    operationId: 'listQueues',
    method: 'get',
    path: '/sales/queues',
    tag: 'Sales',
    summary: 'Sales queues',
    description: 'Sales queues with their pending and total handoffs; a sales key sees its own queues only.',
    roles: ['sales'],
    response: z.object({
      queues: z.array(z.object({ queue: z.string(), pending: count.describe('Handoffs waiting for an answer'), total: count.describe('Handoffs ever made to the queue') })),
    }),
    examples: { response: { queues: [{ queue: 'emea-enterprise', pending: 3, total: 41 }] } },
  }),
  listQueueHandoffs: operation({
    operationId: 'listQueueHandoffs',
    method: 'get',
    path: '/sales/queues/:queue/handoffs',
    tag: 'Sales',
    summary: "A sales queue's handoffs",
    description: "A sales queue's handoffs in one status, oldest first, each with the person (name, company, title, email), the score at handoff and now, and why the lead qualified.",
    roles: ['sales'],
    params: queueParams,
    query: queueQuery,
    response: queueResponse,
    errors: { 403: "The queue is not one of the sales key's" },
    examples: {
      response: {
        queue: 'emea-enterprise',
        status: 'pending',
        handoffs: [{ ...lead.handoff!, person: { name: 'Ada Byron', company: 'Analytical Engines', title: 'VP Engineering', email: 'ada@example.com' }, scoreNow: 75, topRules: [{ ruleId: 'pricing-visit', ruleName: 'Pricing page', points: 20 }] }],
      },
    },
  }),
  takeHandoff: operation({
    operationId: 'takeHandoff',
    method: 'post',
    path: '/handoffs/:handoffId/take',
    tag: 'Sales',
    summary: 'Take a handoff nobody owns',
    description: "A sales rep takes a pending handoff that nobody owns: it is assigned to the rep of the caller's key. Answers the lead as it is afterwards.",
    roles: ['sales'],
    params: handoffParams,
    body: takeBody,
    response: leadSchema,
    errors: {
      400: 'A field is invalid (each named)',
      403: "The handoff is in another team's queue, or the key names no rep (a sales key with an owner)",
      404: 'No such handoff',
      409: 'Someone took the handoff first, or it is no longer pending (answered, expired or withdrawn); nothing changed',
    },
    examples: { request: {}, response: { ...lead, handoff: { ...lead.handoff!, owner: 'rep-ada' } } },
  }),
  acceptHandoff: operation({
    operationId: 'acceptHandoff',
    method: 'post',
    path: '/handoffs/:handoffId/accept',
    tag: 'Sales',
    summary: 'Accept a handoff',
    description: 'Sales accepts a handoff: the lead becomes sales-accepted (SAL). Answers the lead as it is afterwards.',
    roles: ['sales'],
    params: handoffParams,
    body: acceptBody,
    response: leadSchema,
    errors: decisionErrors,
    examples: { request: { note: 'Called, interested' }, response: { ...lead, stage: 'sal', handoff: { ...lead.handoff!, status: 'accepted', decidedAt: '2026-03-02T12:00:00.000Z', note: 'Called, interested' } } },
  }),
  qualifyHandoff: operation({
    operationId: 'qualifyHandoff',
    method: 'post',
    path: '/handoffs/:handoffId/qualify',
    tag: 'Sales',
    summary: 'Qualify a lead',
    description: 'Sales qualified the lead (budget, authority, need, timeline): it becomes sales-qualified (SQL) and the handoff is closed. Answers the lead as it is afterwards.',
    roles: ['sales'],
    params: handoffParams,
    body: qualifyBody,
    response: leadSchema,
    errors: decisionErrors,
    examples: { request: { note: 'Budget confirmed' }, response: { ...lead, stage: 'sql', handoff: { ...lead.handoff!, status: 'accepted', decidedAt: '2026-03-02T12:00:00.000Z' } } },
  }),
  rejectHandoff: operation({
    operationId: 'rejectHandoff',
    method: 'post',
    path: '/handoffs/:handoffId/reject',
    tag: 'Sales',
    summary: 'Reject a handoff',
    description: "Sales rejects a handoff with a reason: the lead goes back to nurture and the model's recycle policy applies. Answers the lead as it is afterwards.",
    roles: ['sales'],
    params: handoffParams,
    body: rejectBody,
    response: leadSchema,
    errors: decisionErrors,
    examples: { request: { reason: 'no_budget', note: 'Next fiscal year' }, response: { ...lead, stage: 'nurture', handoff: { ...lead.handoff!, status: 'rejected', reason: 'no_budget', decidedAt: '2026-03-02T12:00:00.000Z' } } },
  }),
};
