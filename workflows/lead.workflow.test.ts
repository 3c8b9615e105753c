import { WorkflowUpdateFailedError } from '@temporalio/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lifecycleModel, replay, type LeadInput } from '../engine/lifecycle/lifecycle';
import type { LedgerEntry } from '../engine/lead-records';
import { createScorer } from '../engine/score-event';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';
import { rescoreWorkflowId, type LeadSnapshot } from './lead.definitions';
import { rescoreWorkflow } from './rescore.workflow';
import { ledgerOf, modelState, OTHER_MODEL_ID, rescoreListings, RETRY, sleepOnServer, stored, testEnv, useTimeSkippingServer, withLead } from '../test/support/lead-workflow-harness';

// The real workflow code on Temporal's time-skipping test server, its activities faked in memory
// (test/support/lead-workflow-harness.ts).
useTimeSkippingServer();

const startedDay = (state: LeadSnapshot, first: string, at: string) => Math.round((Date.parse(at) - Date.parse(first)) / 86_400_000);

describe('leadWorkflow', () => {
  it('scores events, ignores a duplicate event id, and hands off at the MQL threshold', RETRY, async () => {
    const { writes } = await withLead('w1', async (lead) => {
      await lead.send('page_view', { url: '/pricing' }, undefined, 'w1-e1');
      expect((await lead.until((s) => s.eventCount === 1, 'first event')).scores).toEqual({ engagement: 25 });
      await lead.send('page_view', { url: '/pricing' }, undefined, 'w1-e1');
      await lead.send('email_click', {}, undefined, 'w1-e2');
      const two = await lead.until((s) => s.eventCount === 2, 'second event');
      expect(two).toMatchObject({ total: 40, stage: 'lead' });

      await lead.send('form_submit', { form: 'demo_request' }, undefined, 'w1-e3');
      const state = await lead.until((s) => s.stage === 'mql', 'MQL');
      expect(state.total).toBe(90);
      expect(state.handoff).toMatchObject({ handoffId: 'w1:1', queue: 'inbound-sales', team: 'Inbound', status: 'pending', score: 90, qualifiedBy: 'mql' });
      expect(state.stageHistory.map((change) => change.stage)).toEqual(['lead', 'mql']);
      await lead.saveHistory('mql-handoff');
    });
    expect(ledgerOf(writes).map((entry) => [entry.eventId, entry.ruleId, entry.points])).toEqual([
      ['w1-e1', 'visit-points', 5],
      ['w1-e1', 'key-page-points', 20],
      ['w1-e2', 'email-click-points', 15],
      ['w1-e3', 'demo-points', 50],
    ]);
    const revisions = writes.map((write) => write.snapshot.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
  });

  it("follows a B2B lead for 180 days: DOMAIN.md's actions and decay, to the exact ledger", RETRY, async () => {
    let first = '';
    const { writes, notifications } = await withLead('journey', async (lead) => {
      const at = async (day: number) => {
        const now = await testEnv().currentTimeMs();
        const target = Date.parse(first) + day * 86_400_000;
        if (target > now) await sleepOnServer(target - now);
      };
      await lead.send('page_view', { url: '/blog/why-scoring' });
      first = (await lead.until((s) => s.eventCount === 1, 'day 0')).lastActivityAt as string;
      await at(1);
      await lead.send('email_open', { campaign: 'welcome' });
      await at(2);
      await lead.send('content_download', { assetType: 'guide' });
      await lead.until((s) => s.eventCount === 3, 'day 2');
      await at(40);
      expect((await lead.until((s) => s.ledgerSize === 5, 'decay by day 40')).scores.engagement).toBe(12);
      await lead.send('webinar_attended', { webinar: 'q3-roadmap' });
      await at(50);
      await lead.send('page_view', { url: '/pricing' });
      await at(51);
      await lead.send('form_submit', { form: 'demo_request' });
      const mql = await lead.until((s) => s.stage === 'mql', 'MQL on day 51');
      expect(mql.total).toBe(97);
      await sleepOnServer(2 * 3_600_000);
      expect((await lead.answer({ decision: 'accept', note: 'discovery call booked' })).stage).toBe('sal');
      await at(100);
      expect((await lead.answer({ decision: 'qualify', note: 'budget confirmed' })).stage).toBe('sql');
      await at(101);
      await lead.send('crm_outcome', { outcome: 'opportunity_created' });
      await lead.until((s) => s.stage === 'opportunity', 'opportunity');
      await at(180);
      await lead.send('crm_outcome', { outcome: 'won' });
      const end = await lead.until((s) => s.stage === 'customer', 'won');
      expect(end.scores).toEqual({ engagement: 42 });
      expect(end.stageHistory.map((s) => [s.stage, startedDay(end, first, s.at)])).toEqual([
        ['lead', 0],
        ['mql', 51],
        ['sal', 51],
        ['sql', 100],
        ['opportunity', 101],
        ['customer', 180],
      ]);
      await lead.saveHistory('journey-180-days');
    });
    const ledger = ledgerOf(writes);
    expect(ledger.map((e) => [e.sequence, startedDay({} as LeadSnapshot, first, e.occurredAt), e.ruleId, e.points])).toEqual([
      [0, 0, 'visit-points', 5],
      [1, 1, 'email-open-points', 5],
      [2, 2, 'download-points', 20],
      [3, 30, 'decay-social', -8],
      [4, 32, 'decay-inactive', -10],
      [5, 40, 'webinar-points', 25],
      [6, 47, 'decay-web', -15],
      [7, 50, 'visit-points', 5],
      [8, 50, 'key-page-points', 20],
      [9, 51, 'demo-points', 50],
      [10, 61, 'decay-email', -5],
      [11, 81, 'decay-inactive', -10],
      [12, 96, 'decay-web', -15],
      [13, 121, 'decay-email', -5],
      [14, 131, 'decay-inactive', -10],
      [15, 161, 'decay-inactive', -10],
    ]);
    expect(ledger.find((e) => e.ruleId === 'decay-web')?.reason).toBe('No website visit: -15 after 45 days: -15 engagement after 45 days without web activity');
    expect(new Set(ledger.map((e) => e.entryId)).size).toBe(ledger.length);
    // Handoff news in order; and every stage change once, each with its own key.
    expect(notifications.filter((n) => n.type !== 'stage.changed').map((n) => n.type)).toEqual(['handoff.created', 'handoff.answered', 'handoff.answered']);
    const stages = notifications.filter((n) => n.type === 'stage.changed').sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
    expect(stages.map((n) => [n.key, n.stage?.stage])).toEqual([
      ['journey:stage:1', 'mql'],
      ['journey:stage:2', 'sal'],
      ['journey:stage:3', 'sql'],
      ['journey:stage:4', 'opportunity'],
      ['journey:stage:5', 'customer'],
    ]);
  });

  it('escalates an unanswered handoff once, then expires it and returns the lead to marketing', RETRY, async () => {
    const { notifications } = await withLead('sla', async (lead) => {
      await lead.send('form_submit', { form: 'profile' }, { seniority: 'vp', companySize: 5000 });
      await lead.send('form_submit', { form: 'demo_request' });
      const mql = await lead.until((s) => s.stage === 'mql', 'MQL');
      expect(mql.handoff).toMatchObject({ queue: 'enterprise-sales', owner: 'ae-1', slaHours: 8, escalations: 0 });

      await lead.pass(8.5 / 24);
      const escalated = await lead.until((s) => s.handoff?.escalations === 1, 'escalation');
      expect(escalated.handoff).toMatchObject({ queue: 'sales-managers', status: 'pending' });
      expect(escalated.handoff?.owner).toBeUndefined();
      expect(escalated.stage).toBe('mql');

      await lead.pass(8.5 / 24);
      const expired = await lead.until((s) => s.handoff?.status === 'expired', 'expiry');
      expect(expired.stage).toBe('nurture');
      expect(expired.stageHistory.at(-1)?.reason).toBe('expired: no answer within 8 h after 1 escalation(s)');
      await expect(lead.answer({ decision: 'accept' })).rejects.toThrow(WorkflowUpdateFailedError);
      await lead.saveHistory('sla-expiry');
    });
    expect(notifications.filter((n) => n.type !== 'stage.changed').map((n) => [n.type, n.handoff?.queue])).toEqual([
      ['handoff.created', 'enterprise-sales'],
      ['handoff.escalated', 'sales-managers'],
      ['handoff.expired', 'sales-managers'],
    ]);
    expect(notifications.filter((n) => n.type === 'stage.changed').map((n) => n.stage?.stage).sort()).toEqual(['mql', 'nurture']);
    expect(new Set(notifications.map((n) => n.key)).size).toBe(5);
  });

  it('recycles a rejected lead: engagement reset, a 30-day cool-down, then MQL again', RETRY, async () => {
    await withLead('recycle', async (lead) => {
      await lead.send('form_submit', { form: 'demo_request' });
      await lead.send('webinar_attended');
      await lead.until((s) => s.stage === 'mql', 'MQL');
      await expect(lead.answer({ decision: 'reject' })).rejects.toThrow(WorkflowUpdateFailedError);

      const rejected = await lead.answer({ decision: 'reject', reason: 'bad_timing', note: 'budget opens in Q2' });
      expect(rejected).toMatchObject({ stage: 'nurture', scores: { engagement: 0 }, handoff: { status: 'rejected', reason: 'bad_timing', note: 'budget opens in Q2' } });
      expect(rejected.stageHistory.at(-1)?.reason).toBe('rejected by sales: bad_timing (budget opens in Q2)');
      expect(lead.ledger().at(-1)).toMatchObject({ ruleId: 'recycle', points: -75, reason: 'rejected by sales (bad_timing): engagement reset to 0' });

      await lead.pass(20);
      await lead.send('form_submit', { form: 'demo_request' });
      await lead.send('webinar_attended');
      const cooling = await lead.until((s) => s.eventCount === 4, 'events during the cool-down');
      expect(cooling).toMatchObject({ stage: 'nurture', total: 75 });

      await lead.pass(11);
      const again = await lead.until((s) => s.stage === 'mql', 'MQL after the cool-down');
      expect(again.handoff).toMatchObject({ handoffId: 'recycle:2', status: 'pending' });
      await lead.saveHistory('reject-cool-down-mql');
    });
  });

  it('scores a late event at its own time: the silent period it breaks is charged once, and the ledger is rewritten from there', RETRY, async () => {
    await withLead('late', async (lead) => {
      await lead.send('form_submit', { form: 'demo_request' });
      const first = (await lead.until((s) => s.eventCount === 1, 'first event')).lastActivityAt as string;
      await lead.pass(40);
      // 40 quiet days: decay taken at day 30 (inactivity -10, social -8).
      const quiet = await lead.until((s) => s.ledgerSize === 3, 'decay at day 30');
      expect(quiet.total).toBe(32);
      // A CRM backfill brings a page view of day 20: days 0-20 and 20-40 were never 30 quiet days.
      await lead.sendAt('page_view', new Date(Date.parse(first) + 20 * 86_400_000).toISOString(), { url: '/blog/a' });
      const refolded = await lead.until((s) => s.eventCount === 2, 'the late event');
      // Inactivity is not charged (no 30 quiet days); no social activity since day 0 still is.
      expect(lead.ledger().map((e) => [e.ruleId, e.points, Math.round((Date.parse(e.occurredAt) - Date.parse(first)) / 86_400_000)])).toEqual([
        ['demo-points', 50, 0],
        ['visit-points', 5, 20],
        ['decay-social', -8, 30],
      ]);
      expect(refolded.total).toBe(47);
      // The demo request's entry stands; the ledger is rewritten from the late event on.
      expect(lead.writes.at(-1)).toMatchObject({ ledgerFrom: 1, replace: true });
      await lead.saveHistory('late-event-refold');
    });
  });

  it('scores the next event with another live model though its version number is the one the lead has', RETRY, async () => {
    const { writes } = await withLead('switch-live', async (lead) => {
      await lead.send('page_view', { url: '/pricing' }, undefined, 'switch-live-e1');
      expect(await lead.until((s) => s.eventCount === 1, 'scored by the first live model')).toMatchObject({ total: 25, modelVersion: 1 });

      // Version 1 of another model: the number the workflow has, other rules (pricing valued twice as much: 75 in all, where the first model gives 50).
      modelState.modelId = OTHER_MODEL_ID;
      // The worker trusts what it read of the live model for a second (lead.activities.ts).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await lead.send('page_view', { url: '/pricing' }, undefined, 'switch-live-e2');
      expect(await lead.until((s) => s.eventCount === 2, 'scored by the new live model')).toMatchObject({ total: 75, modelVersion: 1 });
      await lead.saveHistory('live-model-switch');
    });
    expect(ledgerOf(writes, 'switch-live').map((e) => [e.eventId, e.ruleId, e.points, e.modelVersion])).toEqual([
      ['switch-live-e1', 'visit-points', 5, 1],
      ['switch-live-e1', 'key-page-points', 20, 1],
      ['switch-live-e2', 'visit-points', 5, 1],
      ['switch-live-e2', 'key-page-points', 45, 1],
    ]);
  });

  it('rescores a lead under a new version: its whole log replayed, rule by rule, and a lead that now qualifies is handed off', RETRY, async () => {
    const { writes } = await withLead('rescore-lead', async (lead) => {
      await lead.send('page_view', { url: '/pricing' });
      await lead.send('email_click');
      expect(await lead.until((s) => s.eventCount === 2, 'v1 scoring')).toMatchObject({ total: 40, stage: 'lead', modelVersion: 1 });

      modelState.latest = 2;
      rescoreListings.length = 0;
      const batchSize = 2;
      const progress = await testEnv().client.workflow.execute(rescoreWorkflow, {
        taskQueue: 'test-rescore-lead',
        workflowId: rescoreWorkflowId('b2b', 2),
        args: [{ modelVersion: 2, batchSize }],
      });
      // Full batches, then a short one that ends the run.
      const full = Math.floor(stored.size / batchSize);
      expect(rescoreListings).toEqual([...Array<number>(full).fill(batchSize), stored.size % batchSize]);
      // This test's lead is rewritten in bulk (and woken: it now qualifies); the leads of earlier tests ran on other servers.
      expect(progress).toMatchObject({ modelVersion: 2, total: stored.size, signalled: stored.size, rescored: 1, woken: 1, deferred: stored.size - 1, done: true });

      const after = await lead.until((s) => s.modelVersion === 2 && s.stage === 'mql', 'rescoring under v2');
      // 5 + 40 + 15 = 60 under version 2: the rescored lead now qualifies.
      expect(after).toMatchObject({ total: 60, scores: { engagement: 60 }, handoff: { modelVersion: 2, qualifiedBy: 'mql' } });
      await lead.saveHistory('bulk-rescore-mql');
    });
    // The replayed ledger, rule by rule under version 2: no lump lines.
    expect(ledgerOf(writes, 'rescore-lead').map((e) => [e.ruleId, e.points, e.modelVersion])).toEqual([
      ['visit-points', 5, 2],
      ['key-page-points', 40, 2],
      ['email-click-points', 15, 2],
    ]);
  });

  it('gives what the core replays, entry by entry, for random backdated histories delivered in random batches', { timeout: 300_000 }, async () => {
    const compiled = compileGraph(b2bDefaultGraph);
    const model = lifecycleModel(1, compiled, createScorer(compiled));
    const shapes: Array<{ type: string; properties: Record<string, string>; attributes?: Record<string, string | number> }> = [
      { type: 'page_view', properties: { url: '/pricing' } },
      { type: 'page_view', properties: { url: '/blog/a' } },
      { type: 'form_submit', properties: { form: 'demo_request' } },
      { type: 'email_open', properties: {} },
      { type: 'webinar_attended', properties: {} },
      { type: 'unsubscribe', properties: {} },
      { type: 'crm_outcome', properties: { outcome: 'lost' } },
      { type: 'custom', properties: { name: 'crm_sync' }, attributes: { seniority: 'vp', companySize: 5000 } },
    ];
    const history = fc.array(fc.record({ shape: fc.nat(shapes.length - 1), minutesAgo: fc.nat(90 * 24 * 60), batch: fc.nat(3) }), { minLength: 1, maxLength: 12 });
    let n = 0;
    await withLead('prop-0', async (first) => {
      await fc.assert(
        fc.asyncProperty(history, async (drawn) => {
          const lead = first.sibling(`prop-${++n}`);
          const now = await testEnv().currentTimeMs();
          const events = drawn.map((d, i) => ({ eventId: `prop-${n}-${i}`, leadId: lead.leadId, ...shapes[d.shape]!, occurredAt: new Date(now - d.minutesAgo * 60_000).toISOString() }));
          // Delivered in random batches: each batch's signals at once, in no particular order.
          for (let batch = 0; batch <= 3; batch++) {
            await Promise.all(events.filter((_, i) => drawn[i]!.batch === batch).map((e) => lead.sendAt(e.type, e.occurredAt, e.properties, e.attributes, e.eventId)));
          }
          const live = await lead.until((s) => s.eventCount === events.length, 'every event');
          const ledger: LedgerEntry[] = [];
          // The lead's input log as it stored it (what a rescoring replays): its events, and the owner its handoff got.
          const inputs: LeadInput[] = lead.writes.filter((w) => w.snapshot.leadId === lead.leadId).flatMap((w) => w.applied?.inputs ?? []);
          expect(inputs.filter((input) => input.kind === 'event').map((input) => input.kind === 'event' && input.event.eventId).sort()).toEqual([...new Set(events.map((e) => e.eventId))].sort());
          const { view } = await replay(lead.leadId, inputs, new Date(await testEnv().currentTimeMs()).toISOString(), model, (step) => ledger.push(...step.ledger));
          const { revision: _r, inputCount: _c, ...expected } = view.snapshot;
          const { revision: _rl, inputCount: _cl, ...actual } = live;
          // The read side also says when each stage change was recorded; the core knows only when it happened.
          expect(actual.stageHistory.every((change) => change.recordedAt !== undefined)).toBe(true);
          expect({ ...actual, stageHistory: actual.stageHistory.map(({ recordedAt: _at, ...change }) => change) }).toEqual(expected);
          expect(ledgerOf(lead.writes, lead.leadId)).toEqual(ledger);
        }),
        { numRuns: 24 },
      );
    });
  });
});
