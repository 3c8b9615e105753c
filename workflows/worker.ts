/**
 * Worker entry (a composition root): connects to MongoDB and Temporal and runs lead workflows.
 * Run more of these, on more machines, to score more leads.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { openRepositories } from '../api/db/repositories';
import { parseEnv } from '../api/env';
import { createWebhookNotifier } from '../api/webhooks/webhook-notifier';
import { createLeadWorker } from './create-worker';
import { leadWorkflowId, rescoreResultUpdate } from './lead.definitions';

const env = parseEnv();
const db = await openRepositories(env.MONGODB_URI);
const { versions: models, leads, counters, events, histories, webhooks } = db;

const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
// The bulk rescoring hands each lead's workflow its result through a client of its own.
const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
async function modelVersion(version: number) {
  const found = await models.get(env.LEADFLOW_MODEL_ID, version);
  if (!found) throw new Error(`model "${env.LEADFLOW_MODEL_ID}" has no version ${version}`);
  if (found.problem) throw new Error(found.problem);
  return { version: found.version, compiled: found.compiled };
}

const worker = await createLeadWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  deps: {
    async currentModel() {
      const latest = await models.latest(env.LEADFLOW_MODEL_ID);
      // Thrown errors are retried: the API publishes the default model on its first start.
      if (!latest) throw new Error(`no published version of model "${env.LEADFLOW_MODEL_ID}" yet`);
      // Retried like the above: events are scored once a usable version is published.
      if (latest.problem) throw new Error(latest.problem);
      return { version: latest.version, compiled: latest.compiled };
    },
    modelVersion,
    roundRobinPosition: (routeId, handoffId) => counters.roundRobinPosition(routeId, handoffId),
    beginTurn: (leadId) => leads.beginTurn(leadId),
    endTurn: (leadId, revision) => leads.endTurn(leadId, revision),
    async writeProjection(write) {
      // The history first: a lead whose write is retried appends nothing twice.
      if (write.applied) await histories.append(write.snapshot.leadId, write.applied.from, write.applied.events);
      await leads.writeProjection(write);
    },
    notify: createWebhookNotifier({ url: env.LEADFLOW_WEBHOOK_URL, secret: env.LEADFLOW_WEBHOOK_SECRET, registered: () => webhooks.subscribers() }),
    eventsForLead: (leadId, eventIds) => events.forLead(leadId, eventIds),
    listLeadIds: (after, limit) => leads.listLeadIds(after, limit),
    countLeads: () => leads.countLeads(),
  },
  rescoreDeps: {
    modelVersion,
    leadsToRescore: (after, limit) => leads.leadsToRescore(after, limit),
    completeHistories: (of) => histories.completeHistories(of),
    storeRescores: (items) => leads.storeRescores(items),
    eventsOfLeadRange: (first, last) => events.forLeadRange(first, last),
    async deliverRescore(leadId, delivery) {
      try {
        return await client.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(rescoreResultUpdate, { args: [delivery] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'missing' };
        throw err;
      }
    },
    writeProjections: (writes) => leads.writeProjections(writes),
  },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
console.log(`worker: polling task queue on ${env.TEMPORAL_ADDRESS}`);
await worker.run();
await connection.close();
await clientConnection.close();
await db.close();
