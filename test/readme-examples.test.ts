/**
 * README's "Try it" examples, run as a user would paste them into a shell, against the real
 * API and worker: if a call there goes stale, this fails.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { request } from './support/http';
import { runTryIt } from './support/readme';
import { ownDatabase } from './support/database';

let api: AppProcess;
let worker: AppProcess;

beforeAll(async () => {
  // A model of its own: the review example publishes a version of it.
  const modelId = `readme-${Date.now().toString(36)}`;
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), modelId), logDir: path.join(inject('runDir'), 'readme'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
});

afterAll(async () => {
  // The example's webhook points at a made-up CRM: later tests need not try to reach it.
  if (api?.url) {
    const hooks = (await request(api.url, 'GET', '/api/webhooks')).body?.webhooks ?? [];
    for (const hook of hooks.filter((h: any) => h.url.startsWith('https://crm.example.com/'))) await request(api.url, 'DELETE', `/api/webhooks/${hook.webhookId}`);
  }
  await Promise.all([api?.stop(), worker?.stop()]);
});

describe('README', () => {
  it('"Try it": every example runs as written and every call succeeds', () => {
    runTryIt(`${api.url}/api`);
  });
});
