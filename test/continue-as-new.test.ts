/**
 * 10,000 events to one lead on the real Temporal dev server: the workflow continues as new
 * (Temporal suggests it at about 4,096 history events) and nothing is lost or counted twice,
 * duplicates included. Scoring and the read side are in-memory here; the workflow is the real one.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { BUNDLE_OPTIONS, createLeadWorker } from '../workflows/create-worker';
import type { ProjectionWrite } from '../workflows/lead.activities';
import { leadEventSignal, leadStateQuery, leadWorkflowId } from '../workflows/lead.definitions';
import { leadWorkflow } from '../workflows/lead.workflow';
import { minute } from './support/clock';
import { failedWorkflowTasks } from './support/failed-tasks';
import { eventually } from './support/http';
import { ledgerOf } from './support/ledger';

const EVENTS = 10_000;
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
});

it('takes 10,000 events across continue-as-new with nothing lost or counted twice', { timeout: 300_000 }, async () => {
  // One point per event, no caps and no limits: the total counts the events scored.
  const compiled = compileGraph({
    name: 'count',
    scores: [{ id: 'engagement', label: 'Engagement' }],
    nodes: [
      { id: 't', kind: 'trigger', eventTypes: ['custom'] },
      { id: 'p', kind: 'points', score: 'engagement', points: 1 },
    ],
    edges: [{ id: 'e', source: 't', target: 'p' }],
  });
  const writes: ProjectionWrite[] = [];
  const leadId = `many-${Date.now().toString(36)}`;
  const taskQueue = `can-${leadId}`;
  const worker = await createLeadWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { code: (await bundleWorkflowCode({ ...BUNDLE_OPTIONS, logger: silent })).code },
    deps: {
      modelState: async () => ({ modelId: 'default', latest: 1 }),
      modelVersion: async () => ({ version: 1, compiled }),
      roundRobinPosition: async () => 0,
      // The input log as the writes appended it (a run that trims its carried log reads it back).
      inputLog: async (_leadId, count) => {
        const log = writes.flatMap((write) => write.applied?.inputs ?? []);
        return log.length >= count ? log.slice(0, count) : null;
      },
      listLeadIds: async () => [],
      countLeads: async () => 0,
      writeProjection: async (write) => void writes.push(write),
      // A part of a long ledger rewrite: as a write of its own, carrying the last snapshot written.
      writeLedger: async (_leadId, from, entries) => void writes.push({ ...(writes.at(-1) as ProjectionWrite), ledgerFrom: from, ledger: entries, handoffs: [], applied: undefined }),
      listening: async () => false,
      notify: async () => {},
    },
  });
  const event = (i: number): LeadEvent => ({ eventId: `${leadId}-${i}`, leadId, type: 'custom', properties: { name: 'ping' }, occurredAt: new Date(Date.parse(minute(0)) + i * 1000).toISOString() });

  await worker.runUntil(async () => {
    const first = await client.workflow.signalWithStart(leadWorkflow, {
      taskQueue,
      workflowId: leadWorkflowId(leadId),
      args: [{ leadId }],
      signal: leadEventSignal,
      signalArgs: [event(0)],
    });
    const handle = client.workflow.getHandle(leadWorkflowId(leadId));
    // Progress is read with a query, which only watches. Under this flood of signals the SDK's core
    // has once answered a query with a nondeterminism error ("Trying to send a new WFT for a run
    // which already has one!" just before): the run is then replayed from its history and goes on.
    // A failed read is read again; what this test proves is checked at the end, from the writes.
    const queryFailures: string[] = [];
    const progress = () =>
      handle.query(leadStateQuery).catch((err: unknown) => {
        queryFailures.push(String(err));
        return { eventCount: -1 };
      });
    // A CRM backfill: bursts of 1,000 events, 50 in flight at a time; every tenth event is sent
    // twice (a client retrying after a timeout).
    const sends = Array.from({ length: EVENTS - 1 }, (_, i) => i + 1).flatMap((i) => (i % 10 === 0 ? [i, i] : [i]));
    for (let burst = 0; burst < sends.length; burst += 1_000) {
      const ids = sends.slice(burst, burst + 1_000);
      for (let start = 0; start < ids.length; start += 50) {
        await Promise.all(ids.slice(start, start + 50).map((i) => handle.signal(leadEventSignal, event(i))));
      }
      const sent = new Set(sends.slice(0, burst + ids.length)).size + 1;
      await eventually(progress, (s) => s.eventCount >= sent, `burst ${burst / 1_000 + 1} to be scored`, 60_000);
    }
    await eventually(progress, (s) => s.eventCount >= EVENTS, 'all events to be scored', 240_000);
    if (queryFailures.length > 0) console.warn(`continue-as-new: ${queryFailures.length} progress queries failed and were read again; the first: ${queryFailures[0]}`);
    const state = await handle.query(leadStateQuery);
    expect(state).toMatchObject({ eventCount: EVENTS, total: EVENTS, scores: { engagement: EVENTS } });
    const runs = (await handle.describe()).runId;
    expect(runs).not.toBe(first.signaledRunId);
    // No workflow task failed in any of its runs (a failed one is retried, so the counts above would not show it).
    expect(await failedWorkflowTasks(client, leadWorkflowId(leadId), first.signaledRunId)).toEqual([]);
    await handle.terminate('test finished');
  });

  // Events of a burst arrive in any order: a late one rewrites the ledger from its place on.
  const ledger = ledgerOf(writes);
  expect(ledger).toHaveLength(EVENTS);
  expect(new Set(ledger.map((entry) => entry.eventId)).size).toBe(EVENTS);
  expect(ledger.map((entry) => entry.sequence)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
});
