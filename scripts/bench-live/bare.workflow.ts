/**
 * The bare ceiling of `npm run bench:live`: workflows that do nothing but count the events
 * signalled to them, so that the benchmark can compare LeadFlow with what the same Temporal
 * server does for a workflow with no work of its own. Bundled into the sandbox by the
 * benchmark's own worker: no Node built-ins, no I/O.
 */
import { condition, defineQuery, defineSignal, proxyLocalActivities, proxySinks, setHandler, type Sinks } from '@temporalio/workflow';

/** One event, with the same payload LeadFlow's API would send, so both carry the same bytes. */
export const countSignal = defineSignal<[unknown]>('count');
/** How many events this workflow has counted. */
export const countedQuery = defineQuery<number>('counted');

/**
 * Reports a workflow's count to the benchmark process without a server round trip: a sink runs
 * in the worker once the activation completes, so progress and the end of a phase cost nothing
 * on the path being measured. It carries the running total, not an increment, because a sink may
 * run twice for one activation (best effort): the benchmark keeps each workflow's highest total.
 */
export interface BareSinks extends Sinks {
  bench: { counted(total: number): void };
}

/** The local activity of `localActivityWorkflow`: a turn's worth of nothing, in the worker. */
export interface BareActivities {
  turn(events: number): Promise<void>;
}

const { bench } = proxySinks<BareSinks>();
const { turn } = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '10 seconds' });

/** Counts each signal in its handler; never completes (the benchmark leaves it running). */
export async function signalsOnlyWorkflow(): Promise<void> {
  let counted = 0;
  setHandler(countedQuery, () => counted);
  setHandler(countSignal, () => {
    counted += 1;
    bench.counted(counted);
  });
  await condition(() => false);
}

/**
 * Handlers only queue, as LeadFlow's do; each turn takes what is queued, runs one local activity
 * and counts the events only once it returns.
 */
export async function localActivityWorkflow(): Promise<void> {
  let queued = 0;
  let counted = 0;
  setHandler(countedQuery, () => counted);
  setHandler(countSignal, () => {
    queued += 1;
  });
  for (;;) {
    await condition(() => queued > 0);
    const taken = queued;
    queued = 0;
    await turn(taken);
    counted += taken;
    bench.counted(counted);
  }
}
