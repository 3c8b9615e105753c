/** Which model scores new events: read it, and switch it. */
import { z } from 'zod';
import { instant, slug } from './fields';
import { operation } from './operation';

export const setLiveModelBody = z.strictObject({
  modelId: slug.describe('The model whose newest published version is to score every new event'),
});

export const liveModelResponse = z.object({
  modelId: z.string(),
  name: z.string(),
  version: z.number().int().describe("The version that scores new events: the model's newest published one"),
  since: instant.describe('When the model was made the live one'),
  setBy: z.string().describe('Who made it the live one'),
});
export type LiveModel = z.infer<typeof liveModelResponse>;

const example: LiveModel = { modelId: 'default', name: 'B2B default', version: 3, since: '2026-01-05T09:00:00.000Z', setBy: 'leadflow' };

export const liveModelOperations = {
  getLiveModel: operation({
    operationId: 'getLiveModel',
    method: 'get',
    path: '/live-model',
    tag: 'Live model',
    summary: 'The live model',
    description: 'The model whose newest published version scores every new event.',
    roles: ['marketing', 'reviewer'],
    response: liveModelResponse,
    examples: { response: example },
  }),
  setLiveModel: operation({
    operationId: 'setLiveModel',
    method: 'put',
    path: '/live-model',
    tag: 'Live model',
    summary: 'Make a model the live one',
    description: 'Makes a model the live one: its newest published version scores every new event from the next turn of each lead (within about two seconds); audited.',
    roles: ['marketing'],
    body: setLiveModelBody,
    response: liveModelResponse,
    errors: { 404: 'No model has this id', 409: 'The model has no published version', 422: 'The newest version of the model cannot score events' },
    examples: { request: { modelId: 'emea' }, response: { ...example, modelId: 'emea', name: 'EMEA scoring', version: 1, since: '2026-03-02T09:00:00.000Z', setBy: 'marketing-ops' } },
  }),
};
