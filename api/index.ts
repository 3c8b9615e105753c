/**
 * API entry (a composition root): connects to MongoDB and Temporal, publishes the default model
 * on first start, and serves HTTP until SIGINT/SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { createApp } from './app';
import { connectDatabase, ensureIndexes } from './db/connect';
import { createEventRepository } from './db/events.repository';
import { createLeadRepository } from './db/leads.repository';
import { createModelVersionRepository } from './db/model-versions.repository';
import { parseEnv } from './env';
import { ensureDefaultModel } from './features/models/models.service';

const env = parseEnv();
const mongoose = await connectDatabase(env.MONGODB_URI);
const models = createModelVersionRepository();
const leads = createLeadRepository();
const events = createEventRepository();
await ensureIndexes([models.model, ...leads.models, events.model]);
const model = await ensureDefaultModel(models, env.LEADFLOW_MODEL_ID);

const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({ temporal, events, leads, models, modelId: env.LEADFLOW_MODEL_ID });

const server = app.listen(env.API_PORT, env.API_HOST, () => {
  console.log(`api: listening on http://${env.API_HOST}:${env.API_PORT}/api (model "${model.name}" v${model.version})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await connection.close();
      await mongoose.disconnect();
      process.exit(0);
    });
  });
}
