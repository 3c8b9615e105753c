/**
 * API entry (a composition root): connects to MongoDB and Temporal, publishes the default model
 * on first start, and serves HTTP until SIGINT/SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { createApp } from './app';
import { answerClientError } from './http/client-error';
import { openRepositories } from './db/repositories';
import { FIRST_ADMIN_KEY_LINE, parseEnv } from './env';
import { ensureAdminKey } from './features/keys/keys.service';
import { ensureDefaultModel } from './features/models/models.service';
import { temporalInterceptors } from './temporal-deadline';

const env = parseEnv();
// How long a request waits to find the database before it is answered 503. The answer comes a
// few hundred ms after it (at 1.5 s: 1.9 s alone and 2.05 s under the suite's load, past the 2 s
// promise; at 1 s: 1.0–1.3 s). Only finding a database applies it: a slow query on a live one is not cut short.
const db = await openRepositories(env.MONGODB_URI, { failFastMs: 1_000 });
const { versions, models, audit, leads, events, histories, keys, imports, webhooks, calibrations, counters, settings } = db;
await ensureDefaultModel({ models, versions, audit }, env.LEADFLOW_MODEL_ID);
// LEADFLOW_MODEL_ID names the live model on the first start only; PUT /api/live-model changes it.
const live = await settings.ensureLiveModel(env.LEADFLOW_MODEL_ID, 'leadflow');
const model = await versions.latest(live.modelId);
const firstAdminKey = await ensureAdminKey(keys, env.LEADFLOW_ADMIN_KEY);
// Imports run inside the API process: one still "running" was cut short by a stop.
await imports.markInterrupted();
await calibrations.markInterrupted();
if (firstAdminKey) {
  // Shown once, never stored: the database keeps only its hash. `npm start` asks for it in a
  // private file that it prints and deletes, so that it does not stay in the API's log.
  if (env.LEADFLOW_FIRST_KEY_FILE) await writeFile(env.LEADFLOW_FIRST_KEY_FILE, firstAdminKey, { mode: 0o600 });
  else console.log(`${FIRST_ADMIN_KEY_LINE}${firstAdminKey}`);
}

const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, interceptors: temporalInterceptors() });
const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({ temporal, events, histories, leads, keys, imports, webhooks, calibrations, counters, ...(env.LEADFLOW_WEBHOOK_URL && { webhookUrl: env.LEADFLOW_WEBHOOK_URL }), models: { models, versions, audit }, settings, maxFutureSkewSeconds: env.LEADFLOW_MAX_FUTURE_SKEW_SECONDS, maxDeliveriesInFlight: env.LEADFLOW_MAX_DELIVERIES_IN_FLIGHT, allowPrivateWebhooks: env.LEADFLOW_ALLOW_PRIVATE_WEBHOOKS, authFailuresPerMinute: env.LEADFLOW_AUTH_FAILURES_PER_MINUTE });

const server = app.listen(env.API_PORT, env.API_HOST, () => {
  console.log(`api: listening on http://${env.API_HOST}:${env.API_PORT}/api (live model "${live.modelId}"${model ? ` v${model.version}` : ', nothing published'})`);
});
// A history import streams for as long as its file takes (Node cuts every request at 5 minutes
// by default): no limit on a whole request; its headers still have to come within a minute, and
// every other body is small and size-limited.
server.requestTimeout = 0;
// What Node's parser refuses itself (headers over 16 KB) is answered in the one error shape too.
server.on('clientError', answerClientError);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await connection.close();
      await db.close();
      process.exit(0);
    });
  });
}
