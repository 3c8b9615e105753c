/**
 * The bare ceiling of `npm run bench:live`: what the same Temporal server does for workflows
 * that do nothing but count their events (bare.workflow.ts), fed exactly as the issue measured
 * it: one `signalWithStart` per event, 16 in flight, the leads interleaved as in LeadFlow's
 * interleaved stream. A worker of the benchmark's own runs them on a task queue of its own.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type InjectedSinks } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { BareActivities, BareSinks } from './bare.workflow';
import { countedQuery, countSignal } from './bare.workflow';
import { benchEvent, interleavedStream, leadIds } from './bench-events';
import { every, forEachConcurrently, sleep } from './pool';
import { percentiles, whole, type Log, type Percentiles } from './report';

export interface CeilingResult {
  events: number;
  /** From the first signal until every workflow had counted all its events. */
  seconds: number;
  perSecond: number;
  /** Until the last signalWithStart returned. */
  sentPerSecond: number;
}

export interface CeilingOptions {
  temporalAddress: string;
  leads: number;
  perLead: number;
  /** Tells this run's workflow ids apart from an earlier run's on a shared server. */
  tag: string;
  log: Log;
  /** signalWithStart calls in flight. */
  inFlight?: number;
  /** Give up when no event has been counted for this long. */
  stallMs?: number;
  /** Workflows and events each of the unmeasured warm-up for each kind of workflow (default 16 x 2). */
  warmUp?: { leads: number; perLead: number };
}

const TASK_QUEUE = 'bench-live-bare';
const WORKFLOWS_PATH = fileURLToPath(new URL('./bare.workflow.ts', import.meta.url));
const PROGRESS_MS = 3_000;

/** The bare ceiling's latency at one rate: single signals to its running local-activity workflows. */
export interface BareLatencyResult {
  rate: number;
  sent: number;
  counted: number;
  /** From the signalWithStart's return (the server has the event: the API's 202) to the workflow counting it after its local activity. */
  ackToCounted: Percentiles | undefined;
}

/** The bare ceiling's worker, kept running across the benchmark's phases. */
export interface BareCeiling {
  /** The signals-only workflow, then the one with a local activity per turn. */
  throughput(): Promise<{ signalsOnly: CeilingResult; localActivity: CeilingResult }>;
  /**
   * Single signals at `rate` per second for `seconds` to the local-activity workflows the
   * throughput phase left running, open loop, each timed from its signalWithStart's return to the
   * workflow's count after the local activity: what LeadFlow's latency phases measure, for a
   * workflow that does nothing.
   */
  latency(rate: number, seconds: number): Promise<BareLatencyResult>;
  close(): Promise<void>;
}

/** Starts the bare ceiling's worker on a task queue of its own. */
export async function openBareCeiling(options: CeilingOptions): Promise<BareCeiling> {
  const { log } = options;
  // The SDK's INFO lines (bundle sizes, worker state) would drown the progress lines.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const clientConnection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection: clientConnection });
  /** Each workflow's highest reported count, by workflow id. */
  const totals = new Map<string, number>();
  /** Latency samples waiting for their workflow's count, by workflow id. */
  const waiting = new Map<string, LatencySample[]>();
  const activities: BareActivities = { turn: async () => undefined };
  const sinks = {
    bench: {
      counted: {
        fn: (info: { workflowId: string }, total: number) => {
          totals.set(info.workflowId, Math.max(total, totals.get(info.workflowId) ?? 0));
          const samples = waiting.get(info.workflowId);
          if (!samples) return;
          const now = performance.now();
          for (const sample of samples.filter((s) => s.expected <= total)) sample.countedAt ??= now;
          waiting.set(info.workflowId, samples.filter((s) => s.countedAt === undefined));
        },
      },
    },
  } satisfies InjectedSinks<BareSinks>;
  let running: Promise<void> | undefined;
  let worker: Worker | undefined;
  let laLeads: string[] = [];
  try {
    log('bare ceiling: bundling the bare workflows for a worker of the benchmark’s own…');
    worker = await Worker.create({ connection, taskQueue: TASK_QUEUE, workflowsPath: WORKFLOWS_PATH, activities, sinks });
    running = worker.run();
  } catch (err) {
    await clientConnection.close();
    await connection.close();
    throw err;
  }
  return {
    async throughput() {
      // A few workflows of each kind first, unmeasured: the first phase must not pay for warming up the client and the worker.
      for (const workflowType of ['signalsOnlyWorkflow', 'localActivityWorkflow'] as const) {
        await measureOne(client, totals, workflowType, 'warm-up', { ...options, ...(options.warmUp ?? { leads: 16, perLead: 2 }), tag: `${options.tag}-warm`, log: () => undefined });
      }
      const signalsOnly = await measureOne(client, totals, 'signalsOnlyWorkflow', 'signals only', options);
      const localActivity = await measureOne(client, totals, 'localActivityWorkflow', '+ local activity', options);
      laLeads = leadIds('bare-la', options.tag, options.leads);
      return { signalsOnly, localActivity };
    },
    async latency(rate: number, seconds: number) {
      if (laLeads.length === 0) throw new Error('bench:live: the bare latency phase needs the throughput phase first (its workflows)');
      const count = Math.max(1, Math.round(rate * seconds));
      log(`bare + local activity at ${rate.toFixed(1)} events/s: ${whole(count)} single signals over ${seconds} s to ${whole(laLeads.length)} running workflows in turn`);
      const samples: LatencySample[] = [];
      const sends: Array<Promise<void>> = [];
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        const workflowId = laLeads[i % laLeads.length] as string;
        const expected = (totals.get(workflowId) ?? 0) + 1 + (waiting.get(workflowId)?.length ?? 0);
        const sample: LatencySample = { expected };
        samples.push(sample);
        waiting.set(workflowId, [...(waiting.get(workflowId) ?? []), sample]);
        const event = benchEvent(workflowId, i % laLeads.length, expected - 1, expected, Date.now());
        sends.push(
          client.workflow.signalWithStart('localActivityWorkflow', { taskQueue: TASK_QUEUE, workflowId, signal: countSignal, signalArgs: [event] }).then(() => {
            sample.ackAt = performance.now();
          }),
        );
      }
      await Promise.all(sends);
      const drainUntil = performance.now() + 60_000;
      while (samples.some((s) => s.countedAt === undefined) && performance.now() < drainUntil) await sleep(20);
      const counted = samples.filter((s) => s.countedAt !== undefined && s.ackAt !== undefined);
      const result = { rate, sent: samples.length, counted: counted.length, ackToCounted: percentiles(counted.map((s) => Math.max(0, (s.countedAt as number) - (s.ackAt as number)))) };
      const p = result.ackToCounted;
      log(`bare + local activity at ${rate.toFixed(1)} events/s: ${whole(result.counted)} of ${whole(result.sent)} counted; signal → counted p50 ${p ? Math.round(p.p50) : '-'} ms, p95 ${p ? Math.round(p.p95) : '-'} ms, p99 ${p ? Math.round(p.p99) : '-'} ms`);
      return result;
    },
    async close() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await clientConnection.close();
      await connection.close();
    },
  };
}

