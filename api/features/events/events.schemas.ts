import { z } from 'zod';
import { EVENT_TYPES } from '../../../rules/facts-catalogue';

/** Lead ids appear in workflow and handoff ids: keep them to URL-safe characters. */
export const leadIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@+-]+$/, 'use letters, digits and . _ @ + - only');

// Keys become fact names (`event.<key>`) and MongoDB field names: no "$", no ".".
const factKey = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'keys are letters, digits and "_", starting with a letter');
const factValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);
const factMap = z
  .record(factKey, factValue)
  .refine((map) => Object.keys(map).length <= 50, 'at most 50 keys');

export const leadEventSchema = z.strictObject({
  eventId: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces'),
  leadId: leadIdSchema,
  type: z.enum(EVENT_TYPES),
  properties: factMap.default({}),
  attributes: factMap.optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type LeadEventInput = z.infer<typeof leadEventSchema>;

/** Events sent together; each one is checked on its own, so a bad one never holds up the rest. */
export const MAX_BATCH = 1_000;
export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).min(1, 'send at least one event').max(MAX_BATCH, `send at most ${MAX_BATCH} events at a time`),
});
