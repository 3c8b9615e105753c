/**
 * The lead workflow's I/O: scoring a batch of events with the current model, routing a
 * qualified lead, and writing the read side. Built by a factory so the worker hands in real
 * repositories and tests plain fakes.
 */
import { assignOwner } from '../engine/assign-owner';
import { advance, type LeadMemory } from '../engine/lead-context';
import { createScorer, type Scorer } from '../engine/score-event';
import type { CompiledModel, FactValue, LeadEvent, PointsLimits } from '../engine/types';
import type { BulkRescore, Notification, ProjectionWrite, Rescored, RoutedLead, ScoredBatch, StoredRescore } from './lead.definitions';
import { modelPolicies } from './lead-state';
import { replayLead } from './rescore-lead';

// Declared with the workflow's definitions (the workflow and the API use them without this
// module's code); re-exported for the modules that have always found them here.
export type { Notification, ProjectionWrite, RoutedLead, ScoredBatch } from './lead.definitions';

export interface PublishedModel {
  version: number;
  compiled: CompiledModel;
}

export interface LeadActivityDeps {
  /** The newest published model version. */
  currentModel(): Promise<PublishedModel>;
  /** One published version (routing uses the version that qualified the lead). */
  modelVersion(version: number): Promise<PublishedModel>;
  /**
   * The round-robin position for `routeId` to use for `handoffId`: the same handoff always gets
   * the same position, so a retried activity does not skip an owner.
   */
  roundRobinPosition(routeId: string, handoffId: string): Promise<number>;
  /**
   * Marks the lead's read side busy for a turn of its workflow and returns the bulk rescoring
   * stored there for it, if any.
   */
  beginTurn(leadId: string): Promise<StoredRescore | null>;
  /** Ends a turn that wrote nothing: clears the busy mark if the read side is at `revision` or older. */
  endTurn(leadId: string, revision: number): Promise<void>;
  /** Writes a lead's read side (and appends to its history) idempotently: a repeated or older write changes nothing. */
  writeProjection(write: ProjectionWrite): Promise<void>;
  /** Tells subscribers (webhooks) of a handoff change; throws to be retried. */
  notify(notification: Notification): Promise<void>;
  /** A lead's stored events, oldest first; with `eventIds`, only those. */
  eventsForLead(leadId: string, eventIds?: readonly string[]): Promise<LeadEvent[]>;
  /** Lead ids after `after` in id order, at most `limit`; and how many leads there are. */
  listLeadIds(after: string, limit: number): Promise<string[]>;
  countLeads(): Promise<number>;
}

export function createLeadActivities(deps: LeadActivityDeps) {
  // One scorer per model version for the life of the worker: engines are costly to build.
  const scorers = new Map<number, Scorer>();
  const scorerFor = (model: PublishedModel) => {
    let scorer = scorers.get(model.version);
    if (!scorer) {
      scorer = createScorer(model.compiled);
      scorers.set(model.version, scorer);
    }
    return scorer;
  };

  return {
    /** Scores each event in order, each in the context the lead had at that event. */
    async scoreEvents(input: { events: LeadEvent[]; memory: LeadMemory }): Promise<ScoredBatch> {
      const model = await deps.currentModel();
      const scorer = scorerFor(model);
      const rules = new Map(model.compiled.rules.map((rule) => [rule.id, rule]));
      const limits: Record<string, PointsLimits> = {};
      const results: ScoredBatch['results'] = [];
      let memory = input.memory;
      let segment: string | undefined = await scorer.segmentOf(memory.attributes);
      for (const event of input.events) {
        const { context, next } = advance(memory, event);
        if (context.changedAttributes.length > 0) segment = await scorer.segmentOf(context.attributes);
        const hits = await scorer.score(event, context);
        for (const hit of hits) {
          const ruleLimits = rules.get(hit.ruleId)?.limits;
          if (ruleLimits) limits[hit.ruleId] = ruleLimits;
        }
        // Predictive scores follow the lead's attributes: recomputed when they change.
        const predicted = context.changedAttributes.length > 0 ? await scorer.predict(context.attributes) : [];
        results.push({ eventId: event.eventId, hits, ...(segment !== undefined && { segment }), ...(predicted.length > 0 && { predicted }) });
        memory = next;
      }
      return { ...modelPolicies(model), limits, results };
    },

    /** Picks the route (and owner) for a lead that qualified through `sourceId`. */
    async routeLead(input: { modelVersion: number; sourceId: string; attributes: Record<string, FactValue>; handoffId: string }): Promise<RoutedLead> {
      const model = await deps.modelVersion(input.modelVersion);
      const route = await scorerFor(model).route(input.sourceId, input.attributes);
      if (!route) return { route: null };
      const position = route.strategy === 'round_robin' ? await deps.roundRobinPosition(route.id, input.handoffId) : 0;
      const owner = assignOwner(route, position, input.handoffId);
      const { id, name, team, queue, slaHours, escalateTo, maxEscalations } = route;
      return { route: { id, name, team, queue, slaHours, ...(escalateTo !== undefined && { escalateTo }), maxEscalations }, ...(owner !== undefined && { owner }) };
    },

    /**
     * The start of a turn of the lead's workflow: the bulk rescoring stored for it, if it was
     * computed from the revision the workflow is at (an older one was taken already).
     */
    async beginTurn(input: { leadId: string; revision: number }): Promise<BulkRescore | null> {
      const stored = await deps.beginTurn(input.leadId);
      if (!stored || stored.base !== input.revision) return null;
      const { base, ledgerSize, modelVersion, events, scores, ruleUsage } = stored;
      const model = await deps.modelVersion(modelVersion);
      return { base, ledgerSize, delivery: { modelVersion, events, rescored: { scores, ruleUsage, policies: modelPolicies(model) } } };
    },

    async endTurn(input: { leadId: string; revision: number }): Promise<void> {
      await deps.endTurn(input.leadId, input.revision);
    },

    async writeProjection(write: ProjectionWrite): Promise<void> {
      await deps.writeProjection(write);
    },

    async notify(notification: Notification): Promise<void> {
      await deps.notify(notification);
    },

    /**
     * Replays a lead's stored events through the same state rules as live scoring, under
     * `modelVersion`; with `eventIds`, only those (the events the lead has applied).
     */
    async rescoreLead(input: { leadId: string; modelVersion: number; eventIds?: string[] }): Promise<Rescored> {
      const model = await deps.modelVersion(input.modelVersion);
      // Only the events the lead has applied, when it says which: one stored but not yet delivered is scored when it arrives.
      const stored = await deps.eventsForLead(input.leadId, input.eventIds);
      return replayLead(scorerFor(model), model, input.leadId, stored);
    },

    listLeadIds: (input: { after: string; limit: number }) => deps.listLeadIds(input.after, input.limit),
    countLeads: () => deps.countLeads(),
  };
}

export type LeadActivities = ReturnType<typeof createLeadActivities>;
