import { z } from 'zod';
import { EVENT_TYPES } from '../../../rules/facts-catalogue';
import { leadIdSchema, withCrmOutcomeRule } from '../events/events.schemas';

const factKey = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'keys are letters, digits and "_", starting with a letter');
const factValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);

/** Events a simulation takes at most. */
export const MAX_SIMULATED_EVENTS = 2_000;

export const simulateBody = z
  .strictObject({
    /** The graph to run; the model's draft when absent. */
    graph: z.unknown().optional(),
    /** A made-up lead: its starting attributes and a timeline. */
    attributes: z.record(factKey, factValue).optional(),
    events: z
      .array(
        // A made-up timeline may lie in the future; its CRM outcomes are the real ones.
        withCrmOutcomeRule(
          z.strictObject({
            eventId: z.string().min(1).max(200).optional(),
            type: z.enum(EVENT_TYPES),
            properties: z.record(factKey, factValue).default({}),
            attributes: z.record(factKey, factValue).optional(),
            occurredAt: z.iso.datetime({ offset: true }),
          }),
        ),
      )
      .max(MAX_SIMULATED_EVENTS)
      .optional(),
    /** Or a real lead: its stored events, run through the graph. */
    leadId: leadIdSchema.optional(),
    /** Let decay and SLA timers run until then (at most a year after the last event). */
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((body) => (body.events === undefined) !== (body.leadId === undefined), { message: 'give events (a made-up lead) or leadId (a real one), one of them', path: ['events'] });
