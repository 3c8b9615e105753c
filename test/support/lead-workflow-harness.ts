/**
 * The harness of the lead workflow tests (workflows/lead.workflow.test.ts): the real workflow code on
 * Temporal's time-skipping test server (months pass in seconds), with the activities' I/O replaced
 * by in-memory fakes. The integration tests in test/ run the same workflow with the real activities.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { FactValue, LeadEvent } from '../../engine/types';
import { compileGraph } from '../../rules/compile-graph';
import { b2bDefaultGraph } from '../../rules/templates';
import { timeSkippingServerOption } from '../../scripts/tools';
import { BUNDLE_OPTIONS, createLeadWorker, WORKFLOWS_PATH } from '../../workflows/create-worker';
import type { Notification, ProjectionWrite } from '../../workflows/lead.activities';
import { LEAD_CODE, leadEventSignal, leadEventsSignal, leadStateQuery, leadWorkflowId, salesDecisionUpdate, wakeSignal, type DeliveryStamp, type LeadInput, type LeadWorkflowInput, type LeadSnapshot, type LedgerEntry, type SalesDecisionInput } from '../../workflows/lead.definitions';
import { leadWorkflow } from '../../workflows/lead.workflow';
import { failedWorkflowTasks } from './failed-tasks';
import { ledgerOf } from './ledger';

export { ledgerOf } from './ledger';

let env: TestWorkflowEnvironment;
/** The current test's server (a fresh one per test). */
export function testEnv(): TestWorkflowEnvironment {
  return env;
}

let bundle: WorkflowBundleWithSourceMap;
/**
 * Temporal's Java test server now and then stalls inside `env.sleep` on a busy machine (the
 * unlock-time-skipping-with-sleep call never returns). A stalled sleep fails fast (SLEEP_WATCHDOG_MS),
 * the server is torn down so nothing hangs, and the test runs once more on a fresh server.
 */
const SLEEP_WATCHDOG_MS = 30_000;
export const RETRY = { retry: 1, timeout: 90_000 };
const model = { version: 1, compiled: compileGraph(b2bDefaultGraph) };
// Version 2 values the pricing page twice as much.
const model2 = {
  version: 2,
  compiled: compileGraph({ ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n)) }),
};
/** Another model, made live in a test: version 1 of it, with model2's rules (version numbers count up per model). */
export const OTHER_MODEL_ID = 'other';
const otherModel = { version: 1, compiled: model2.compiled };
/** How many leads each listing of a bulk rescoring's batches found, in order. */
export const rescoreListings: number[] = [];
/** The model's state as the store would give it: the newest version, and the one to rescore under. */
export const modelState: { modelId: string; latest: number; rescore?: number } = { modelId: 'default', latest: 1 };
/** Whether anyone listens to webhooks, as the worker tells its leads (on unless a test turns it off). */
export const listeners = { on: true };
/** Events each test lead was sent, as the API's event store would hold them. */
export const stored = new Map<string, LeadEvent[]>();
const HISTORIES = path.join(path.dirname(WORKFLOWS_PATH), 'histories');

/** Registers the hooks: the workflow bundle once, and a fresh time-skipping server for each test. */
export function useTimeSkippingServer(): void {
  beforeAll(async () => {
    bundle = await bundleWorkflowCode(BUNDLE_OPTIONS);
  });

  // One server per test, so that a stalled server never outlives its test.
  beforeEach(async () => {
    const server = await timeSkippingServerOption();
    const started = Date.now();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server });
    // The SDK gives the server 5 s to accept connections; keep an eye on the margin in CI logs.
    console.log(`time-skipping test server ready in ${Date.now() - started} ms`);
    // Time moves only when a test says so (env.sleep); otherwise the server would skip an idle
    // lead straight past its timers.
    await env.connection.testService?.lockTimeSkipping({});
  });

  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });
}

