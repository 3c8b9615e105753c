/**
 * Backtests score historical leads through the live scoring entry point, `createScorer`: each
 * lead's profile arrives as one CRM sync (a `custom` event named `crm_sync` carrying all its
 * attributes, as the API sends it, normalised with the model's value maps), so attribute triggers fire exactly as they would live; the
 * points are summed per score within its caps, and predictive scores are computed from the same
 * attributes.
 */
import { advance, emptyMemory } from '../lead-context';
import { createScorer, type Scorer } from '../score-event';
import { applyHits, type Scores } from '../score-state';
import type { CompiledModel, FactValue, LeadEvent } from '../types';

export interface ScoreLeadsOptions {
  /** A scorer already built for `model` (building one is the expensive part). */
  scorer?: Scorer;
  /** Called every `progressEvery` leads and at the end. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /**
   * The instant the leads are synced and scored at (default: a fixed one, 2000-01-01). Rules on
   * the age of a date attribute measure it to then: a calibration passes the day its export's
   * ages count to, so that the backtest scores the ages the model was fitted on.
   */
  at?: string;
}

/** A fixed instant: a backtest must not depend on the clock. */
const SYNCED_AT = '2000-01-01T00:00:00.000Z';

/**
 * Every score of the model for each lead (attributes without `lead.`), in input order. Scores no
 * rule touched are 0.
 */
export async function scoreLeads(model: CompiledModel, leads: ReadonlyArray<Record<string, FactValue>>, options: ScoreLeadsOptions = {}): Promise<Scores[]> {
  const scorer = options.scorer ?? createScorer(model);
  const every = options.progressEvery ?? 500;
  const zero = Object.fromEntries(model.scores.map((score) => [score.id, 0]));
  const out: Scores[] = [];
  for (let i = 0; i < leads.length; i++) {
    const event: LeadEvent = {
      eventId: `backtest-${i}`,
      leadId: `backtest-${i}`,
      type: 'custom',
      properties: { name: 'crm_sync' },
      attributes: leads[i] as Record<string, FactValue>,
      occurredAt: options.at ?? SYNCED_AT,
    };
    const { context } = advance(emptyMemory(), event, model.valueMaps);
    const scores = applyHits(zero, await scorer.score(event, context), model.scores);
    for (const predicted of await scorer.predict(context.attributes, event.occurredAt)) scores[predicted.score] = predicted.value;
    out.push(scores);
    if ((i + 1) % every === 0 && i + 1 < leads.length) options.onProgress?.(i + 1, leads.length);
  }
  options.onProgress?.(leads.length, leads.length);
  return out;
}
