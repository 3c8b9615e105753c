/** Simulating a lead through a graph before it is published; nothing is stored. */
import { z } from 'zod';
import type { Simulation } from '../../engine/lifecycle/simulate';
import { STAGES } from '../../engine/types';
import { EVENT_TYPES } from '../../rules/facts-catalogue';
import { leadIdSchema, withCrmOutcomeRule } from './events.contract';
import { factKey, factValue, instant } from './fields';
import { handoffSchema, stageChangeSchema } from './leads.contract';
import { modelParams } from './models.contract';
import { operation } from './operation';

/** Events a simulation takes at most. */
export const MAX_SIMULATED_EVENTS = 2_000;

export const simulateBody = z
  .strictObject({
    graph: z.unknown().optional().describe("The graph to run; the model's draft when absent"),
    attributes: z.record(factKey, factValue).optional().describe("A made-up lead's starting attributes"),
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
      .optional()
      .describe(`A made-up lead's timeline, at most ${MAX_SIMULATED_EVENTS} events`),
    leadId: leadIdSchema.optional().describe('Or a real lead: its whole input log (events, sales answers) up to now'),
    until: z.iso.datetime({ offset: true }).optional().describe('Let decay and SLA timers run until then (at most a year after the last event)'),
  })
  .refine((body) => (body.events === undefined) !== (body.leadId === undefined), { message: 'give events (a made-up lead) or leadId (a real one), one of them', path: ['events'] })
  // The same rule in the document, for clients and generators.
  .meta({ oneOf: [{ required: ['events'] }, { required: ['leadId'] }] });
export type SimulationRequest = z.input<typeof simulateBody>;

export const simulationStepSchema = z.object({
  at: instant,
  kind: z.enum(['event', 'answer', 'timer']).describe('A timer step is time passing (decay, an SLA running out); an answer step is sales answering a handoff'),
  event: z.object({ eventId: z.string(), type: z.string() }).optional().describe('The event of an event step'),
  answer: z.object({ handoffId: z.string(), decision: z.string() }).optional().describe('The sales answer of an answer step'),
  entries: z.array(z.object({ ruleId: z.string(), ruleName: z.string(), score: z.string(), points: z.number(), reason: z.string() })).describe('Points given or taken at this step'),
  stageChanges: z.array(stageChangeSchema),
  handoff: handoffSchema.pick({ handoffId: true, queue: true, team: true, owner: true, status: true, slaDueAt: true }).optional(),
  scores: z.record(z.string(), z.number()),
  total: z.number(),
  stage: z.enum(STAGES),
  grade: z.string().nullable(),
  segment: z.string().nullable(),
});

export const simulationResultSchema = z.object({
  modelId: z.string(),
  leadId: z.string().describe('The real lead, or "simulated-lead"'),
  events: z.number().int().describe('Events run'),
  scores: z.array(z.string()).describe("The model's score ids, in its order"),
  steps: z.array(simulationStepSchema),
  truncated: z.boolean().describe('True when there were more deadline steps to `until` than a simulation shows; the tail is cut'),
  until: instant.describe('The moment the simulation ran to: `until`, or the last input when later (a real lead: now). Steps are the moments something changed; the lead stays as the last step left it until then'),
}) satisfies z.ZodType<Simulation>;
export type SimulationResult = z.infer<typeof simulationResultSchema>;
export type SimulationStep = z.infer<typeof simulationStepSchema>;
export type SimulatedEvent = z.input<typeof simulateBody>['events'] extends (infer E)[] | undefined ? E : never;

export const simulationsOperations = {
  simulate: operation({
    operationId: 'simulate',
    method: 'post',
    path: '/models/:modelId/simulate',
    tag: 'Models',
    summary: 'Simulate a lead',
    description: "Runs a made-up lead's timeline, or a real lead's whole input log (events, sales answers) up to now, through the draft (or a given graph): score over time, rules fired, decay, stage changes. Nothing is stored.",
    roles: ['marketing'],
    params: modelParams,
    body: simulateBody,
    response: simulationResultSchema,
    errors: { 404: 'No such model, or the lead has no events', 422: 'The graph has errors (invalid_graph), or the lead has more events than a simulation takes (too_many_events)' },
    examples: {
      request: { events: [{ type: 'page_view', properties: { url: '/pricing' }, occurredAt: '2026-03-01T08:00:00Z' }] },
      response: {
        modelId: 'default',
        leadId: 'simulated-lead',
        events: 1,
        scores: ['fit', 'engagement'],
        steps: [
          {
            at: '2026-03-01T08:00:00.000Z',
            kind: 'event',
            event: { eventId: 'sim-1', type: 'page_view' },
            entries: [{ ruleId: 'pricing-visit', ruleName: 'Pricing page', score: 'engagement', points: 20, reason: 'page view where URL starts with /pricing: +20 engagement' }],
            stageChanges: [{ stage: 'lead', at: '2026-03-01T08:00:00.000Z', reason: 'first event' }],
            scores: { fit: 0, engagement: 20 },
            total: 20,
            stage: 'lead',
            grade: null,
            segment: null,
          },
        ],
        truncated: false,
        until: '2026-03-01T08:00:00.000Z',
      },
    },
  }),
};
