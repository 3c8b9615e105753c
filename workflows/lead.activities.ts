/**
 * The lead workflow's I/O: scoring a batch of events with the current model, and writing the
 * read side. Built by a factory so the worker hands in real repositories and tests plain fakes.
 */
import { createScorer, type Scorer } from '../engine/score-event';
import type { CompiledModel, CompiledThreshold, LeadEvent, RuleHit } from '../engine/types';
import type { Handoff, LeadSnapshot, LedgerEntry } from './lead.definitions';

export interface PublishedModel {
  version: number;
  compiled: CompiledModel;
}

export interface ProjectionWrite {
  snapshot: LeadSnapshot;
  ledger: LedgerEntry[];
  handoffs: Handoff[];
}

export interface LeadActivityDeps {
  /** The newest published model version. */
  currentModel(): Promise<PublishedModel>;
  /** Writes a lead's read side idempotently: a repeated or older write changes nothing. */
  writeProjection(write: ProjectionWrite): Promise<void>;
}

export interface ScoredBatch {
  modelVersion: number;
  thresholds: CompiledThreshold[];
  results: Array<{ eventId: string; hits: RuleHit[] }>;
}

export function createLeadActivities(deps: LeadActivityDeps) {
  // One scorer per model version for the life of the worker: engines are costly to build.
  const scorers = new Map<number, Scorer>();

  return {
    /** Scores each event (with the attributes the lead had at that event) under the current model. */
    async scoreEvents(events: LeadEvent[]): Promise<ScoredBatch> {
      const model = await deps.currentModel();
      let scorer = scorers.get(model.version);
      if (!scorer) {
        scorer = createScorer(model.compiled);
        scorers.set(model.version, scorer);
      }
      const results = [];
      for (const event of events) results.push({ eventId: event.eventId, hits: await scorer.score(event) });
      return { modelVersion: model.version, thresholds: model.compiled.thresholds, results };
    },

    async writeProjection(write: ProjectionWrite): Promise<void> {
      await deps.writeProjection(write);
    },
  };
}

export type LeadActivities = ReturnType<typeof createLeadActivities>;
