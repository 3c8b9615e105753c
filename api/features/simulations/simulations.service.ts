import { createScorer } from '../../../engine/score-event';
import type { LeadEvent } from '../../../engine/types';
import { compileGraph } from '../../../rules/compile-graph';
import { validateGraph } from '../../../rules/validate-graph';
import { simulateLead } from '../../../engine/lifecycle/simulate';
import type { EventRepository } from '../../db/events.repository';
import { HttpError, notFound } from '../../http/errors';
import type { ModelDeps } from '../models/models.service';
import { MAX_SIMULATED_EVENTS } from './simulations.schemas';

const YEAR_MS = 366 * 86_400_000;

export interface SimulationRequest {
  graph?: unknown;
  attributes?: Record<string, string | number | boolean | null> | undefined;
  events?: Array<{ eventId?: string | undefined; type: LeadEvent['type']; properties: LeadEvent['properties']; attributes?: LeadEvent['attributes']; occurredAt: string }> | undefined;
  leadId?: string | undefined;
  until?: string | undefined;
}

/** Runs a made-up or a real lead through a graph (the draft unless given); stores nothing. */
export async function simulate(deps: ModelDeps & { events: EventRepository }, modelId: string, request: SimulationRequest) {
  const graph = request.graph ?? (await deps.models.get(modelId))?.draft.graph;
  if (graph === undefined) throw notFound(`Model ${modelId}`);
  const { ok, issues } = validateGraph(graph);
  if (!ok) throw new HttpError(422, 'invalid_graph', 'The graph has errors; fix them to simulate it', undefined, issues);
  const compiled = compileGraph(graph);
  const leadId = request.leadId ?? 'simulated-lead';
  let events: LeadEvent[];
  if (request.leadId !== undefined) {
    events = await deps.events.forLead(request.leadId);
    if (events.length === 0) throw notFound(`Events of lead ${request.leadId}`);
    events = events.slice(-MAX_SIMULATED_EVENTS);
  } else {
    events = (request.events ?? []).map((event, i) => ({
      ...event,
      eventId: event.eventId ?? `sim-${i + 1}`,
      leadId,
      occurredAt: new Date(event.occurredAt).toISOString(),
    })) as LeadEvent[];
  }
  const last = events.reduce((latest, event) => (event.occurredAt > latest ? event.occurredAt : latest), '');
  const until = request.until === undefined ? undefined : new Date(request.until).toISOString();
  if (until && last && Date.parse(until) - Date.parse(last) > YEAR_MS) {
    throw new HttpError(400, 'invalid_request', 'until is more than a year after the last event', [{ path: 'body.until', message: 'at most a year after the last event' }]);
  }
  const result = await simulateLead(createScorer(compiled), compiled, { leadId, ...(request.attributes && { attributes: request.attributes }), events, ...(until && { until }) });
  return { modelId, leadId, events: events.length, scores: compiled.scores.map((score) => score.id), ...result };
}
