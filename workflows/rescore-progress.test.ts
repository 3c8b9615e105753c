/**
 * A rescoring shows how far the batch under way has got: the batch activity heartbeats its phase
 * and count as it goes, and readRescoreProgress adds the last heartbeat to the workflow's count
 * of finished batches. Unit tests: the activity runs in Temporal's mock activity environment
 * with its I/O faked, and the workflow handle is a fake.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import type { ProjectionWrite } from './lead.activities';
import type { RescoreBatchProgress, RescoreProgress } from './lead.definitions';
import type { RescoreView } from './rescore-state';
import { createRescoreActivities } from './rescore.activities';
import { readRescoreProgress } from './rescore-progress';

const leadIds = Array.from({ length: 600 }, (_, i) => `lead-${String(i).padStart(4, '0')}`);
const eventsOf = (leadId: string): LeadEvent[] => [
  { eventId: `${leadId}:1`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: '2026-01-01T00:00:00.000Z' },
  { eventId: `${leadId}:2`, leadId, type: 'email_click', properties: {}, occurredAt: '2026-01-02T00:00:00.000Z' },
];

describe('the rescore batch activity', () => {
  it('stores idle leads\' results in their read side, hands the others theirs by update, and heartbeats each phase up to all leads', async () => {
    const compiled = compileGraph(ruleGraphSchema.parse(b2bDefaultGraph));
    const written: ProjectionWrite[] = [];
    const storedFor: string[] = [];
    const delivered: string[] = [];
    // The first 300 leads have complete packed histories; lead 0007 is in the middle of a turn.
    const withHistory = new Set(leadIds.slice(0, 300));
    const view = (leadId: string): RescoreView => ({ leadId, revision: 3, busy: leadId === 'lead-0007', eventCount: 2, stage: 'lead', scores: {}, total: 0, grade: null, segment: null, modelVersion: 1, ledgerSize: 4, lastActivityAt: '2026-01-02T00:00:00.000Z' });
    const activities = createRescoreActivities({
      modelVersion: async (version) => ({ version, compiled }) as never,
      leadsToRescore: async (after, limit) => leadIds.filter((id) => id > after).slice(0, limit).map(view),
      completeHistories: async (leads) => new Map(leads.filter((lead) => withHistory.has(lead.leadId)).map((lead) => [lead.leadId, eventsOf(lead.leadId)])),
      eventsOfLeadRange: async (first, last) => new Map(leadIds.filter((id) => id >= first && id <= last && !withHistory.has(id)).map((id) => [id, eventsOf(id)])),
      storeRescores: async (items) => {
        for (const item of items) {
          // Computed from the read side: the next revision, the rescoring's ledger entries numbered after the lead's.
          expect(item.rescore).toMatchObject({ base: 3, modelVersion: 2, events: { count: 2 } });
          expect(item.change.scores).toEqual(item.rescore.scores);
          expect(item.ledger.map((entry) => entry.sequence)).toEqual(item.ledger.map((_, i) => 4 + i));
          expect(item.change.ledgerSize).toBe(4 + item.ledger.length);
          storedFor.push(item.leadId);
        }
        return new Set(items.map((item) => item.leadId));
      },
      deliverRescore: async (leadId, delivery) => {
        delivered.push(leadId);
        return { status: 'applied', write: { snapshot: { leadId, revision: 4, scores: delivery.rescored.scores } as never, ledger: [], handoffs: [] } };
      },
      writeProjections: async (writes) => void written.push(...writes),
    });
    const env = new MockActivityEnvironment();
    const beats: RescoreBatchProgress[] = [];
    env.on('heartbeat', (details: RescoreBatchProgress) => beats.push(details));

    const result = await env.run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 1_000 });

    expect(result).toMatchObject({ leads: 600, rescored: 600, awaitingTurn: 299, events: 1_200 });
    expect(storedFor.sort()).toEqual([...withHistory].filter((id) => id !== 'lead-0007').sort());
    // The busy lead and those without a complete history are asked by update; their read side is written in bulk.
    expect(delivered.sort()).toEqual(['lead-0007', ...leadIds.slice(300)].sort());
    expect(written).toHaveLength(301);
    expect(new Set(beats.map((beat) => beat.phase))).toEqual(new Set(['reading', 'replaying', 'delivering', 'writing']));
    expect(beats.every((beat) => beat.leads === 600 && beat.done >= 0 && beat.done <= 600)).toBe(true);
    expect(beats.at(-1)?.done).toBe(600);
    // The count only grows.
    const counts = beats.map((beat) => beat.done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
});

describe('a batch of several slices', () => {
  const compiled = compileGraph(ruleGraphSchema.parse(b2bDefaultGraph));
  const many = Array.from({ length: 1_500 }, (_, i) => `lead-${String(i).padStart(4, '0')}`);
  const view = (leadId: string): RescoreView => ({ leadId, revision: 1, eventCount: 2, stage: 'lead', scores: {}, total: 0, grade: null, segment: null, modelVersion: 1, ledgerSize: 0, lastActivityAt: null });
  const activitiesWith = (storeRescores: Parameters<typeof createRescoreActivities>[0]['storeRescores'], reads: string[], readMs = 0) =>
    createRescoreActivities({
      modelVersion: async (version) => ({ version, compiled }) as never,
      leadsToRescore: async (after, limit) => many.filter((id) => id > after).slice(0, limit).map(view),
      completeHistories: async (leads) => {
        reads.push(leads[0]!.leadId);
        if (readMs > 0) await new Promise((resolve) => setTimeout(resolve, readMs));
        return new Map(leads.map((lead) => [lead.leadId, eventsOf(lead.leadId)]));
      },
      eventsOfLeadRange: async () => new Map(),
      storeRescores,
      deliverRescore: async () => ({ status: 'deferred', reason: 'not expected' }),
      writeProjections: async () => {},
    });

  it("replays the next slice while the previous one is written, one slice's writes at a time", async () => {
    const reads: string[] = [];
    const stores: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const activities = activitiesWith(async (items) => {
      stores.push(`start ${items[0]!.leadId}`);
      if (stores.length === 1) await held;
      stores.push(`end ${items[0]!.leadId}`);
      return new Set(items.map((item) => item.leadId));
    }, reads);
    const running = new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 2_000 });

    // With the first slice's write held, the batch reads (and replays) the second and reads the
    // third, but does not start a second write.
    await vi.waitFor(() => expect(reads).toEqual(['lead-0000', 'lead-0500', 'lead-1000']));
    expect(stores).toEqual(['start lead-0000']);
    release();
    await expect(running).resolves.toMatchObject({ leads: 1_500, rescored: 1_500, awaitingTurn: 1_500, events: 3_000 });
    expect(stores).toEqual(['start lead-0000', 'end lead-0000', 'start lead-0500', 'end lead-0500', 'start lead-1000', 'end lead-1000']);
  });

  it('fails with the error of a write that failed while the next slice was read', async () => {
    // The write fails while the batch waits for the next slice's read: the failure must wait for
    // the batch to get to it, not go unhandled meanwhile.
    const activities = activitiesWith(
      async (items) => {
        if (items[0]!.leadId === 'lead-0000') throw new Error('write refused: disk full');
        return new Set(items.map((item) => item.leadId));
      },
      [],
      50,
    );
    await expect(new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 2_000 })).rejects.toThrow('write refused: disk full');
  });
});

describe('a batch whose read takes long', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps heartbeating while it reads, so it is neither timed out nor shown standing still', async () => {
    vi.useFakeTimers();
    const compiled = compileGraph(ruleGraphSchema.parse(b2bDefaultGraph));
    let finishRead: (events: Map<string, LeadEvent[]>) => void = () => {};
    const activities = createRescoreActivities({
      modelVersion: async (version) => ({ version, compiled }) as never,
      leadsToRescore: async (after) => (after === '' ? [{ leadId: 'lead-0001', revision: 1, eventCount: 2, stage: 'lead', scores: {}, total: 0, grade: null, segment: null, modelVersion: 1, ledgerSize: 0, lastActivityAt: null }] : []),
      completeHistories: async () => new Map(),
      storeRescores: async () => new Set(),
      // A scan of a large events collection: answers only when the test says so.
      eventsOfLeadRange: () => new Promise((resolve) => (finishRead = resolve)),
      deliverRescore: async () => ({ status: 'deferred', reason: 'busy' }),
      writeProjections: async () => {},
    });
    const env = new MockActivityEnvironment();
    const beats: RescoreBatchProgress[] = [];
    env.on('heartbeat', (details: RescoreBatchProgress) => beats.push(details));

    const running = env.run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 10 });
    await vi.advanceTimersByTimeAsync(35_000);
    const whileReading = beats.filter((beat) => beat.phase === 'reading').length;
    finishRead(new Map([['lead-0001', eventsOf('lead-0001')]]));
    await expect(running).resolves.toMatchObject({ leads: 1, deferred: 1 });
    // One when the read starts, then one every 10 s of it.
    expect(whileReading).toBe(4);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(beats.filter((beat) => beat.phase === 'reading')).toHaveLength(4);
  });
});

describe('readRescoreProgress', () => {
  const progress: RescoreProgress = { modelVersion: 2, total: 10_000, signalled: 5_000, done: false };
  const handle = (heartbeat: unknown, done = false) =>
    ({
      query: async () => ({ ...progress, done }),
      describe: async () => ({
        raw: {
          pendingActivities: [
            { activityType: { name: 'listLeadIds' } },
            { activityType: { name: 'rescoreBatch' }, heartbeatDetails: heartbeat === undefined ? null : { payloads: [defaultPayloadConverter.toPayload(heartbeat)] } },
          ],
        },
      }),
    }) as unknown as WorkflowHandle;

  it('adds the batch under way from its last heartbeat', async () => {
    expect(await readRescoreProgress(handle({ phase: 'delivering', leads: 5_000, done: 1_250 }))).toEqual({ ...progress, batch: { phase: 'delivering', leads: 5_000, done: 1_250 } });
  });

  it('gives the finished batches alone before the first heartbeat, for a heartbeat it does not know, and once done', async () => {
    expect(await readRescoreProgress(handle(undefined))).toEqual(progress);
    expect(await readRescoreProgress(handle({ phase: 'read', leads: 5_000 }))).toEqual(progress);
    expect(await readRescoreProgress(handle({ phase: 'writing', leads: 5_000, done: 10 }, true))).toEqual({ ...progress, done: true });
  });
});
