import type { LeadInput } from '../../../engine/lifecycle/lifecycle';
import { createScorer } from '../../../engine/score-event';
import type { LeadEvent } from '../../../engine/types';
import { compileGraph } from '../../../rules/compile-graph';
import { validateGraph } from '../../../rules/validate-graph';
import { simulateLead } from '../../../engine/lifecycle/simulate';
import type { EventRepository } from '../../db/events.repository';
import { HttpError, notFound } from '../../http/errors';
import type { ModelDeps } from '../models/models.service';
import { MAX_SIMULATED_EVENTS } from '../../contracts/simulations.contract';

const YEAR_MS = 366 * 86_400_000;

export interface SimulationRequest {
  graph?: unknown;
  attributes?: Record<string, string | number | boolean | null> | undefined;
  events?: Array<{ eventId?: string | undefined; type: LeadEvent['type']; properties: LeadEvent['properties']; attributes?: LeadEvent['attributes']; occurredAt: string }> | undefined;
  leadId?: string | undefined;
  until?: string | undefined;
}

export type SimulationDeps = ModelDeps & {
  events: EventRepository;
  /** A real lead's whole input log, when the store holds all of it. */
  inputsOf(leadId: string): Promise<LeadInput[] | null>;
};

/**
 * Runs a made-up or a real lead through a graph (the draft unless given); stores nothing. A real
 * lead is its whole input log (its events, and sales' answers to its handoffs) up to now, so
 * that under the live version it gives what its page shows.
 */
export async function simulate(deps: SimulationDeps, modelId: string, request: SimulationRequest) {
  const graph = request.graph ?? (await deps.models.get(modelId))?.draft.graph;
  if (graph === undefined) throw notFound(`Model ${modelId}`);
  const { ok, issues } = validateGraph(graph);
  if (!ok) throw new HttpError(422, 'invalid_graph', 'The graph has errors; fix them to simulate it', undefined, issues);
  const compiled = compileGraph(graph);
  const leadId = request.leadId ?? 'simulated-lead';
  let events: LeadEvent[];
  let others: LeadInput[] = [];
  if (request.leadId !== undefined) {
    const log = await deps.inputsOf(request.leadId);
    // A lead whose log the store does not hold whole (yet): its stored events.
    events = log ? log.flatMap((input) => (input.kind === 'event' ? [input.event] : [])) : await deps.events.forLead(request.leadId);
    others = log ? log.filter((input) => input.kind !== 'event') : [];
    if (events.length === 0) throw notFound(`Events of lead ${request.leadId}`);
    if (events.length > MAX_SIMULATED_EVENTS) throw new HttpError(422, 'too_many_events', `Lead ${request.leadId} has ${events.length} events; a simulation takes at most ${MAX_SIMULATED_EVENTS}`);
  } else {
    events = (request.events ?? []).map((event, i) => ({
      ...event,
      eventId: event.eventId ?? `sim-${i + 1}`,
      leadId,
      occurredAt: new Date(event.occurredAt).toISOString(),
    })) as LeadEvent[];
  }
  const last = events.reduce((latest, event) => (event.occurredAt > latest ? event.occurredAt : latest), '');
  // A real lead is simulated up to now, as its page shows it; a made-up one to its last event.
  const until = request.until === undefined ? (request.leadId !== undefined ? new Date().toISOString() : undefined) : new Date(request.until).toISOString();
  if (request.until !== undefined && until && last && Date.parse(until) - Date.parse(last) > YEAR_MS) {
    throw new HttpError(400, 'invalid_request', 'until is more than a year after the last event', [{ path: 'body.until', message: 'at most a year after the last event' }]);
  }
  const result = await simulateLead(createScorer(compiled), compiled, { leadId, ...(request.attributes && { attributes: request.attributes }), events, inputs: others, ...(until && { until }) });
  return { modelId, leadId, events: events.length, scores: compiled.scores.map((score) => score.id), ...result };
}
