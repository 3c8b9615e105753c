import { z } from 'zod';
import { CRM_OUTCOMES } from '../../engine/types';
import { EVENT_TYPES } from '../../rules/facts-catalogue';
import { fieldErrorSchema } from './errors.contract';
import { count, factKey, factValue } from './fields';
import { operation } from './operation';

/** Lead ids appear in workflow and handoff ids: keep them to URL-safe characters. */
export const leadIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@+-]+$/, 'use letters, digits and . _ @ + - only');

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
      eventId: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces').describe('Unique per event: sending it again has no effect'),
      leadId: leadIdSchema.describe('The lead it happened to; a new id starts a new lead'),
      type: z.enum(EVENT_TYPES).describe('What happened'),
      properties: factMap.default({}).describe(`Facts about the event; a crm_outcome event needs "outcome": one of ${CRM_OUTCOMES.join(', ')}`),
      attributes: factMap.optional().describe('Lead attributes this event sets (a form fill), read by rules as lead.<key>'),
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
  // The same rule in the document, for clients and generators (zod cannot write a refinement there).
  const documented = {
    if: { properties: { type: { const: 'crm_outcome' } }, required: ['type'] },
    then: { properties: { properties: { properties: { outcome: { enum: [...CRM_OUTCOMES] } }, required: ['outcome'] } }, required: ['properties'] },
  };
  return schema.meta(documented).refine((event) => event.type !== 'crm_outcome' || (CRM_OUTCOMES as readonly unknown[]).includes(event.properties?.outcome), {
    path: ['properties', 'outcome'],
    error: (issue) => {
      const given = (issue.input as { properties?: Record<string, unknown> } | undefined)?.properties?.outcome;
      return `a crm_outcome event needs properties.outcome, one of ${CRM_OUTCOMES.join(', ')}; got ${given === undefined ? 'none' : JSON.stringify(given)}`;
    },
    // Checked whenever type and properties are themselves valid, so it is named with other fields' problems;
    // never on what is not an object at all (a batch's `null` item), which has no fields to read.
    when: (payload) =>
      typeof payload.value === 'object' && payload.value !== null && payload.issues.every((issue) => issue.path?.[0] !== 'type' && issue.path?.[0] !== 'properties'),
  });
}

/** Events sent together; each one is checked on its own, so a bad one never holds up the rest. */
export const MAX_BATCH = 1_000;
export const eventBatchSchema = z.strictObject({
  events: z
    .array(z.unknown())
    .min(1, 'send at least one event')
    .max(MAX_BATCH, `send at most ${MAX_BATCH} events at a time`)
    .describe(`Up to ${MAX_BATCH} events, each shaped as POST /api/events takes it; each one is checked on its own`),
});

/** What became of one event of a batch. */
export const batchItemResultSchema = z.object({
  index: z.number().int().nonnegative().describe("The event's place in the batch, from 0"),
  eventId: z.string().optional().describe('The event id, when the item has one'),
  status: z
    .enum(['accepted', 'duplicate', 'rejected', 'failed'])
    .describe('accepted: new, delivered; duplicate: its event id was seen for this lead, no effect; rejected: refused as it is, nothing applied (see code); failed: not delivered, retry it'),
  code: z
    .enum(['invalid_request', 'conflict'])
    .optional()
    .describe('For rejected items: invalid_request when a field is wrong (see fields), conflict when its event id already belongs to another lead (named in reason), as a single event would get 400 or 409'),
  reason: z.string().optional().describe('For rejected items: what is wrong. For failed ones: why it could not be delivered (retry it)'),
  fields: z.array(fieldErrorSchema).optional().describe('For invalid items: each field that is wrong'),
});

export const batchResultSchema = z.object({
  accepted: count.describe('Events new and delivered'),
  duplicate: count.describe('Events seen before: no effect'),
  rejected: count.describe('Events refused as they are: nothing applied'),
  failed: count.describe('Events not delivered: retry them'),
  results: z.array(batchItemResultSchema).describe('One result per event, in the order sent'),
});

export type BatchItemResult = z.infer<typeof batchItemResultSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;

/** What became of one event. */
export const eventResultSchema = z.object({
  eventId: z.string(),
  leadId: z.string(),
  status: z.enum(['accepted', 'duplicate']).describe("accepted: new, delivered to the lead's workflow; duplicate: its event id was seen for this lead, no effect"),
});

const exampleEvent = { eventId: 'ev-7', leadId: 'lead-42', type: 'page_view', properties: { url: '/pricing' }, occurredAt: '2026-03-01T08:00:00Z' };

export const eventsOperations = {
  sendEvent: operation({
    operationId: 'sendEvent',
    method: 'post',
    path: '/events',
    tag: 'Events',
    summary: 'Send one lead event',
    description: "Sends one thing a lead did (a page view, an email click, a form, a CRM outcome) to the lead's workflow, which scores it. Idempotent by eventId: the same event again has no effect.",
    roles: ['ingest'],
    status: 202,
    body: leadEventSchemaFor({ maxFutureSkewSeconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS }),
    response: eventResultSchema,
    errors: {
      400: 'A field is invalid (each named), e.g. a crm_outcome without a known outcome, or occurredAt in the future; nothing was applied',
      409: 'The eventId already belongs to another lead (named); nothing was applied',
      503: 'LeadFlow is behind on delivering events (code overloaded, with Retry-After), or the lead is taking in a burst of events (code lead_busy); nothing was applied: retry',
    },
    examples: { request: exampleEvent, response: { eventId: 'ev-7', leadId: 'lead-42', status: 'accepted' } },
  }),
  sendEventBatch: operation({
    operationId: 'sendEventBatch',
    method: 'post',
    path: '/events/batch',
    tag: 'Events',
    summary: `Send up to ${MAX_BATCH} events`,
    description: 'Sends up to 1,000 events at once, with a result per event: a bad one is rejected with its reasons, the others go in. New leads in the batch are started in bulk.',
    roles: ['ingest'],
    status: 202,
    body: eventBatchSchema,
    response: batchResultSchema,
    errors: {
      400: 'The batch itself is malformed (no events, too many); nothing was applied',
      503: 'LeadFlow is behind on delivering events (code overloaded, with Retry-After); nothing of the batch was applied: retry',
    },
    examples: {
      request: { events: [exampleEvent, { ...exampleEvent, eventId: 'ev-8', occurredAt: 'yesterday' }] },
      response: {
        accepted: 1,
        duplicate: 0,
        rejected: 1,
        failed: 0,
        results: [
          { index: 0, eventId: 'ev-7', status: 'accepted' },
          { index: 1, eventId: 'ev-8', status: 'rejected', code: 'invalid_request', reason: 'occurredAt: Invalid ISO datetime', fields: [{ path: 'occurredAt', message: 'Invalid ISO datetime' }] },
        ],
      },
    },
  }),
};
