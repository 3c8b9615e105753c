/**
 * Latency as `npm run bench:live` measures it: events sent on a fixed schedule to leads already
 * running, one a request or as a live feed batches them, each timed from its 202 until the
 * lead's read side shows it (read straight from the leads collection, as through-api.ts does).
 */
import { benchEvent, type BenchEvent } from './bench-events';
import { every, sleep } from './pool';
import { percentiles, whole, type Log, type Percentiles } from './report';
import { API_MAX_BATCH, deliverBatch, PROGRESS_MS, sendOne, type LeadFlowApi } from './through-api';

/**
 * The pause between reads of the leads waiting for a latency sample: adds up to this (and one
 * read) to each sample. Under a backlog many leads wait and a read takes longer; the pause then
 * grows to four times the read, so that watching never takes more than a fifth of FerretDB's time
 * and does not deepen the backlog it measures.
 */
const LATENCY_POLL_MS = 25;
const LATENCY_WATCH_SHARE = 0.2;

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
