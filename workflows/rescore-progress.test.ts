/**
 * A rescoring shows how far the batch under way has got, and a batch does what it says: the
 * batch activity replays each lead's input log under the version, writes the read sides guarded
 * by the revision it read, wakes the leads whose stage or handoff changed, heartbeats its phase
 * and count as it goes, and fails where a write fails; readRescoreProgress adds the last
 * heartbeat to the workflow's count of finished batches. Unit tests: the activity runs in
 * Temporal's mock activity environment with its I/O faked, and the workflow handle is a fake.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LeadInput } from '../engine/lifecycle/lifecycle';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import type { LedgerEntry, RescoreBatchProgress, RescoreProgress } from './lead.definitions';
import { createRescoreActivities, type RescoreActivityDeps, type RescoreBatchResult } from './rescore.activities';
import { readRescoreProgress } from './rescore-progress';

const HOUR_MS = 3_600_000;
const v1 = compileGraph(ruleGraphSchema.parse(b2bDefaultGraph));
// Version 2 values the pricing page twice as much: a pricing visit and an email click reach the MQL threshold (60).
const v2 = compileGraph(ruleGraphSchema.parse({ ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n)) }));
const modelVersion: RescoreActivityDeps['modelVersion'] = async (_modelId, version) => ({ version, compiled: version === 2 ? v2 : v1 });

const ids = (count: number) => Array.from({ length: count }, (_, i) => `lead-${String(i).padStart(4, '0')}`);
/** Hours before now: a replay takes deadlines up to now, so the events stay clear of decay and SLAs on any day. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();
const event = (leadId: string, n: number, type: string, properties: Record<string, string>, at: string): LeadInput => ({ kind: 'event', event: { eventId: `${leadId}:${n}`, leadId, type, properties, occurredAt: at } });
/** Under version 2, 40 + 5 + 15 = 60: the lead becomes an MQL with a pending handoff. */
const qualifyingLog = (leadId: string): LeadInput[] => [event(leadId, 1, 'page_view', { url: '/pricing' }, hoursAgo(3)), event(leadId, 2, 'email_click', {}, hoursAgo(2))];
/** Two email opens: 10 points, a lead under any version. */
const quietLog = (leadId: string): LeadInput[] => [event(leadId, 1, 'email_open', {}, hoursAgo(3)), event(leadId, 2, 'email_open', {}, hoursAgo(2))];
type ReadSide = Awaited<ReturnType<RescoreActivityDeps['leadsToRescore']>>[number];
type Written = Parameters<RescoreActivityDeps['writeRescores']>[0][number];

function fakeDeps(overrides: Partial<RescoreActivityDeps> & Pick<RescoreActivityDeps, 'leadsToRescore' | 'completeHistories'>): RescoreActivityDeps {
  return {
    modelVersion,
    requestRescore: async () => {},
    writeRescores: async (items) => new Set(items.map((item) => item.snapshot.leadId)),
    wake: async () => {},
    ...overrides,
  };
}

