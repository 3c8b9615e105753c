/**
 * Replays a lead's events under a model version with the same rules as live scoring (points,
 * limits, caps): what rescoring a lead computes. Used by the rescoreLead activity and by the
 * rescoring benchmark.
 */
import { advance } from '../engine/lead-context';
import type { Scorer } from '../engine/score-event';
import type { CompiledModel, LeadEvent, PointsLimits } from '../engine/types';
import { applyEvent, initialState, modelPolicies } from './lead-state';
import type { Rescored } from './rescore-state';

export async function replayLead(scorer: Scorer, model: { version: number; compiled: CompiledModel }, leadId: string, events: readonly LeadEvent[]): Promise<Rescored> {
  const policies = modelPolicies(model);
  const limitsOf = new Map<string, PointsLimits>();
  for (const rule of model.compiled.rules) if (rule.limits) limitsOf.set(rule.id, rule.limits);
  const replay = initialState(leadId, new Date(0).toISOString());
  replay.policies = policies;
  for (const event of events) {
    const { context } = advance(replay.memory, event);
    const hits = await scorer.score(event, context);
    const predicted = context.changedAttributes.length > 0 ? await scorer.predict(context.attributes) : [];
    const limits: Record<string, PointsLimits> = {};
    for (const hit of hits) {
      const ruleLimits = limitsOf.get(hit.ruleId);
      if (ruleLimits) limits[hit.ruleId] = ruleLimits;
    }
    applyEvent(replay, event, { hits, limits, predicted }, event.occurredAt);
  }
  return { scores: replay.snapshot.scores, ruleUsage: replay.ruleUsage, policies };
}
