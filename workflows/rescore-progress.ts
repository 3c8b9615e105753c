/**
 * A rescoring's progress as its watchers see it (the API and the benchmark): the rescore
 * workflow's own count of finished batches, plus how far the batch under way has got, read from
 * the heartbeat of its `rescoreBatch` activity. A batch of thousands of leads takes minutes, so
 * without the second part the count would stand still for that long.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { rescoreProgressQuery, type RescoreBatchProgress, type RescoreProgress } from './lead.definitions';

export async function readRescoreProgress(handle: WorkflowHandle): Promise<RescoreProgress> {
  const progress = await handle.query(rescoreProgressQuery);
  if (progress.done) return progress;
  const batch = await batchUnderWay(handle).catch(() => undefined);
  return batch ? { ...progress, batch } : progress;
}

async function batchUnderWay(handle: WorkflowHandle): Promise<RescoreBatchProgress | undefined> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'rescoreBatch');
  const payload = pending?.heartbeatDetails?.payloads?.[0];
  if (!payload) return undefined;
  const details = defaultPayloadConverter.fromPayload<Partial<RescoreBatchProgress>>(payload);
  if (typeof details?.phase !== 'string' || typeof details.leads !== 'number' || typeof details.done !== 'number') return undefined;
  return { phase: details.phase, leads: details.leads, done: details.done };
}