/** env.sleep, or a clear failure (and the server torn down) if the test server stalls. */
export async function sleepOnServer(ms: number): Promise<void> {
  const current = env;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void current.teardown().catch(() => undefined);
      reject(new Error(`the time-skipping test server stalled in a ${ms} ms sleep`));
    }, SLEEP_WATCHDOG_MS);
  });
  try {
    await Promise.race([current.sleep(ms), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** A lead's workflow on a worker of its own, with in-memory activities; `run` drives it. */
export async function withLead(leadId: string, run: (lead: Lead) => Promise<void>): Promise<{ writes: ProjectionWrite[]; notifications: Notification[] }> {
  const writes: ProjectionWrite[] = [];
  const notifications: Notification[] = [];
  const taskQueue = `test-${leadId}`;
  modelState.modelId = 'default';
  modelState.latest = 1;
  delete modelState.rescore;
  listeners.on = true;
  const lastWrite = (id: string) => writes.filter((write) => write.snapshot.leadId === id).at(-1);
  const worker = await createLeadWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { code: bundle.code },
    deps: {
      modelState: async () => ({ ...modelState }),
      modelVersion: async (modelId, version) => (modelId === OTHER_MODEL_ID ? otherModel : version === 2 ? model2 : model),
      roundRobinPosition: async () => 0,
      inputLog: async (id, count) => {
        const log = writes.filter((write) => write.snapshot.leadId === id).flatMap((write) => write.applied?.inputs ?? []);
        return log.length >= count ? log.slice(0, count) : null;
      },
      listLeadIds: async (after) => [...stored.keys()].filter((id) => id > after).sort(),
      countLeads: async () => stored.size,
      writeProjection: async (write) => {
        writes.push(structuredClone(write));
      },
      // A part of a long ledger rewrite: as a write of its own, carrying the last snapshot written.
      writeLedger: async (id, from, entries) => {
        writes.push(structuredClone({ ...(lastWrite(id) as ProjectionWrite), ledgerFrom: from, ledger: entries, handoffs: [], applied: undefined }));
      },
      listening: async () => listeners.on,
      notify: async (notification) => {
        notifications.push(structuredClone(notification));
      },
    },
    rescoreDeps: {
      modelVersion: async (_modelId, version) => (version === 2 ? model2 : model),
      requestRescore: async (_modelId, version) => void (modelState.rescore = version),
      // The test's leads as their last write left them.
      async leadsToRescore(after, limit) {
        const ids = [...stored.keys()]
          .filter((id) => id > after)
          .sort()
          .slice(0, limit);
        rescoreListings.push(ids.length);
        return ids.map((id) => {
          const snapshot = lastWrite(id)?.snapshot;
          return { leadId: id, revision: snapshot?.revision ?? 0, inputCount: snapshot?.inputCount ?? 0, stage: snapshot?.stage ?? 'lead', handoff: snapshot?.handoff ?? null };
        });
      },
      // The input log each lead's workflow appended with its writes.
      async completeHistories(leads) {
        const logs = new Map<string, LeadInput[]>();
        for (const { leadId: id, inputCount } of leads) {
          const inputs = writes.filter((write) => write.snapshot.leadId === id).flatMap((write) => write.applied?.inputs ?? []);
          if (inputs.length === inputCount && inputCount > 0) logs.set(id, inputs);
        }
        return logs;
      },
      async writeRescores(items) {
        const written = new Set<string>();
        for (const { base, snapshot, ledger, handoffs } of items) {
          if ((lastWrite(snapshot.leadId)?.snapshot.revision ?? 0) !== base) continue;
          writes.push(structuredClone({ snapshot, ledgerFrom: 0, ledger, handoffs, replace: true as const }));
          written.add(snapshot.leadId);
        }
        return written;
      },
      async wake(ids, rescore) {
        for (const id of ids) {
          // Leads of earlier tests lived on their own servers.
          await env.client.workflow
            .getHandle(leadWorkflowId(id))
            .signal(wakeSignal, { rescore })
            .catch((err: unknown) => {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
            });
        }
      },
    },
  });
  // A failing assertion must surface as itself, not as a worker that never finishes draining; and a
  // lead's workflow never ends by itself, so the test ends it before the worker shuts down.
  // Every lead of the journey is checked for failed workflow tasks before it is ended: Temporal
  // retries a task that throws until it passes, so the journey's results alone would not show it.
  let failure: unknown;
  let failedTasks: string[] = [];
  const family: Lead[] = [];
  const lead = new Lead(leadId, taskQueue, writes, family);
  await worker.runUntil(
    run(lead)
      .catch((err) => void (failure = err))
      .finally(async () => {
        try {
          failedTasks = (await Promise.all(family.map((member) => member.failedTasks()))).flat();
        } catch (err) {
          failedTasks = [`the histories could not be read: ${String(err)}`];
        } finally {
          await Promise.all(family.map((member) => member.end()));
        }
      }),
  );
  if (failure) throw failure;
  if (failedTasks.length > 0) throw new Error(`workflow tasks failed:\n${failedTasks.join('\n')}`);
  return { writes, notifications };
}

export class Lead {
  private handle?: WorkflowHandle<typeof leadWorkflow>;
  private starting?: Promise<WorkflowHandle<typeof leadWorkflow>>;
  private count = 0;
  constructor(
    readonly leadId: string,
    private readonly taskQueue: string,
    readonly writes: ProjectionWrite[],
    /** The leads of one journey (this one and its siblings). */
    private readonly family: Lead[] = [],
  ) {
    family.push(this);
  }

  /** Sends an event that happens now (in the test server's time). */
  async send(type: string, properties: LeadEvent['properties'] = {}, attributes?: Record<string, FactValue>, eventId?: string): Promise<void> {
    await this.sendAt(type, new Date(await env.currentTimeMs()).toISOString(), properties, attributes, eventId);
  }

  /** Sends an event that happens now as the API does: in a batch's signal, with what the API knows of the live model. */
  async sendStamped(type: string, stamp: DeliveryStamp, properties: LeadEvent['properties'] = {}, attributes?: Record<string, FactValue>): Promise<void> {
    await this.sendAt(type, new Date(await env.currentTimeMs()).toISOString(), properties, attributes, undefined, stamp);
  }

  /** Sends an event that happened at `occurredAt` (a backfill sends the past); with a stamp, as the API sends it. */
  async sendAt(type: string, occurredAt: string, properties: LeadEvent['properties'] = {}, attributes?: Record<string, FactValue>, eventId?: string, stamp?: DeliveryStamp): Promise<void> {
    const event: LeadEvent = {
      eventId: eventId ?? `${this.leadId}-e${++this.count}`,
      leadId: this.leadId,
      type,
      properties,
      ...(attributes && { attributes }),
      occurredAt,
    };
    stored.set(this.leadId, [...(stored.get(this.leadId) ?? []).filter((e) => e.eventId !== event.eventId), event]);
    // Events sent at once: the first starts the workflow, the others wait for it and signal.
    if (!this.starting) {
      // Stamped, as the current API sends: it starts runs with the code they run (no patch asked);
      // unstamped, as an older API did: without it.
      const start = { taskQueue: this.taskQueue, workflowId: leadWorkflowId(this.leadId), args: [{ leadId: this.leadId, ...(stamp && { code: LEAD_CODE }) }] as [LeadWorkflowInput] };
      this.starting = stamp
        ? env.client.workflow.signalWithStart(leadWorkflow, { ...start, signal: leadEventsSignal, signalArgs: [[event], stamp] })
        : env.client.workflow.signalWithStart(leadWorkflow, { ...start, signal: leadEventSignal, signalArgs: [event] });
      this.handle = await this.starting;
    } else if (stamp) await (await this.starting).signal(leadEventsSignal, [event], stamp);
    else await (await this.starting).signal(leadEventSignal, event);
  }

  /** Starts the lead as the API starts a new lead of a batch (a first life, here with no events yet): with the live model version 1. */
  async startWithModel(): Promise<void> {
    const args: [LeadWorkflowInput] = [{ leadId: this.leadId, code: LEAD_CODE, model: { modelId: 'default', version: 1, compiled: model.compiled } }];
    this.starting = env.client.workflow.start(leadWorkflow, { taskQueue: this.taskQueue, workflowId: leadWorkflowId(this.leadId), args });
    this.handle = await this.starting;
  }

  /** Another lead on the same worker, whose writes land in the same list. */
  sibling(leadId: string): Lead {
    return new Lead(leadId, this.taskQueue, this.writes, this.family);
  }

  async end(): Promise<void> {
    await this.handle?.terminate('test finished').catch(() => undefined);
  }

  /** The workflow tasks that failed in this lead's runs, each with its failure's message. */
  failedTasks(): Promise<string[]> {
    return this.handle ? failedWorkflowTasks(env.client, this.handle.workflowId, firstRunOf(this.handle)) : Promise.resolve([]);
  }

  get workflowHandle(): WorkflowHandle<typeof leadWorkflow> {
    return this.handle as WorkflowHandle<typeof leadWorkflow>;
  }

  state(): Promise<LeadSnapshot> {
    return (this.handle as WorkflowHandle<typeof leadWorkflow>).query(leadStateQuery);
  }

  answer(decision: Omit<SalesDecisionInput, 'handoffId'>, handoffId = `${this.leadId}:1`): Promise<LeadSnapshot> {
    return (this.handle as WorkflowHandle<typeof leadWorkflow>).executeUpdate(salesDecisionUpdate, { args: [{ handoffId, ...decision }] });
  }

  /** Waits until the lead's state satisfies `done` (the worker works in real time). */
  async until(done: (state: LeadSnapshot) => boolean, what: string): Promise<LeadSnapshot> {
    let last: LeadSnapshot | undefined;
    for (let i = 0; i < 300; i++) {
      last = await this.state();
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(last)}`);
  }

  /** Lets `days` pass on the server: timers (decay, SLA, cool-down) fire on the way. */
  async pass(days: number): Promise<void> {
    await sleepOnServer(days * 86_400_000);
  }

  ledger(): LedgerEntry[] {
    return ledgerOf(this.writes);
  }

  /** With RECORD_HISTORIES=1, keeps this journey's history for the replay test (lead.replay.test.ts). */
  async saveHistory(name: string): Promise<void> {
    if (!process.env.RECORD_HISTORIES) return;
    await mkdir(HISTORIES, { recursive: true });
    const history = await (this.handle as WorkflowHandle<typeof leadWorkflow>).fetchHistory();
    await writeFile(path.join(HISTORIES, `${name}.history.bin`), temporal.api.history.v1.History.encode(history).finish());
  }
}

/** The run a handle's start (or signal-with-start) began: the first of the runs a lead's journey has. */
function firstRunOf(handle: WorkflowHandle<typeof leadWorkflow>): string | undefined {
  const started = handle as { firstExecutionRunId?: string; signaledRunId?: string };
  return started.firstExecutionRunId ?? started.signaledRunId;
}
