import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createLeadActivities, type LeadActivityDeps } from './lead.activities';
import { TASK_QUEUE } from './lead.definitions';
import { createRescoreActivities, type RescoreActivityDeps } from './rescore.activities';

// Everything under workflows/ stays free of Node built-ins, so the path comes from the URL itself.
export const WORKFLOWS_PATH = decodeURIComponent(new URL('./all.workflows.ts', import.meta.url).pathname);

/**
 * How the workflow code is bundled. The lifecycle core (engine/, json-rules-engine) is evaluated
 * once for the worker's shared V8 context instead of once for every lead workflow it creates: it
 * is pure (no workflow API, no clock, no randomness at module level; its module-level maps are
 * caches of pure functions), so sharing it changes no lead's result.
 */
export const BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  preloadModules: [decodeURIComponent(new URL('../engine/lifecycle/lifecycle.ts', import.meta.url).pathname), decodeURIComponent(new URL('../engine/score-event.ts', import.meta.url).pathname)],
};

export interface LeadWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: LeadActivityDeps;
  /** The bulk rescoring's I/O; without it this worker runs no rescoring batches. */
  rescoreDeps?: RescoreActivityDeps;
  taskQueue?: string;
  /** A prebuilt bundle, so that tests bundle the workflow code once. */
  workflowBundle?: WorkflowBundleOption;
}

/** A worker that runs lead workflows and their activities. */
export function createLeadWorker(options: LeadWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: BUNDLE_OPTIONS.preloadModules } }),
    activities: { ...createLeadActivities(options.deps), ...(options.rescoreDeps && createRescoreActivities(options.rescoreDeps)) },
    // A rescoring batch's heartbeats carry its progress (rescore-progress.ts): sent every few
    // seconds, not the SDK's default of up to a minute.
    maxHeartbeatThrottleInterval: '3 seconds',
  });
}