describe('the rescore batch activity', () => {
  it("replays every complete log under the version, writes read sides still at the revision it read, wakes the leads whose stage or handoff changed, and heartbeats each phase up to all leads", async () => {
    const leadIds = ids(600);
    // The first 300 leads have complete input logs, the rest do not (their workflows replay
    // themselves). Even leads qualify under version 2; odd ones stay leads.
    const logs = new Map<string, LeadInput[]>(leadIds.slice(0, 300).map((leadId, i) => [leadId, i % 2 === 0 ? qualifyingLog(leadId) : quietLog(leadId)]));
    // Sales accepted lead 0002's handoff: the answer is in its log, so the replay takes it too.
    logs.get('lead-0002')!.push({ kind: 'answer', answer: { handoffId: 'lead-0002:1', decision: 'accept' }, at: hoursAgo(1) });
    // Lead 0008's workflow wrote after the listing read its revision.
    const moved = 'lead-0008';
    // Every read side as version 1 left it: no lead is an MQL yet.
    const recorded = hoursAgo(3);
    const firstAt = (leadId: string) => (logs.get(leadId)?.[0] as Extract<LeadInput, { kind: 'event' }> | undefined)?.event.occurredAt ?? recorded;
    const readSide = (leadId: string): ReadSide => ({ leadId, revision: 3, inputCount: logs.get(leadId)?.length ?? 2, stage: 'lead', handoff: null, stageHistory: [{ stage: 'lead', at: firstAt(leadId), reason: 'first event', recordedAt: recorded }] });
    const started = new Date().toISOString();
    const written: Written[] = [];
    const woken: Array<{ leadIds: readonly string[]; rescore: number }> = [];
    const activities = createRescoreActivities(
      fakeDeps({
        leadsToRescore: async (after, limit) => leadIds.filter((id) => id > after).slice(0, limit).map(readSide),
        completeHistories: async (leads) => {
          // The counts the activity asks for are the read side's.
          for (const lead of leads) expect(lead.inputCount).toBe(readSide(lead.leadId).inputCount);
          return new Map(leads.filter((lead) => logs.has(lead.leadId)).map((lead) => [lead.leadId, structuredClone(logs.get(lead.leadId)!)]));
        },
        writeRescores: async (items) => {
          written.push(...items);
          return new Set(items.map((item) => item.snapshot.leadId).filter((leadId) => leadId !== moved));
        },
        wake: async (leadIds, rescore) => void woken.push({ leadIds, rescore }),
      }),
    );
    const env = new MockActivityEnvironment();
    const beats: RescoreBatchProgress[] = [];
    env.on('heartbeat', (details: RescoreBatchProgress) => beats.push(details));

    const result: RescoreBatchResult = await env.run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 1_000 });

    expect(result).toMatchObject({ leads: 600, last: 'lead-0599', rescored: 299, deferred: 301, woken: 149, events: 601 });
    expect(Object.values(result.millis).every((ms) => ms >= 0)).toBe(true);

    // Only leads with a complete log are written, each guarded by the revision it was read at.
    expect(written.map((item) => item.snapshot.leadId).sort()).toEqual([...logs.keys()].sort());
    for (const item of written) {
      const { snapshot, ledger } = item;
      expect(item.base).toBe(3);
      expect(snapshot).toMatchObject({ revision: 3, inputCount: logs.get(snapshot.leadId)!.length, modelVersion: 2, eventCount: 2, ledgerSize: ledger.length });
      // The ledger is the lead's whole ledger, numbered from 0, and adds up to its scores.
      expect(ledger.map((entry) => entry.sequence)).toEqual(ledger.map((_, i) => i));
      expect(ledger.every((entry) => entry.leadId === snapshot.leadId && entry.modelVersion === 2)).toBe(true);
      expect(sums(ledger)).toEqual(nonZero(snapshot.scores));
    }
    const byLead = new Map(written.map((item) => [item.snapshot.leadId, item]));
    expect(byLead.get('lead-0000')!.snapshot).toMatchObject({ stage: 'mql', total: 60, handoff: { handoffId: 'lead-0000:1', status: 'pending', modelVersion: 2 } });
    expect(byLead.get('lead-0000')!.handoffs).toEqual([byLead.get('lead-0000')!.snapshot.handoff]);
    // A stage change the lead had keeps when it was recorded; one the rescoring made is recorded now.
    const [kept, crossed] = byLead.get('lead-0000')!.snapshot.stageHistory;
    expect(kept).toEqual({ stage: 'lead', at: firstAt('lead-0000'), reason: 'first event', recordedAt: recorded });
    expect(crossed).toMatchObject({ stage: 'mql' });
    expect(crossed!.recordedAt! >= started).toBe(true);
    expect(byLead.get('lead-0001')!.snapshot).toMatchObject({ stage: 'lead', total: 10, handoff: null, stageHistory: [{ stage: 'lead', recordedAt: recorded }] });
    expect(byLead.get('lead-0001')!.handoffs).toEqual([]);
    expect(byLead.get('lead-0002')!.snapshot).toMatchObject({ stage: 'sal', handoff: { handoffId: 'lead-0002:1', status: 'accepted' } });

    // The leads the rescoring qualified are woken under its version; the moved lead is its workflow's to replay.
    const wokenIds = woken.flatMap((call) => call.leadIds);
    expect(woken.every((call) => call.rescore === 2)).toBe(true);
    expect(wokenIds.sort()).toEqual([...logs.keys()].filter((_, i) => i % 2 === 0).filter((leadId) => leadId !== moved).sort());

    expect(new Set(beats.map((beat) => beat.phase))).toEqual(new Set(['reading', 'replaying', 'writing']));
    expect(beats.every((beat) => beat.leads === 600 && beat.done >= 0 && beat.done <= 600)).toBe(true);
    expect(beats.at(-1)?.done).toBe(600);
    // The count only grows.
    const counts = beats.map((beat) => beat.done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('answers an empty batch after the last lead without reading or writing anything', async () => {
    const calls: string[] = [];
    const activities = createRescoreActivities(
      fakeDeps({
        leadsToRescore: async () => [],
        completeHistories: async () => {
          calls.push('read');
          return new Map();
        },
        writeRescores: async () => {
          calls.push('write');
          return new Set();
        },
      }),
    );
    await expect(new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: 'lead-0599', limit: 1_000 })).resolves.toMatchObject({ leads: 0, last: 'lead-0599', rescored: 0, deferred: 0, woken: 0, events: 0 });
    expect(calls).toEqual([]);
  });

  it("marks the version every lead's workflow replays its log under", async () => {
    const marked: Array<[string | undefined, number]> = [];
    const activities = createRescoreActivities(fakeDeps({ leadsToRescore: async () => [], completeHistories: async () => new Map(), requestRescore: async (modelId, version) => void marked.push([modelId, version]) }));
    await new MockActivityEnvironment().run(activities.requestRescore, { modelId: 'b', modelVersion: 2 });
    // A rescoring started before the live model could change names none: the live one.
    await new MockActivityEnvironment().run(activities.requestRescore, { modelVersion: 2 });
    expect(marked).toEqual([
      ['b', 2],
      [undefined, 2],
    ]);
  });
});

