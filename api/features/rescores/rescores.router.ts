import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { rescoreProgressQuery, rescoreWorkflowId, TASK_QUEUE } from '../../../workflows/lead.definitions';
import type { rescoreWorkflow } from '../../../workflows/rescore.workflow';
import type { ModelVersionRepository } from '../../db/model-versions.repository';
import { conflict, notFound } from '../../http/errors';
import { handle } from '../../http/handler';

const version = z.coerce.number().int().min(1);

/** Rescoring every lead under a model version: start one, and watch its progress. */
export function rescoresRouter(temporal: Client, models: ModelVersionRepository, modelId: string): Router {
  const router = Router();

  router.post(
    '/rescores',
    handle({ body: z.strictObject({ modelVersion: version.optional() }) }, async ({ body }) => {
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
    handle({ params: z.object({ modelVersion: version }) }, async ({ params }) => {
      try {
        return { body: await temporal.workflow.getHandle(rescoreWorkflowId(params.modelVersion)).query(rescoreProgressQuery) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(`A rescoring under version ${params.modelVersion}`);
        throw err;
      }
    }),
  );

  return router;
}
