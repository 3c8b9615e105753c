import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { rescoreWorkflowId, TASK_QUEUE } from '../../../workflows/lead.definitions';
import { readRescoreProgress } from '../../../workflows/rescore-progress';
import type { rescoreWorkflow } from '../../../workflows/rescore.workflow';
import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { conflict, HttpError, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';

const version = z.coerce.number().int().min(1);
const QUERY_TIMEOUT_MS = 5_000;

function isDeadline(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ''} ${String((err as { cause?: Error })?.cause?.message ?? '')}`;
  return /deadline|DEADLINE_EXCEEDED|timed out|timeout/i.test(text);
}

/** Rescoring every lead under a model version: start one, and watch its progress. */
export function rescoresRouter(temporal: Client, models: ModelVersionRepository, modelId: string): DocumentedRouter {
  const router = documentedRouter();

  router.post(
    '/rescores',
    handle({ summary: 'Rescore every lead under a model version', status: 202, body: z.strictObject({ modelVersion: version.optional() }) }, async ({ body }) => {
      const model = body.modelVersion ? await models.get(modelId, body.modelVersion) : await models.latest(modelId);
      if (!model) throw notFound(`Version ${body.modelVersion ?? 'latest'} of model ${modelId}`);
      const workflowId = rescoreWorkflowId(model.version);
      try {
        await temporal.workflow.start<typeof rescoreWorkflow>('rescoreWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [{ modelVersion: model.version }] });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`A rescoring under version ${model.version} is already running`);
        throw err;
      }
      return { status: 202, body: { rescoreId: workflowId, modelVersion: model.version, progress: `/api/rescores/${model.version}` } };
    }),
  );

  router.get(
    '/rescores/:modelVersion',
    handle({ summary: 'Progress of a rescoring', params: z.object({ modelVersion: version }) }, async ({ params }) => {
      const handle = temporal.workflow.getHandle(rescoreWorkflowId(params.modelVersion));
      try {
        // A query is answered by a worker: with none running it would wait, so bound the wait.
        return { body: await temporal.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => readRescoreProgress(handle)) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(`A rescoring under version ${params.modelVersion}`);
        if (isDeadline(err)) throw new HttpError(503, 'no_worker', 'No worker answered within 5 s; is a LeadFlow worker running?');
        // The query failed another way (the server gave up waiting, or the run has ended): say
        // where the rescoring stands rather than fail.
        const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
        if (status.name === 'COMPLETED') return { body: await handle.result() };
        if (status.name === 'RUNNING') throw new HttpError(503, 'no_worker', `No worker answered (${(err as Error).message}); is a LeadFlow worker running?`);
        throw new HttpError(409, 'rescore_ended', `The rescoring under version ${params.modelVersion} ended without finishing (${status.name.toLowerCase()})`);
      }
    }),
  );

  return router;
}
