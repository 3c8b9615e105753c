import { z } from 'zod';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

export const setLiveModelBody = z.strictObject({
  /** The model whose newest published version is to score every new event. */
  modelId: id,
});

export const liveModelResponse = z.object({
  modelId: z.string(),
  name: z.string(),
  /** The version that scores new events: the model's newest published one. */
  version: z.number().int(),
  since: z.iso.datetime(),
  setBy: z.string(),
});
