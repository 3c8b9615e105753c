/**
 * LeadFlow measured from outside, as a CRM would use it: events go in through the real API
 * (`POST /api/events/batch`, `POST /api/events`) and count once the lead's read side shows them
 * (its snapshot's `eventCount`, read straight from the leads collection so that polling costs
 * one indexed query, not an API call per lead).
 */
import type mongoose from 'mongoose';
import { benchEvent, groupedBatches, interleavedBatches, leadIds, type BenchEvent } from './bench-events';
import { every, forEachConcurrently, sleep } from './pool';
import { percentiles, whole, type Log, type Percentiles } from './report';

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
const PROGRESS_MS = 3_000;
/**
 * Pauses between reads of the read side while a throughput phase runs: the end is known to
 * within this. FerretDB decodes every document it returns (about 0.15 ms each on this machine),
 * so the pause grows with the read, to keep watching below a tenth of its time.
 */
const THROUGHPUT_POLL_MS = 100;
const WATCH_SHARE = 0.1;
/**
 * The pause between reads of the leads waiting for a latency sample: adds up to this (and one
 * read) to each sample. Under a backlog many leads wait and a read takes longer; the pause then
 * grows to four times the read, so that watching never takes more than a fifth of FerretDB's time
 * and does not deepen the backlog it measures.
 */
const LATENCY_POLL_MS = 25;
const LATENCY_WATCH_SHARE = 0.2;

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

export interface LatencyResult {
  /** Events/s asked for. */
  rate: number;
  /** Events/s actually sent (the pacing falls behind when a send itself is slow). */
  sentRate: number;
  sent: number;
  /** 202 answers received. */
  acknowledged: number;
  visible: number;
  /** From the 202 to the read side showing the event. */
  ackToVisible: Percentiles | undefined;
  /** From sending the request to the read side showing the event. */
  sendToVisible: Percentiles | undefined;
  /** From sending the request to its 202. */
  sendToAck: Percentiles | undefined;
  /** Events visible before their own 202 arrived (their 202→visible counts as 0). */
  visibleBeforeAck: number;
  /** Reads of the read side while waiting for samples, and their mean duration (ms, mostly waiting for a busy machine): the cost of watching. */
  polls: number;
  pollMs: number;
}

export interface LatencyOptions {
  /** Events per second to send. */
  rate: number;
  seconds: number;
  /** Running leads to send to in turn, and how many events each was sent so far: updated as events are sent. */
  leads: Map<string, number>;
  log: Log;
  /**
   * `single`: one event a request (`POST /api/events`), each sent when due. `batched`: the
   * interleaved stream as a live feed sends it, every `BATCH_EVERY_MS` one `POST
   * /api/events/batch` with the events that fell due since (one per lead), each timed from that
   * batch's 202.
   */
  delivery?: 'single' | 'batched';
  /** How long to wait for the last events to show. */
  drainMs?: number;
}

/** How often the batched latency phases send what fell due: a live feed that collects for a tenth of a second. */
export const BATCH_EVERY_MS = 100;

interface Sample {
  leadId: string;
  /** The lead's eventCount once this event is applied. */
  expected: number;
  sentAt: number;
  ackAt?: number;
  seenAt?: number;
}

/**
 * Sends events at `rate` per second for `seconds`, on a fixed schedule whatever the answers (open
 * loop, as real traffic), one a request or in a batch every tenth of a second (`delivery`), and
 * times each from its 202 until the lead's read side shows it. The leads are those of a
 * throughput phase, already running, in turn: each gets its next event only after all the others
 * got one, so a batch never holds two events of one lead.
 */