interface LatencySample {
  /** The workflow's count once this signal is counted. */
  expected: number;
  ackAt?: number;
  countedAt?: number;
}

async function measureOne(
  client: Client,
  totals: Map<string, number>,
  workflowType: 'signalsOnlyWorkflow' | 'localActivityWorkflow',
  label: string,
  options: CeilingOptions,
): Promise<CeilingResult> {
  const { log, perLead } = options;
  const inFlight = options.inFlight ?? 16;
  const stallMs = options.stallMs ?? 60_000;
  const prefix = workflowType === 'signalsOnlyWorkflow' ? 'bare-s' : 'bare-la';
  const leads = leadIds(prefix, options.tag, options.leads);
  const events = interleavedStream(leads, perLead, Date.now());
  const total = events.length;
  const counted = () => leads.reduce((sum, leadId) => sum + Math.min(perLead, totals.get(leadId) ?? 0), 0);

  log(`bare ${label}: ${whole(options.leads)} workflows x ${perLead} events, one signalWithStart per event, ${inFlight} in flight`);
  const started = performance.now();
  let sent = 0;
  let sentAt = started;
  const stopProgress = every(PROGRESS_MS, () => {
    const elapsed = (performance.now() - started) / 1000;
    const done = counted();
    log(`  bare ${label}: sent ${whole(sent)} / ${whole(total)}, counted ${whole(done)} (${whole(done / elapsed)} events/s)`);
  });
  try {
    const sending = forEachConcurrently(events, inFlight, async (event) => {
      // The workflow id is the lead id: the bare workflows are alone on their task queue.
      await client.workflow.signalWithStart(workflowType, { taskQueue: TASK_QUEUE, workflowId: event.leadId, signal: countSignal, signalArgs: [event] });
      sent += 1;
    }).then(() => {
      sentAt = performance.now();
    });
    let last = counted();
    let lastChange = performance.now();
    for (;;) {
      const done = counted();
      if (done >= total) break;
      if (done !== last) [last, lastChange] = [done, performance.now()];
      if (performance.now() - lastChange > stallMs) throw new Error(`bench:live: the bare ${label} workflows counted nothing for ${stallMs / 1000} s (${whole(done)} of ${whole(total)})`);
      await sleep(5);
    }
    const finished = performance.now();
    await sending;
    stopProgress();
    await confirmByQuery(client, leads, perLead, label);
    const seconds = (finished - started) / 1000;
    const result = { events: total, seconds, perSecond: total / seconds, sentPerSecond: total / ((sentAt - started) / 1000) };
    log(`bare ${label}: ${whole(total)} events counted in ${seconds.toFixed(1)} s: ${whole(result.perSecond)} events/s (signals sent at ${whole(result.sentPerSecond)}/s); then every workflow's query confirmed ${perLead} (not timed)`);
    return result;
  } finally {
    stopProgress();
  }
}

/** Asks every workflow for its count: the sinks told the time, the server's answer tells the truth. */
async function confirmByQuery(client: Client, leads: readonly string[], perLead: number, label: string): Promise<void> {
  const wrong: string[] = [];
  await forEachConcurrently(leads, 16, async (workflowId) => {
    const count = await client.workflow.getHandle(workflowId).query(countedQuery);
    if (count !== perLead) wrong.push(`${workflowId}: ${count}`);
  });
  if (wrong.length > 0) throw new Error(`bench:live: bare ${label} workflows answered counts other than ${perLead}: ${wrong.slice(0, 5).join(', ')}`);
}
