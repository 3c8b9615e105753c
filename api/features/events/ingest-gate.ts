/**
 * Backpressure for event ingestion. Each request holds the deliveries it will make (one signal per
 * lead it carries events for) while it records and delivers them; when Temporal or the database
 * falls behind, deliveries take longer, the held count grows, and a request that would take it
 * past the limit is refused before anything is stored (503 `overloaded` with `Retry-After`), so a
 * client that retries loses and duplicates nothing. A flood of events to one lead holds one
 * delivery per request (its events go in one signal), so it does not crowd out other leads.
 */
import { HttpError } from '../../http/errors';

export interface IngestGate {
  /** Runs `work` holding `deliveries`, or throws 503 `overloaded` when they do not fit now. */
  run<T>(deliveries: number, work: () => Promise<T>): Promise<T>;
  /** Deliveries held right now. */
  readonly held: number;
}

/** Deliveries in flight across all requests, by default: far above what two cores deliver in a second. */
export const DEFAULT_MAX_DELIVERIES_IN_FLIGHT = 2_000;

export function createIngestGate(limit = DEFAULT_MAX_DELIVERIES_IN_FLIGHT, now: () => number = Date.now): IngestGate {
  let held = 0;
  // Deliveries finished lately, for the wait a refused client is told.
  let finished = 0;
  let since = now();
  return {
    get held() {
      return held;
    },
    async run(deliveries, work) {
      // A request bigger than the whole limit goes alone, or it could never go.
      if (held > 0 && held + deliveries > limit) {
        const seconds = Math.max(1, (now() - since) / 1000);
        const rate = finished / seconds;
        const retryAfter = Math.min(60, Math.max(1, Math.ceil((held + deliveries - limit) / Math.max(rate, 1))));
        throw new HttpError(503, 'overloaded', `LeadFlow is behind on delivering events (${held} deliveries in flight); nothing of this request was applied: retry in ${retryAfter} s`, undefined, undefined, retryAfter);
      }
      held += deliveries;
      try {
        return await work();
      } finally {
        held -= deliveries;
        finished += deliveries;
        // The rate over the last half minute or so.
        if (now() - since > 30_000) {
          finished = Math.round(finished / 2);
          since = now() - 15_000;
        }
      }
    },
  };
}

/** Runs `work` through the gate, waiting as long as it is told each time it is refused (background work: imports). */
export async function whenRoom<T>(gate: IngestGate, deliveries: number, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await gate.run(deliveries, work);
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'overloaded')) throw err;
      await new Promise((resolve) => setTimeout(resolve, (err.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** The leads a batch's items name (an item without a lead id counts as one). */
export function leadsIn(items: readonly unknown[]): number {
  return new Set(items.map((item, index) => (typeof (item as { leadId?: unknown })?.leadId === 'string' ? (item as { leadId: string }).leadId : `\u0000${index}`))).size;
}
