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
