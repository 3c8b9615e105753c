import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { rescoreWorkflowId, TASK_QUEUE, type RescoreProgress } from '../../../workflows/lead.definitions';
import { readRescoreProgress } from '../../../workflows/rescore-progress';
import type { rescoreWorkflow } from '../../../workflows/rescore.workflow';
import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { conflict, HttpError, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { rescoresOperations as ops } from '../../contracts/rescores.contract';

const QUERY_TIMEOUT_MS = 5_000;

function isDeadline(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ''} ${String((err as { cause?: Error })?.cause?.message ?? '')}`;
  return /deadline|DEADLINE_EXCEEDED|timed out|timeout/i.test(text);
}

const withState = (progress: RescoreProgress) => ({ ...progress, state: progress.done ? 'done' : 'running' });

/** Whether the run still waits for a worker to take its first workflow task: its history is "started, task scheduled". */
async function isQueued(handle: WorkflowHandle): Promise<boolean> {
  const { status, historyLength } = await handle.describe();
  return status.name === 'RUNNING' && historyLength <= 2;
}

/** Rescoring every lead under a model version: start one, and watch its progress. */
export function rescoresRouter(temporal: Client, models: ModelVersionRepository, liveModelId: () => Promise<string>): DocumentedRouter {
  const router = documentedRouter();

  router.serve(
    handle(ops.startRescore, async ({ body }) => {
      const modelId = await liveModelId();
      const model = body.modelVersion ? await models.get(modelId, body.modelVersion) : await models.latest(modelId);
      if (!model) throw notFound(`Version ${body.modelVersion ?? 'latest'} of model ${modelId}`);
      const workflowId = rescoreWorkflowId(modelId, model.version);
      try {
        await temporal.workflow.start<typeof rescoreWorkflow>('rescoreWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [{ modelId, modelVersion: model.version }] });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`A rescoring under version ${model.version} is already running`);
        throw err;
      }
      return { status: 202, body: { rescoreId: workflowId, modelVersion: model.version, progress: `/api/rescores/${model.version}` } };
    }),
  );

  router.serve(
    handle(ops.getRescore, async ({ params }) => {
      // The live model's rescoring under this version; one started by an earlier release has an id without the model's.
      let handle = temporal.workflow.getHandle(rescoreWorkflowId(await liveModelId(), params.modelVersion));
      // A just-started rescoring has run no workflow task yet, so it has no progress to ask for:
      // a query would wait for a worker to take it up. Say it is queued instead.
      const queued = await isQueued(handle)
        .catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          handle = temporal.workflow.getHandle(`rescore:v${params.modelVersion}`);
          return isQueued(handle);
        })
        .catch((err) => {
          if (err instanceof WorkflowNotFoundError) throw notFound(`A rescoring under version ${params.modelVersion}`);
          throw err;
        });
      if (queued) return { body: { modelVersion: params.modelVersion, state: 'queued', total: 0, signalled: 0, done: false } };
      try {
        // A query is answered by a worker: with none running it would wait, so bound the wait.
        return { body: withState(await temporal.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => readRescoreProgress(handle))) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(`A rescoring under version ${params.modelVersion}`);
        if (isDeadline(err)) throw new HttpError(503, 'no_worker', 'No worker answered within 5 s; is a LeadFlow worker running?');
        // The query failed another way (the server gave up waiting, or the run has ended): say
        // where the rescoring stands rather than fail.
        const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
        if (status.name === 'COMPLETED') return { body: withState(await handle.result()) };
        if (status.name === 'RUNNING') throw new HttpError(503, 'no_worker', `No worker answered (${(err as Error).message}); is a LeadFlow worker running?`);
        throw new HttpError(409, 'rescore_ended', `The rescoring under version ${params.modelVersion} ended without finishing (${status.name.toLowerCase()})`);
      }
    }),
  );

  return router;
}
