/**
 * API entry (a composition root): connects to MongoDB and Temporal, publishes the default model
 * on first start, and serves HTTP until SIGINT/SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { createApp } from './app';
import { openRepositories } from './db/repositories';
import { parseEnv } from './env';
import { ensureDefaultModel } from './features/models/models.service';

const env = parseEnv();
const db = await openRepositories(env.MONGODB_URI);
const { versions, models, audit, leads, events } = db;
const model = await ensureDefaultModel({ models, versions, audit }, env.LEADFLOW_MODEL_ID);

const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({ temporal, events, leads, models: { models, versions, audit }, modelId: env.LEADFLOW_MODEL_ID });

const server = app.listen(env.API_PORT, env.API_HOST, () => {
  console.log(`api: listening on http://${env.API_HOST}:${env.API_PORT}/api (model "${model.name}" v${model.version})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await connection.close();
      await db.close();
      process.exit(0);
    });
  });
}
