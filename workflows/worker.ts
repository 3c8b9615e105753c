/**
 * Worker entry (a composition root): connects to MongoDB and Temporal and runs lead workflows.
 * Run more of these, on more machines, to score more leads.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { openRepositories } from '../api/db/repositories';
import { parseEnv } from '../api/env';
import { cachedLiveModelId } from '../api/db/settings.repository';
import { createTurnWriter } from '../api/db/turn-writes';
import { createListeningCheck, createWebhookNotifier } from '../api/webhooks/webhook-notifier';
import { createLeadWorker } from './create-worker';
import { leadWorkflowId, wakeSignal } from './lead.definitions';

const env = parseEnv();
const db = await openRepositories(env.MONGODB_URI);
const { versions: models, leads, counters, histories, webhooks, settings } = db;
// Which model scores: LEADFLOW_MODEL_ID on the first start of the API or a worker, PUT /api/live-model after.
await settings.ensureLiveModel(env.LEADFLOW_MODEL_ID, 'leadflow');
const liveModelId = cachedLiveModelId(settings);
const turns = createTurnWriter({ histories, leads });

const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
// A rescoring gives leads whose stage or handoff it changed a turn, through a client of its own.
const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
async function modelVersion(modelId: string, version: number) {
  const found = await models.get(modelId, version);
  // Thrown errors are retried: the API publishes the default model on its first start.
  if (!found) throw new Error(`model "${modelId}" has no version ${version}`);
  // Retried like the above: inputs are scored once a usable version is published.
  if (found.problem) throw new Error(found.problem);
  return { version: found.version, compiled: found.compiled };
}

const worker = await createLeadWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  deps: {
    async modelState() {
      const modelId = await liveModelId();
      return { modelId, ...(await models.state(modelId)) };
    },
    modelVersion,
    roundRobinPosition: (routeId, handoffId) => counters.roundRobinPosition(routeId, handoffId),
    // The turns of many leads that finish together are written together (api/db/turn-writes.ts).
    writeProjection: (write) => turns.write(write),
    writeLedger: (leadId, from, entries, order) => leads.writeLedger(leadId, from, entries, order),
    inputLog: async (leadId, count) => (await histories.completeHistories([{ leadId, inputCount: count }])).get(leadId) ?? null,
    listening: createListeningCheck(env.LEADFLOW_WEBHOOK_URL, () => webhooks.subscribers()),
    notify: createWebhookNotifier({ url: env.LEADFLOW_WEBHOOK_URL, secret: env.LEADFLOW_WEBHOOK_SECRET, registered: () => webhooks.subscribers(), allowPrivate: env.LEADFLOW_ALLOW_PRIVATE_WEBHOOKS }),
    listLeadIds: (after, limit) => leads.listLeadIds(after, limit),
    countLeads: () => leads.countLeads(),
  },
  rescoreDeps: {
    modelVersion: async (modelId, version) => modelVersion(modelId ?? (await liveModelId()), version),
    requestRescore: async (modelId, version) => models.requestRescore(modelId ?? (await liveModelId()), version),
    leadsToRescore: (after, limit) => leads.leadsToRescore(after, limit),
    completeHistories: (of) => histories.completeHistories(of),
    writeRescores: (items) => leads.writeRescores(items),
    async wake(leadIds, rescore) {
      // A lead whose workflow was ended has nothing to act on.
      const woken = leadIds.map((leadId) => client.workflow.getHandle(leadWorkflowId(leadId)).signal(wakeSignal, { rescore }).catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }));
      await Promise.all(woken);
    },
  },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
console.log(`worker: polling task queue on ${env.TEMPORAL_ADDRESS}`);
await worker.run();
await connection.close();
await clientConnection.close();
await db.close();
