/**
 * LeadFlow measured from outside, as a CRM would use it: events go in through the real API
 * (`POST /api/events/batch`, `POST /api/events`) and count once the lead's read side shows them
 * (its snapshot's `eventCount`, read straight from the leads collection so that polling costs
 * one indexed query, not an API call per lead). The throughput phases are here, with the sending
 * both they and the latency phases (latency.ts) use.
 */
import type mongoose from 'mongoose';
import { groupedBatches, interleavedBatches, leadIds, type BenchEvent } from './bench-events';
import { every, forEachConcurrently, sleep } from './pool';
import { whole, type Log } from './report';

/** The running API and a read-only view of the leads it writes. */
export interface LeadFlowApi {
  url: string;
  adminKey: string;
  leads: mongoose.mongo.Collection<LeadRow>;
}

interface LeadRow {
  _id: string;
  eventCount: number;
}

export interface ThroughputResult {
  /** The phase's leads, each showing `perLead` events at the end. */
  leads: string[];
  perLead: number;
  events: number;
  batches: number;
  /** From the first request until every lead's read side showed all its events. */
  seconds: number;
  perSecond: number;
  /** Events/s the API acknowledged (202), first request to last answer. */
  ackPerSecond: number;
  /** Events the API answered `failed` for (not delivered) and the benchmark sent again. */
  resent: number;
}

export interface ThroughputOptions {
  /**
   * `interleaved`: batches of one event per lead; `grouped`: batches of each lead's events
   * together; `single`: one event a request (`POST /api/events`), in the interleaved order, as the
   * bare ceiling sends its signals.
   */
  delivery: 'interleaved' | 'grouped' | 'single';
  leads: number;
  perLead: number;
  tag: string;
  log: Log;
  /** Requests in flight (default 2 batches, or 16 single events as the bare ceiling's signals). */
  inFlight?: number;
  maxBatch?: number;
  stallMs?: number;
}

/** The API's own limit on a batch (events.schemas.ts MAX_BATCH). */
export const API_MAX_BATCH = 1_000;
export const PROGRESS_MS = 3_000;
/**
 * Pauses between reads of the read side while a throughput phase runs: the end is known to
 * within this. FerretDB decodes every document it returns (about 0.15 ms each on this machine),
 * so the pause grows with the read, to keep watching below a tenth of its time.
 */
const THROUGHPUT_POLL_MS = 100;
const WATCH_SHARE = 0.1;
/** Sends `leads` x `perLead` events in batches, `inFlight` requests at a time, and waits until all are visible. */
export async function measureThroughput(api: LeadFlowApi, options: ThroughputOptions): Promise<ThroughputResult> {
  const { log, leads: leadCount, perLead, delivery } = options;
  const single = delivery === 'single';
  const inFlight = options.inFlight ?? (single ? 16 : 2);
  const maxBatch = options.maxBatch ?? API_MAX_BATCH;
  const prefix = { interleaved: 'lf-i', grouped: 'lf-g', single: 'lf-s' }[delivery];
  const leads = leadIds(prefix, options.tag, leadCount);
  const startedAt = Date.now();
  const batches =
    delivery === 'grouped'
      ? groupedBatches(leads, perLead, startedAt, maxBatch)
      : single
        ? interleavedBatches(leads, perLead, startedAt, maxBatch).flatMap((batch) => batch.map((event) => [event]))
        : interleavedBatches(leads, perLead, startedAt, maxBatch);
  const total = leadCount * perLead;
  const shape = {
    interleaved: `POST /api/events/batch, one event per lead per batch, ${whole(Math.min(maxBatch, leadCount))} events a batch`,
    grouped: `POST /api/events/batch, each lead's ${perLead} events together, ${whole(Math.min(leadCount, Math.max(1, Math.floor(maxBatch / perLead))))} leads a batch`,
    single: `POST /api/events, one event a request, each lead's next after every lead's previous one`,
  }[delivery];
  log(`LeadFlow ${delivery}: ${whole(leadCount)} leads x ${perLead} events, ${shape}, ${inFlight} requests in flight`);

  const started = performance.now();
  let acknowledged = 0;
  let ackedAt = started;
  const counters = { resent: 0 };
  let visible = { leads: 0, events: 0 };
  const stopProgress = every(PROGRESS_MS, () => {
    const elapsed = (performance.now() - started) / 1000;
    log(`  ${delivery}: acknowledged ${whole(acknowledged)} / ${whole(total)} (${whole(acknowledged / elapsed)}/s), visible ${whole(visible.events)} events (${whole(visible.events / elapsed)}/s), ${whole(visible.leads)} / ${whole(leadCount)} leads complete`);
  });
  try {
    const sending = forEachConcurrently(batches, inFlight, async (batch) => {
      await (single ? sendOne(api, batch[0] as BenchEvent) : deliverBatch(api, batch, counters));
      acknowledged += batch.length;
    }).then(() => {
      ackedAt = performance.now();
    });
    let failedSending: unknown;
    sending.catch((err: unknown) => {
      failedSending = err;
    });
    const watch = completionWatch(api, leads, perLead);
    let lastChange = performance.now();
    for (;;) {
      if (failedSending) throw failedSending;
      const asked = performance.now();
      const now = await watch();
      const readMs = performance.now() - asked;
      if (now.events !== visible.events) lastChange = performance.now();
      visible = now;
      if (visible.leads >= leadCount) break;
      const stallMs = options.stallMs ?? 120_000;
      if (performance.now() - lastChange > stallMs) {
        throw new Error(`bench:live: no LeadFlow event became visible for ${stallMs / 1000} s (${whole(visible.events)} of ${whole(total)}); see the worker's and API's logs`);
      }
      await sleep(Math.max(THROUGHPUT_POLL_MS, readMs / WATCH_SHARE));
    }
    const finished = performance.now();
    await sending;
    const seconds = (finished - started) / 1000;
    const result: ThroughputResult = {
      leads,
      perLead,
      events: total,
      batches: batches.length,
      seconds,
      perSecond: total / seconds,
      ackPerSecond: total / ((ackedAt - started) / 1000),
      resent: counters.resent,
    };
    log(
      `LeadFlow ${delivery}: ${whole(total)} events visible end to end in ${seconds.toFixed(1)} s: ${whole(result.perSecond)} events/s ` +
        `(the API acknowledged ${whole(result.ackPerSecond)}/s${result.resent ? `; ${whole(result.resent)} events answered "failed" were sent again` : ''})`,
    );
    return result;
  } finally {
    stopProgress();
  }
}

