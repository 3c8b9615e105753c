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
import { interleavedStream, leadIds } from './bench-events';
import { every, forEachConcurrently, sleep } from './pool';
import { whole, type Log } from './report';

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
}

const TASK_QUEUE = 'bench-live-bare';
const WORKFLOWS_PATH = fileURLToPath(new URL('./bare.workflow.ts', import.meta.url));
const PROGRESS_MS = 3_000;

/** Measures the signals-only workflow, then the one with a local activity per turn. */
export async function measureBareCeiling(options: CeilingOptions): Promise<{ signalsOnly: CeilingResult; localActivity: CeilingResult }> {
  const { log } = options;
  // The SDK's INFO lines (bundle sizes, worker state) would drown the progress lines.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const clientConnection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection: clientConnection });
  /** Each workflow's highest reported count, by workflow id. */
  const totals = new Map<string, number>();
  const activities: BareActivities = { turn: async () => undefined };
  const sinks = {
    bench: {
      counted: {
        fn: (info: { workflowId: string }, total: number) => {
          totals.set(info.workflowId, Math.max(total, totals.get(info.workflowId) ?? 0));
        },
      },
    },
  } satisfies InjectedSinks<BareSinks>;
  try {
    log('bare ceiling: bundling the bare workflows for a worker of the benchmark’s own…');
    const worker = await Worker.create({ connection, taskQueue: TASK_QUEUE, workflowsPath: WORKFLOWS_PATH, activities, sinks });
    let signalsOnly: CeilingResult | undefined;
    let localActivity: CeilingResult | undefined;
    await worker.runUntil(async () => {
      // A few workflows of each kind first, unmeasured: the first phase must not pay for warming up the client and the worker.
      for (const workflowType of ['signalsOnlyWorkflow', 'localActivityWorkflow'] as const) {
        await measureOne(client, totals, workflowType, 'warm-up', { ...options, leads: 16, perLead: 2, tag: `${options.tag}-warm`, log: () => undefined });
      }
      signalsOnly = await measureOne(client, totals, 'signalsOnlyWorkflow', 'signals only', options);
      localActivity = await measureOne(client, totals, 'localActivityWorkflow', '+ local activity', options);
    });
    return { signalsOnly: signalsOnly as CeilingResult, localActivity: localActivity as CeilingResult };
  } finally {
    await clientConnection.close();
    await connection.close();
  }
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