export async function measureLatency(api: LeadFlowApi, options: LatencyOptions): Promise<LatencyResult> {
  const { log, rate } = options;
  const pool = [...options.leads.keys()];
  const count = Math.max(1, Math.round(rate * options.seconds));
  const poolSize = pool.length;
  const batched = options.delivery === 'batched';
  const how = batched ? `in a batch every ${BATCH_EVERY_MS} ms (about ${whole((rate * BATCH_EVERY_MS) / 1000)} events each)` : 'one event a request';
  log(`latency at ${rate.toFixed(1)} events/s: sending ${whole(count)} events over ${options.seconds} s, ${how}, to ${whole(poolSize)} running leads in turn (one every ${(poolSize / rate).toFixed(1)} s each)`);
  const samples: Sample[] = [];
  const waiting = new Set<Sample>();
  const started = performance.now();
  let sendingDone = false;
  const stopProgress = every(PROGRESS_MS, () => {
    const seen = samples.filter((s) => s.seenAt !== undefined);
    const recent = percentiles(seen.slice(-200).map((s) => Math.max(0, (s.seenAt as number) - (s.ackAt ?? s.sentAt))));
    log(`  latency at ${rate.toFixed(1)}/s: sent ${whole(samples.length)} / ${whole(count)}, visible ${whole(seen.length)}, waiting ${whole(waiting.size)}${recent ? `, recent 202→visible p50 ${Math.round(recent.p50)} ms, p95 ${Math.round(recent.p95)} ms` : ''}`);
  });
  const watch = { polls: 0, pollMs: 0 };
  const polling = pollUntilSeen(api, waiting, () => sendingDone, options.drainMs ?? 60_000, watch);
  const sends: Array<Promise<void>> = [];
  let lastSentAt = started;
  try {
    const counters = { resent: 0 };
    for (let i = 0; i < count; ) {
      // What falls due now: the next event, or in a batched phase every event due by the next tick.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const until = batched ? Math.max(performance.now(), due) + BATCH_EVERY_MS : due;
      const events: BenchEvent[] = [];
      const batch: Sample[] = [];
      const sentAt = performance.now();
      for (; i < count && (events.length === 0 || (started + (i * 1000) / rate < until && events.length < Math.min(poolSize, API_MAX_BATCH))); i++) {
        const lead = i % poolSize;
        const leadId = pool[lead] as string;
        const index = options.leads.get(leadId) as number;
        options.leads.set(leadId, index + 1);
        // Dated a second ago: it just happened.
        events.push({ ...benchEvent(leadId, lead, index, index + 1, Date.now()), occurredAt: new Date(Date.now() - 1_000).toISOString() });
        batch.push({ leadId, expected: index + 1, sentAt });
      }
      for (const sample of batch) {
        samples.push(sample);
        waiting.add(sample);
      }
      lastSentAt = sentAt;
      const sending = batched ? deliverBatch(api, events, counters) : sendOne(api, events[0] as BenchEvent);
      sends.push(
        sending.then(() => {
          const ackAt = performance.now();
          for (const sample of batch) sample.ackAt = ackAt;
        }),
      );
    }
    await Promise.all(sends);
    sendingDone = true;
    await polling;
  } finally {
    sendingDone = true;
    stopProgress();
  }

  const seen = samples.filter((s) => s.seenAt !== undefined && s.ackAt !== undefined);
  const result: LatencyResult = {
    rate,
    sentRate: count / Math.max(0.001, (lastSentAt - started) / 1000 + 1 / rate),
    sent: samples.length,
    acknowledged: samples.filter((s) => s.ackAt !== undefined).length,
    visible: samples.filter((s) => s.seenAt !== undefined).length,
    ackToVisible: percentiles(seen.map((s) => Math.max(0, (s.seenAt as number) - (s.ackAt as number)))),
    sendToVisible: percentiles(seen.map((s) => (s.seenAt as number) - s.sentAt)),
    sendToAck: percentiles(samples.filter((s) => s.ackAt !== undefined).map((s) => (s.ackAt as number) - s.sentAt)),
    visibleBeforeAck: seen.filter((s) => (s.seenAt as number) < (s.ackAt as number)).length,
    polls: watch.polls,
    pollMs: watch.pollMs / Math.max(1, watch.polls),
  };
  const p = result.ackToVisible;
  log(
    `latency at ${rate.toFixed(1)} events/s, ${batched ? 'batched' : 'single'} (sent at ${result.sentRate.toFixed(1)}/s): ${whole(result.visible)} of ${whole(result.sent)} visible; ` +
      `202→visible p50 ${p ? Math.round(p.p50) : '-'} ms, p95 ${p ? Math.round(p.p95) : '-'} ms, p99 ${p ? Math.round(p.p99) : '-'} ms ` +
      `(watched with ${whole(result.polls)} reads of the read side, ${result.pollMs.toFixed(1)} ms each on average)`,
  );
  return result;
}

/**
 * Reads the leads of the samples still waiting every few milliseconds, by `_id` (FerretDB reads
 * them through its `_id` index), and stamps each sample the first time its lead shows it.
 * Resolves when nothing waits and sending is done, or `drainMs` after sending is done.
 */
async function pollUntilSeen(
  api: LeadFlowApi,
  waiting: Set<Sample>,
  sendingDone: () => boolean,
  drainMs: number,
  watch: { polls: number; pollMs: number },
): Promise<void> {
  let doneAt: number | undefined;
  let pause = LATENCY_POLL_MS;
  for (;;) {
    if (sendingDone()) {
      doneAt ??= performance.now();
      if (waiting.size === 0 || performance.now() - doneAt > drainMs) return;
    }
    if (waiting.size > 0) {
      const ids = [...new Set([...waiting].map((s) => s.leadId))];
      const asked = performance.now();
      const rows = await api.leads.find({ _id: { $in: ids } }, { projection: { eventCount: 1 } }).toArray();
      // Stamped when the answer is back: a sample is never earlier than the read that showed it.
      const now = performance.now();
      watch.polls += 1;
      watch.pollMs += now - asked;
      pause = Math.max(LATENCY_POLL_MS, ((now - asked) * (1 - LATENCY_WATCH_SHARE)) / LATENCY_WATCH_SHARE);
      const counts = new Map(rows.map((row) => [row._id, row.eventCount]));
      for (const sample of waiting) {
        if ((counts.get(sample.leadId) ?? 0) >= sample.expected) {
          sample.seenAt = now;
          waiting.delete(sample);
        }
      }
    }
    await sleep(pause);
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
async function deliverBatch(api: LeadFlowApi, batch: readonly BenchEvent[], counters: { resent: number }): Promise<void> {
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
async function sendOne(api: LeadFlowApi, event: BenchEvent): Promise<void> {
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
