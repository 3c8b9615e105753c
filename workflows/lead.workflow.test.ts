import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';
import { timeSkippingServerOption } from '../scripts/tools';
import { createLeadWorker, WORKFLOWS_PATH } from './create-worker';
import type { ProjectionWrite } from './lead.activities';
import { leadEventSignal, leadStateQuery, leadWorkflowId, salesDecisionUpdate, type LeadSnapshot } from './lead.definitions';
import { leadWorkflow } from './lead.workflow';

// Workflow tests: the real workflow code on Temporal's time-skipping test server, with the
// activities' I/O replaced by in-memory fakes (the integration tests in test/ use the real ones).
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const model = { version: 1, compiled: compileGraph(b2bDefaultGraph) };

beforeAll(async () => {
  const server = await timeSkippingServerOption();
  const started = Date.now();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server });
  // The SDK gives the server 5 s to accept connections; keep an eye on the margin in CI logs.
  console.log(`time-skipping test server ready in ${Date.now() - started} ms`);
  // Time moves only when a test says so (env.sleep); otherwise the server would skip an idle
  // lead straight to its timeout.
  await env.connection.testService?.lockTimeSkipping({});
  bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
});

afterAll(async () => {
  await env?.teardown();
});

function harness() {
  const writes: ProjectionWrite[] = [];
  const taskQueue = `test-${Math.random().toString(36).slice(2)}`;
  const worker = createLeadWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { code: bundle.code },
    deps: {
      currentModel: async () => model,
      modelVersion: async () => model,
      roundRobinPosition: async () => 0,
      writeProjection: async (write) => {
        writes.push(structuredClone(write));
      },
    },
  });
  return { writes, taskQueue, worker };
}

const event = (leadId: string, eventId: string, type: string, properties: LeadEvent['properties'] = {}): LeadEvent => ({
  eventId,
  leadId,
  type,
  properties,
  occurredAt: '2026-11-01T10:00:00Z',
});

async function startLead(taskQueue: string, first: LeadEvent) {
  return env.client.workflow.signalWithStart(leadWorkflow, {
    taskQueue,
    workflowId: leadWorkflowId(first.leadId),
    args: [{ leadId: first.leadId }],
    signal: leadEventSignal,
    signalArgs: [first],
  });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stateOf = (handle: { query: (q: typeof leadStateQuery) => Promise<LeadSnapshot> }) => handle.query(leadStateQuery);

describe('leadWorkflow', () => {
  it('scores events, ignores a duplicate event id, and hands off at the MQL threshold', async () => {
    const { writes, taskQueue, worker } = harness();
    await (await worker).runUntil(async () => {
      const handle = await startLead(taskQueue, event('w1', 'e1', 'page_view', { url: '/pricing' }));
      await waitFor(async () => (await stateOf(handle)).eventCount === 1, 'first event');
      expect((await stateOf(handle)).scores).toEqual({ engagement: 25 });

      await handle.signal(leadEventSignal, event('w1', 'e1', 'page_view', { url: '/pricing' }));
      await handle.signal(leadEventSignal, event('w1', 'e2', 'email_click'));
      await waitFor(async () => (await stateOf(handle)).eventCount === 2, 'second event');
      expect((await stateOf(handle)).total).toBe(40);
      expect((await stateOf(handle)).stage).toBe('lead');

      await handle.signal(leadEventSignal, event('w1', 'e3', 'form_submit', { form: 'demo_request' }));
      await waitFor(async () => (await stateOf(handle)).stage === 'mql', 'MQL');
      const state = await stateOf(handle);
      expect(state.total).toBe(90);
      expect(state.handoff).toMatchObject({ handoffId: 'w1:1', queue: 'inbound-sales', team: 'Inbound', status: 'pending', score: 90, qualifiedBy: 'mql' });
      expect(state.stageHistory.map((change) => change.stage)).toEqual(['lead', 'mql']);

      const ledger = writes.flatMap((write) => write.ledger);
      expect(ledger.map((entry) => [entry.eventId, entry.ruleId, entry.points])).toEqual([
        ['e1', 'visit-points', 5],
        ['e1', 'key-page-points', 20],
        ['e2', 'email-click-points', 15],
        ['e3', 'demo-points', 50],
      ]);
      expect(writes.flatMap((write) => write.handoffs)).toHaveLength(1);
      const revisions = writes.map((write) => write.snapshot.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    });
  });

  it('moves an accepted lead to SAL and refuses a second answer', async () => {
    const { writes, taskQueue, worker } = harness();
    await (await worker).runUntil(async () => {
      const handle = await startLead(taskQueue, event('w2', 'e1', 'form_submit', { form: 'demo_request' }));
      await handle.signal(leadEventSignal, event('w2', 'e2', 'content_download'));
      await waitFor(async () => (await stateOf(handle)).stage === 'mql', 'MQL');

      const after = await handle.executeUpdate(salesDecisionUpdate, { args: [{ handoffId: 'w2:1', decision: 'accept' }] });
      expect(after.stage).toBe('sal');
      expect(after.handoff?.status).toBe('accepted');
      expect(writes.at(-1)?.handoffs).toMatchObject([{ handoffId: 'w2:1', status: 'accepted' }]);

      await expect(
        handle.executeUpdate(salesDecisionUpdate, { args: [{ handoffId: 'w2:1', decision: 'reject', reason: 'spam' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      expect((await stateOf(handle)).stage).toBe('sal');
    });
  });

  it('recycles a rejected lead to nurture with its reason, and can qualify it again', async () => {
    const { taskQueue, worker } = harness();
    await (await worker).runUntil(async () => {
      const handle = await startLead(taskQueue, event('w3', 'e1', 'form_submit', { form: 'demo_request' }));
      await handle.signal(leadEventSignal, event('w3', 'e2', 'webinar_attended'));
      await waitFor(async () => (await stateOf(handle)).stage === 'mql', 'MQL');

      await expect(
        handle.executeUpdate(salesDecisionUpdate, { args: [{ handoffId: 'w3:1', decision: 'reject' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);

      const after = await handle.executeUpdate(salesDecisionUpdate, {
        args: [{ handoffId: 'w3:1', decision: 'reject', reason: 'bad_timing', note: 'budget opens in Q2' }],
      });
      expect(after.stage).toBe('nurture');
      expect(after.handoff).toMatchObject({ status: 'rejected', reason: 'bad_timing', note: 'budget opens in Q2' });
      expect(after.stageHistory.at(-1)?.reason).toBe('rejected by sales: bad_timing (budget opens in Q2)');

      await handle.signal(leadEventSignal, event('w3', 'e3', 'email_open'));
      await waitFor(async () => (await stateOf(handle)).stage === 'mql', 'MQL again');
      expect((await stateOf(handle)).handoff).toMatchObject({ handoffId: 'w3:2', status: 'pending' });
    });
  });
});
