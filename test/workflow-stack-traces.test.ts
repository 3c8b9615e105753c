/**
 * The worker runs its workflow threads without the Temporal SDK's stack traces, whose promise
 * hook cost about a quarter of its CPU (workflows/worker-threads.cjs), and scores the same with
 * or without them; LEADFLOW_WORKFLOW_STACK_TRACES=1 gives an operator the UI's "Stack Trace"
 * tab back. Real API and worker processes, real Temporal and MongoDB-protocol servers.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { leadWorkflowId } from '../workflows/lead.definitions';
import { minute } from './support/clock';
import { eventually, request } from './support/http';
import { failedWorkflowTasks } from './support/failed-tasks';

let api: AppProcess;
let worker: AppProcess | undefined;
let env: StackEnv;
let connection: Connection;

beforeAll(async () => {
  env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'workflow-stack-traces') };
  api = await startApi(env, await freePort());
  connection = await Connection.connect({ address: env.temporalAddress });
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop(), connection?.close()]);
});

it('scores alike with and without stack traces, and answers the stack-trace query only when asked to keep them', { timeout: 180_000 }, async () => {
  const client = new Client({ connection });
  const base = api.url as string;
  const events = [
    { type: 'page_view', properties: { url: '/pricing' } },
    { type: 'form_submit', properties: { form: 'demo_request' } },
    { type: 'email_open', properties: { campaign: 'q4' } },
  ];
  const scored = async (leadId: string) => {
    for (const [i, event] of events.entries()) {
      expect((await request(base, 'POST', '/api/events', { eventId: `${leadId}-${i}`, leadId, ...event, occurredAt: minute(i) })).status).toBe(202);
    }
    return (await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.body?.eventCount === events.length, `${leadId} to be scored`)).body;
  };
  const stackTrace = (leadId: string) => client.workflow.getHandle(leadWorkflowId(leadId)).query<string>('__stack_trace');

  worker = await startWorker(env);
  const withoutTraces = `no-traces-${Date.now().toString(36)}`;
  const leadWithout = await scored(withoutTraces);
  await expect(stackTrace(withoutTraces)).rejects.toThrow(/stack traces are not enabled/);
  await worker.stop();

  worker = await startWorker({ ...env, extra: { LEADFLOW_WORKFLOW_STACK_TRACES: '1' } });
  const withTraces = `traces-${Date.now().toString(36)}`;
  const leadWith = await scored(withTraces);
  // The stack shows where the lead's workflow waits: in its own code, source-mapped.
  expect(await stackTrace(withTraces)).toMatch(/lead\.workflow\.ts/);
  // No workflow task failed on the way, with or without them (the first one a worker thread runs included).
  for (const leadId of [withoutTraces, withTraces]) expect(await failedWorkflowTasks(client, leadWorkflowId(leadId))).toEqual([]);
  expect(leadWithout.total).toBeGreaterThan(0);
  expect({ total: leadWith.total, scores: leadWith.scores, stage: leadWith.stage, grade: leadWith.grade }).toEqual({ total: leadWithout.total, scores: leadWithout.scores, stage: leadWithout.stage, grade: leadWithout.grade });
});
