import { z } from 'zod';
import { CRM_OUTCOMES } from '../../../engine/types';
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

/** How far past the API's clock an event may be dated when `LEADFLOW_MAX_FUTURE_SKEW_SECONDS` is not set. */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 300;

/** What the time checks of incoming events compare with. */
export interface EventClock {
  /** How far past `now` an `occurredAt` may lie: senders' clocks drift a little, never years. */
  maxFutureSkewSeconds: number;
  /** Milliseconds since the epoch; the system clock unless a test fixes it. */
  now?: () => number;
}

/**
 * When something happened: an ISO date-time with an offset, at most `maxFutureSkewSeconds` after
 * now (checked when a request is parsed, so a refused one changes nothing).
 */
export function occurredAtSchema({ maxFutureSkewSeconds, now = Date.now }: EventClock) {
  return z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) <= now() + maxFutureSkewSeconds * 1_000, {
      error: (issue) => `${String(issue.input)} is in the future: an event may be dated at most ${maxFutureSkewSeconds} s after the server's clock (${new Date(now()).toISOString()})`,
      // Only a well-formed date is compared; a malformed one is named for its format alone.
      when: (payload) => payload.issues.length === 0,
    })
    .describe(`When it happened (ISO 8601 with an offset); at most LEADFLOW_MAX_FUTURE_SKEW_SECONDS (default ${DEFAULT_MAX_FUTURE_SKEW_SECONDS}) after the server's clock`);
}

/**
 * The event schema the API checks incoming events with: its shape, the CRM outcome rule, and
 * `occurredAt` against `clock`.
 */
export function leadEventSchemaFor(clock: EventClock) {
  return withCrmOutcomeRule(
    z.strictObject({
      eventId: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces'),
      leadId: leadIdSchema,
      type: z.enum(EVENT_TYPES),
      properties: factMap.default({}).describe(`Facts about the event; a crm_outcome event needs "outcome": one of ${CRM_OUTCOMES.join(', ')}`),
      attributes: factMap.optional(),
      occurredAt: occurredAtSchema(clock),
    }),
  );
}

export type LeadEventSchema = ReturnType<typeof leadEventSchemaFor>;
export type LeadEventInput = z.infer<LeadEventSchema>;

/**
 * Adds the rule that a `crm_outcome` event's `properties.outcome` is one of `CRM_OUTCOMES`,
 * reported at `properties.outcome` with the allowed values, alongside other fields' problems.
 */
export function withCrmOutcomeRule<T extends z.ZodType<{ type: string; properties: Record<string, unknown> }>>(schema: T): T {
  return schema.refine((event) => event.type !== 'crm_outcome' || (CRM_OUTCOMES as readonly unknown[]).includes(event.properties?.outcome), {
    path: ['properties', 'outcome'],
    error: (issue) => {
      const given = (issue.input as { properties?: Record<string, unknown> } | undefined)?.properties?.outcome;
      return `a crm_outcome event needs properties.outcome, one of ${CRM_OUTCOMES.join(', ')}; got ${given === undefined ? 'none' : JSON.stringify(given)}`;
    },
    // Checked whenever type and properties are themselves valid, so it is named with other fields' problems.
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'type' && issue.path?.[0] !== 'properties'),
  });
}

/** Events sent together; each one is checked on its own, so a bad one never holds up the rest. */
export const MAX_BATCH = 1_000;
export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).min(1, 'send at least one event').max(MAX_BATCH, `send at most ${MAX_BATCH} events at a time`),
});

const fieldError = z.object({ path: z.string(), message: z.string() });

/** What became of one event of a batch. */
export const batchItemResultSchema = z.object({
  index: z.number().int().nonnegative(),
  eventId: z.string().optional(),
  status: z
    .enum(['accepted', 'duplicate', 'rejected', 'failed'])
    .describe('accepted: new, delivered; duplicate: its event id was seen for this lead, no effect; rejected: refused as it is, nothing applied (see code); failed: not delivered, retry it'),
  code: z
    .enum(['invalid_request', 'conflict'])
    .optional()
    .describe('For rejected items: invalid_request when a field is wrong (see fields), conflict when its event id already belongs to another lead (named in reason), as a single event would get 400 or 409'),
  /** For rejected items: what is wrong. For failed ones: why it could not be delivered (retry it). */
  reason: z.string().optional(),
  fields: z.array(fieldError).optional(),
});

const count = z.number().int().nonnegative();
export const batchResultSchema = z.object({
  accepted: count,
  duplicate: count,
  rejected: count,
  failed: count,
  results: z.array(batchItemResultSchema),
});

export type BatchItemResult = z.infer<typeof batchItemResultSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