describe('a batch of several slices', () => {
  const many = ids(1_500);
  const readSide = (leadId: string): ReadSide => ({ leadId, revision: 1, inputCount: 2, stage: 'lead', handoff: null });
  const activitiesWith = (deps: Partial<RescoreActivityDeps>, reads: string[], readMs = 0) =>
    createRescoreActivities(
      fakeDeps({
        leadsToRescore: async (after, limit) => many.filter((id) => id > after).slice(0, limit).map(readSide),
        completeHistories: async (leads) => {
          reads.push(leads[0]!.leadId);
          if (readMs > 0) await new Promise((resolve) => setTimeout(resolve, readMs));
          return new Map(leads.map((lead) => [lead.leadId, quietLog(lead.leadId)]));
        },
        ...deps,
      }),
    );

  it("replays the next slice while the previous one is written, one slice's writes at a time", async () => {
    const reads: string[] = [];
    const writes: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const activities = activitiesWith(
      {
        writeRescores: async (items) => {
          writes.push(`start ${items[0]!.snapshot.leadId}`);
          if (writes.length === 1) await held;
          writes.push(`end ${items[0]!.snapshot.leadId}`);
          return new Set(items.map((item) => item.snapshot.leadId));
        },
      },
      reads,
    );
    const running = new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 2_000 });

    // With the first slice's write held, the batch reads (and replays) the second and reads the
    // third, but does not start a second write.
    await vi.waitFor(() => expect(reads).toEqual(['lead-0000', 'lead-0500', 'lead-1000']));
    expect(writes).toEqual(['start lead-0000']);
    release();
    // Quiet leads stay leads: nothing to wake.
    await expect(running).resolves.toMatchObject({ leads: 1_500, rescored: 1_500, deferred: 0, woken: 0, events: 3_000 });
    expect(writes).toEqual(['start lead-0000', 'end lead-0000', 'start lead-0500', 'end lead-0500', 'start lead-1000', 'end lead-1000']);
  });

  it('fails with the error of a write that failed while the next slice was read', async () => {
    // The write fails while the batch waits for the next slice's read: the failure must wait for
    // the batch to get to it, not go unhandled meanwhile (vitest fails the run on one).
    const activities = activitiesWith(
      {
        writeRescores: async (items) => {
          if (items[0]!.snapshot.leadId === 'lead-0000') throw new Error('write refused: disk full');
          return new Set(items.map((item) => item.snapshot.leadId));
        },
      },
      [],
      50,
    );
    await expect(new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 2_000 })).rejects.toThrow('write refused: disk full');
  });

  it('fails when the leads it changed cannot be woken, so a retry wakes them', async () => {
    const activities = createRescoreActivities(
      fakeDeps({
        leadsToRescore: async (after, limit) => many.filter((id) => id > after).slice(0, limit).map(readSide),
        completeHistories: async (leads) => new Map(leads.map((lead) => [lead.leadId, qualifyingLog(lead.leadId)])),
        wake: async () => {
          throw new Error('Temporal unavailable');
        },
      }),
    );
    await expect(new MockActivityEnvironment().run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 2_000 })).rejects.toThrow('Temporal unavailable');
  });
});

