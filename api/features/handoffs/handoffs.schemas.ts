import { z } from 'zod';
import { REJECT_REASONS } from '../../../engine/types';

export const handoffParams = z.object({
  handoffId: z.string().min(3).max(140).regex(/^[A-Za-z0-9._@+-]+:\d+$/, 'a handoff id looks like "<leadId>:<n>"'),
});

export const queueParams = z.object({
  queue: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only'),
});

export const queueQuery = z.object({
  status: z.enum(['pending', 'accepted', 'rejected', 'expired', 'withdrawn']).default('pending'),
  /** One rep's view: handoffs assigned to them, and those assigned to nobody. */
  owner: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const note = z.string().max(2000);
export const acceptBody = z.strictObject({ note: note.optional() });
export const qualifyBody = acceptBody;
export const rejectBody = z.strictObject({ reason: z.enum(REJECT_REASONS), note: note.optional() });
export const takeBody = z.strictObject({});

/** Who the lead is, from its attributes: each field only when the lead has it. */
const person = z.object({
  name: z.string().optional().describe('First and last name'),
  company: z.string().optional(),
  title: z.string().optional().describe('Job title'),
  email: z.string().optional(),
});

/** A handoff as stored (engine/lead-records.ts `Handoff`). */
const handoff = z.object({
  handoffId: z.string(),
  leadId: z.string(),
  queue: z.string(),
  team: z.string(),
  owner: z.string().optional().describe('The rep it is assigned to; absent: anyone in the queue may take it'),
  routeId: z.string().optional(),
  status: z.enum(['pending', 'accepted', 'rejected', 'expired', 'withdrawn']),
  createdAt: z.string(),
  slaDueAt: z.string(),
  slaHours: z.number(),
  escalateTo: z.string().optional(),
  maxEscalations: z.number().int(),
  escalations: z.number().int(),
  score: z.number().describe("The lead's total score when it was handed off"),
  qualifiedBy: z.string().describe('The threshold or grade node that qualified the lead'),
  grade: z.string().optional(),
  modelVersion: z.number().int(),
  qualifiedAtSequence: z.number().int().optional(),
  decidedAt: z.string().optional(),
  reason: z.enum(REJECT_REASONS).optional(),
  note: z.string().optional(),
});

export const queueResponse = z.object({
  queue: z.string(),
  status: handoff.shape.status,
  handoffs: z.array(
    handoff.extend({
      person,
      scoreNow: z.number().nullable().describe("The lead's total score now (null: the lead's read side is gone)"),
      qualifiedWhy: z.string().optional().describe('Why the lead qualified, as its stage history recorded it at the handoff (the threshold it crossed and the route)'),
      topRules: z.array(z.object({ ruleId: z.string(), ruleName: z.string(), points: z.number() })).describe('The rules that gave the lead the most points up to the handoff'),
    }),
  ),
});
