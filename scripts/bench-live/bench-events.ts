/**
 * The events `npm run bench:live` sends, and the two orders it sends them in: interleaved (one
 * event per lead per batch, as a live stream of many leads) and grouped (each lead's events
 * together, as a CRM backfill). Every date is relative to the run's start, never a calendar
 * date, and never after it: the API refuses events dated more than a few minutes ahead.
 */

/** An event as `POST /api/events` takes it. */
export interface BenchEvent {
  eventId: string;
  leadId: string;
  type: string;
  properties: Record<string, string | number | boolean | null>;
  attributes?: Record<string, string | number | boolean | null>;
  occurredAt: string;
}

/** What a lead does: web, email, forms, webinars. No unsubscribe or CRM outcome, so every lead stays open and counts every event. */
const KINDS: ReadonlyArray<Pick<BenchEvent, 'type' | 'properties'>> = [
  { type: 'page_view', properties: { url: '/pricing' } },
  { type: 'page_view', properties: { url: '/blog/scoring-101' } },
  { type: 'page_view', properties: { url: '/products/analytics' } },
  { type: 'email_open', properties: {} },
  { type: 'email_open', properties: {} },
  { type: 'email_click', properties: {} },
  { type: 'form_submit', properties: { form: 'newsletter' } },
  { type: 'content_download', properties: { assetType: 'guide' } },
  { type: 'webinar_registered', properties: {} },
];
const SENIORITY = ['vp', 'director', 'staff', 'student'];
const INDUSTRY = ['software', 'retail', 'finance'];
const COUNTRY = ['US', 'DE', 'BR'];

/** The lead ids of one phase: `<prefix>-<tag>-<n>`. */
export function leadIds(prefix: string, tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${tag}-${String(i).padStart(6, '0')}`);
}

/**
 * Event `index` of `count` of lead number `lead`: over the hour before `startedAt`, in order, so
 * that each lead's history is plausible and none of it lies in the future.
 */
export function benchEvent(leadId: string, lead: number, index: number, count: number, startedAt: number): BenchEvent {
  const kind = KINDS[(lead * 7 + index * 3) % KINDS.length] as (typeof KINDS)[number];
  const hourAgo = startedAt - 3_600_000;
  return {
    eventId: `${leadId}-${index}`,
    leadId,
    type: kind.type,
    properties: { ...kind.properties },
    // The first event carries what a form or CRM knows, so fit rules have something to score.
    ...(index === 0 && {
      attributes: {
        seniority: SENIORITY[lead % SENIORITY.length] as string,
        companySize: 10 + ((lead * 37) % 5000),
        country: COUNTRY[lead % COUNTRY.length] as string,
        industry: INDUSTRY[lead % INDUSTRY.length] as string,
      },
    }),
    occurredAt: new Date(hourAgo + Math.floor(((index + 1) * 3_600_000) / (count + 1))).toISOString(),
  };
}

/** Every lead's `perLead` events, round by round: event 0 of every lead, then event 1, … */
export function interleavedStream(leads: readonly string[], perLead: number, startedAt: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let index = 0; index < perLead; index++) {
    leads.forEach((leadId, lead) => events.push(benchEvent(leadId, lead, index, perLead, startedAt)));
  }
  return events;
}

/**
 * The interleaved stream cut into batches of at most `maxBatch` that never hold two events of
 * one lead: each round of the stream is cut on its own.
 */
export function interleavedBatches(leads: readonly string[], perLead: number, startedAt: number, maxBatch: number): BenchEvent[][] {
  const stream = interleavedStream(leads, perLead, startedAt);
  const batches: BenchEvent[][] = [];
  for (let round = 0; round < perLead; round++) {
    for (let first = 0; first < leads.length; first += maxBatch) {
      const from = round * leads.length + first;
      batches.push(stream.slice(from, from + Math.min(maxBatch, leads.length - first)));
    }
  }
  return batches;
}

/** Each lead's whole history in one batch, as many leads a batch as `maxBatch` holds. */
export function groupedBatches(leads: readonly string[], perLead: number, startedAt: number, maxBatch: number): BenchEvent[][] {
  const leadsPerBatch = Math.max(1, Math.floor(maxBatch / perLead));
  const batches: BenchEvent[][] = [];
  for (let first = 0; first < leads.length; first += leadsPerBatch) {
    const batch: BenchEvent[] = [];
    for (let lead = first; lead < Math.min(leads.length, first + leadsPerBatch); lead++) {
      for (let index = 0; index < perLead; index++) batch.push(benchEvent(leads[lead] as string, lead, index, perLead, startedAt));
    }
    batches.push(batch);
  }
  return batches;
}