describe('a batch whose read takes long', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps heartbeating while it reads, so it is neither timed out nor shown standing still', async () => {
    // The clock's timers only: the replay still lets I/O through between leads (setImmediate).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    let finishRead: (logs: Map<string, LeadInput[]>) => void = () => {};
    const activities = createRescoreActivities(
      fakeDeps({
        leadsToRescore: async (after) => (after === '' ? [{ leadId: 'lead-0001', revision: 1, inputCount: 2, stage: 'lead', handoff: null }] : []),
        // A read of a large input-log collection: answers only when the test says so.
        completeHistories: () => new Promise((resolve) => (finishRead = resolve)),
      }),
    );
    const env = new MockActivityEnvironment();
    const beats: RescoreBatchProgress[] = [];
    env.on('heartbeat', (details: RescoreBatchProgress) => beats.push(details));

    const running = env.run(activities.rescoreBatch, { modelVersion: 2, after: '', limit: 10 });
    await vi.advanceTimersByTimeAsync(35_000);
    const whileReading = beats.filter((beat) => beat.phase === 'reading').length;
    finishRead(new Map([['lead-0001', qualifyingLog('lead-0001')]]));
    await expect(running).resolves.toMatchObject({ leads: 1, rescored: 1, woken: 1 });
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
            { activityType: { name: 'countLeads' } },
            { activityType: { name: 'rescoreBatch' }, heartbeatDetails: heartbeat === undefined ? null : { payloads: [defaultPayloadConverter.toPayload(heartbeat)] } },
          ],
        },
      }),
    }) as unknown as WorkflowHandle;

  it('adds the batch under way from its last heartbeat', async () => {
    expect(await readRescoreProgress(handle({ phase: 'replaying', leads: 5_000, done: 1_250 }))).toEqual({ ...progress, batch: { phase: 'replaying', leads: 5_000, done: 1_250 } });
  });

  it('gives the finished batches alone before the first heartbeat, for a heartbeat it does not know, and once done', async () => {
    expect(await readRescoreProgress(handle(undefined))).toEqual(progress);
    expect(await readRescoreProgress(handle({ phase: 'read', leads: 5_000 }))).toEqual(progress);
    expect(await readRescoreProgress(handle({ phase: 'writing', leads: 5_000, done: 10 }, true))).toEqual({ ...progress, done: true });
  });
});

/** Points per score in a ledger, zero sums left out. */
function sums(ledger: readonly LedgerEntry[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const entry of ledger) totals[entry.score] = (totals[entry.score] ?? 0) + entry.points;
  return nonZero(totals);
}

function nonZero(scores: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(scores).filter(([, points]) => points !== 0));
}