/**
 * Reads how many of `leads` show all `perLead` events, and how many of their events show. Each
 * read asks only for the leads not yet complete, by `_id` (FerretDB reads them through its `_id`
 * index), so reads get cheaper as the phase ends.
 */
function completionWatch(api: LeadFlowApi, leads: readonly string[], perLead: number): () => Promise<{ leads: number; events: number }> {
  const counts = new Map<string, number>();
  let incomplete = [...leads];
  return async () => {
    for (let first = 0; first < incomplete.length; first += API_MAX_BATCH) {
      const rows = await api.leads.find({ _id: { $in: incomplete.slice(first, first + API_MAX_BATCH) } }, { projection: { eventCount: 1 } }).toArray();
      for (const row of rows) counts.set(row._id, Math.min(perLead, row.eventCount));
    }
    incomplete = incomplete.filter((leadId) => (counts.get(leadId) ?? 0) < perLead);
    let events = 0;
    for (const count of counts.values()) events += count;
    return { leads: leads.length - incomplete.length, events };
  };
}

const headers = (api: LeadFlowApi) => ({ authorization: `Bearer ${api.adminKey}`, 'content-type': 'application/json' });

/** Tries a request again after a refusal that asks for it (503 with Retry-After, 429) this many times. */
const MAX_ATTEMPTS = 20;

/**
 * Posts a batch until every event in it is delivered: events the API answers `failed` (not
 * delivered) are sent again, which its idempotence by event id makes safe. Any event refused as
 * invalid is a fault of the benchmark, and stops it.
 */
export async function deliverBatch(api: LeadFlowApi, batch: readonly BenchEvent[], counters: { resent: number }): Promise<void> {
  let pending = batch;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`bench:live: ${pending.length} events were still not delivered after ${MAX_ATTEMPTS} attempts`);
    const response = await fetch(`${api.url}/api/events/batch`, { method: 'POST', headers: headers(api), body: JSON.stringify({ events: pending }) });
    if (await backedOff(response)) continue;
    const text = await response.text();
    if (response.status !== 202) throw new Error(`bench:live: POST /api/events/batch answered ${response.status}: ${text.slice(0, 500)}`);
    const answer = JSON.parse(text) as { rejected: number; results: Array<{ index: number; status: string; reason?: string }> };
    const rejected = answer.results.find((r) => r.status === 'rejected');
    if (rejected) throw new Error(`bench:live: the API rejected a benchmark event: ${rejected.reason ?? ''}`);
    const failed = answer.results.filter((r) => r.status === 'failed').map((r) => pending[r.index] as BenchEvent);
    counters.resent += failed.length;
    pending = failed;
    if (failed.length > 0) await sleep(500);
  }
}

/** Posts one event until it is acknowledged. */
export async function sendOne(api: LeadFlowApi, event: BenchEvent): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${api.url}/api/events`, { method: 'POST', headers: headers(api), body: JSON.stringify(event) });
    if (attempt < MAX_ATTEMPTS && (await backedOff(response))) continue;
    const text = await response.text();
    if (response.status !== 202) throw new Error(`bench:live: POST /api/events answered ${response.status}: ${text.slice(0, 500)}`);
    return;
  }
}

/** True (after waiting as asked) when the API pushed back with 503 or 429: send the same again. */
async function backedOff(response: Response): Promise<boolean> {
  if (response.status !== 503 && response.status !== 429) return false;
  await response.body?.cancel();
  const retryAfter = Number(response.headers.get('retry-after'));
  await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000);
  return true;
}
