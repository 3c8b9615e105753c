/**
 * What a lead's turn costs its Temporal history, and that the cheaper turns change nothing a
 * user sees: events that came with the live model the lead has need no question to the worker
 * (no local activity), a lead nobody listens to schedules no webhook activity, and a deadline
 * that only moves later keeps one timer instead of a timer cancelled and started every turn.
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { lifecycleModel, replay, type LeadInput } from '../engine/lifecycle/lifecycle';
import type { LedgerEntry } from '../engine/lead-records';
import { createScorer } from '../engine/score-event';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';
import { ledgerOf, listeners, modelState, RETRY, testEnv, useTimeSkippingServer, withLead, type Lead } from '../test/support/lead-workflow-harness';
import type { DeliveryStamp, LeadSnapshot } from './lead.definitions';

useTimeSkippingServer();

const { EventType } = temporal.api.enums.v1;

/** The lead's history, as the names of its events and of the local activities its markers record. */
async function historyOf(lead: Lead): Promise<{ types: string[]; localActivities: string[] }> {
  const { events } = await lead.workflowHandle.fetchHistory();
  const types = (events ?? []).map((event) => EventType[event.eventType ?? 0] as string);
  const localActivities = (events ?? []).flatMap((event) => {
    const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (event.markerRecordedEventAttributes?.markerName !== 'core_local_activity' || !data) return [];
    return [(JSON.parse(new TextDecoder().decode(data)) as { activity_type: string }).activity_type];
  });
  return { types, localActivities };
}

const count = (items: readonly string[], item: string) => items.filter((x) => x === item).length;

describe('the cost of a lead turn', () => {
  it('asks the worker nothing for events that came with the live model the lead has, and asks when they bring news', RETRY, async () => {
    const live: DeliveryStamp = { modelId: 'default', version: 1, listening: true };
    await withLead('told', async (lead) => {
      await lead.sendStamped('page_view', live, { url: '/pricing' });
      await lead.until((s) => s.eventCount === 1, 'the first event');
      await lead.sendStamped('email_click', live);
      await lead.until((s) => s.eventCount === 2, 'the second event');
      await lead.sendStamped('page_view', live, { url: '/blog/a' });
      expect(await lead.until((s) => s.eventCount === 3, 'the third event')).toMatchObject({ total: 45, modelVersion: 1 });
      // The first turn learns the model; the next two turns write their read side and ask nothing.
      const told = await historyOf(lead);
      expect(count(told.localActivities, 'modelNews')).toBe(1);
      expect(count(told.localActivities, 'writeProjection')).toBe(3);

      // Version 2 (pricing twice as valued) is published: the API's next delivery says so.
      modelState.latest = 2;
      // The worker trusts what it read of the live model for a second (lead.activities.ts).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await lead.sendStamped('page_view', { ...live, version: 2 }, { url: '/pricing' });
      expect(await lead.until((s) => s.eventCount === 4, 'the event that brought news')).toMatchObject({ modelVersion: 2 });
      expect(lead.ledger().slice(-2).map((entry) => [entry.ruleId, entry.points, entry.modelVersion])).toEqual([
        ['visit-points', 5, 2],
        ['key-page-points', 45, 2],
      ]);
      expect(count((await historyOf(lead)).localActivities, 'modelNews')).toBe(2);

      // An event without a stamp (an API of an older release) makes the turn ask, as every turn used to.
      await lead.send('email_click');
      await lead.until((s) => s.eventCount === 5, 'the unstamped event');
      expect(count((await historyOf(lead)).localActivities, 'modelNews')).toBe(3);
      await lead.saveHistory('stamped-deliveries');
    });
  });

  it('records no patch marker and writes no search attribute in a run the current API started, and still asks in a run an older API started', RETRY, async () => {
    const live: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    const patchesAsked = (types: readonly string[]) => count(types, 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES');
    let coded: LeadSnapshot | undefined;
    await withLead('coded', async (lead) => {
      // Started as the current API starts a lead (stamped): the run knows its code's patches.
      await lead.sendStamped('page_view', live, { url: '/pricing' });
      await lead.until((s) => s.eventCount === 1, 'the first event');
      await lead.sendStamped('email_click', live);
      coded = await lead.until((s) => s.eventCount === 2, 'the second event');
      const { types, localActivities } = await historyOf(lead);
      expect(patchesAsked(types)).toBe(0);
      expect(count(types, 'EVENT_TYPE_MARKER_RECORDED')).toBe(localActivities.length);
      // Each turn still writes its read side in a local activity and keeps one timer (the patches' behaviour).
      expect(count(localActivities, 'writeProjection')).toBe(2);
      expect(count(types, 'EVENT_TYPE_TIMER_CANCELED')).toBe(0);
      await lead.saveHistory('coded-run');
    });
    await withLead('uncoded', async (lead) => {
      // Started as an older API did (no code): the same journey, asking patched() as runs of those days do.
      await lead.send('page_view', { url: '/pricing' });
      await lead.until((s) => s.eventCount === 1, 'the first event');
      await lead.send('email_click');
      const uncoded = await lead.until((s) => s.eventCount === 2, 'the second event');
      expect(uncoded.total).toBe(coded?.total);
      expect(uncoded.total).toBeGreaterThan(0);
      const { types, localActivities } = await historyOf(lead);
      expect(patchesAsked(types)).toBeGreaterThan(0);
      expect(count(types, 'EVENT_TYPE_MARKER_RECORDED')).toBeGreaterThan(localActivities.length);
      expect(count(localActivities, 'writeProjection')).toBe(2);
    });
  });

  it('schedules no webhook activity while nobody listens, and announces again once someone does', RETRY, async () => {
    const unheard: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    const { notifications } = await withLead('unheard', async (lead) => {
      listeners.on = false;
      await lead.sendStamped('page_view', unheard, { url: '/pricing' });
      await lead.sendStamped('form_submit', unheard, { form: 'demo_request' });
      expect(await lead.until((s) => s.stage === 'mql', 'MQL')).toMatchObject({ total: 75, handoff: { status: 'pending' } });
      expect((await historyOf(lead)).types).not.toContain('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');

      listeners.on = true;
      const heard = await lead.until((s) => s.stage === 'mql', 'MQL');
      expect((await lead.answer({ decision: 'accept' }, heard.handoff?.handoffId)).stage).toBe('sal');
      // The notifications are on their way as the answer returns: wait for their activities.
      for (let tries = 0; count((await historyOf(lead)).types, 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') < 2; tries++) {
        if (tries > 100) throw new Error('the answer was not announced');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    // Only what came once someone listened (the worker said so when the sales answer made the turn ask).
    expect(notifications.map((n) => n.type).sort()).toEqual(['handoff.answered', 'stage.changed']);
  });

  it('asks a round-robin handoff’s owner in the worker: the handoff’s turn schedules nothing through the server', RETRY, async () => {
    const unheard: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    const enterprise = { seniority: 'vp', companySize: 5000 };
    for (const started of ['by the current API', 'by an older API'] as const) {
      await withLead(`owner-${started.split(' ')[2]}`, async (lead) => {
        listeners.on = false;
        if (started === 'by the current API') {
          await lead.sendStamped('form_submit', unheard, { form: 'profile' }, enterprise);
          await lead.sendStamped('form_submit', unheard, { form: 'demo_request' });
        } else {
          // No code in its start: the run asks patched() for the owner's local activity, as runs of those days do.
          await lead.send('form_submit', { form: 'profile' }, enterprise);
          await lead.send('form_submit', { form: 'demo_request' });
        }
        const mql = await lead.until((s) => s.stage === 'mql', 'MQL');
        expect(mql.handoff).toMatchObject({ queue: 'enterprise-sales', owner: 'ae-1', status: 'pending' });
        const { types, localActivities } = await historyOf(lead);
        expect(count(localActivities, 'ownerFor'), started).toBe(1);
        expect(types, started).not.toContain('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
      });
    }
  });

  it('announces when the worker has a receiver of its own, though the API’s deliveries say nobody listens', RETRY, async () => {
    const apiUnaware: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    const { notifications } = await withLead('worker-heard', async (lead) => {
      // The worker's LEADFLOW_WEBHOOK_URL, unknown to the API: its answer to the first turn counts on later turns.
      listeners.on = true;
      await lead.sendStamped('page_view', apiUnaware, { url: '/pricing' });
      await lead.until((s) => s.eventCount === 1, 'the first event');
      await lead.sendStamped('form_submit', apiUnaware, { form: 'demo_request' });
      await lead.until((s) => s.stage === 'mql', 'MQL');
      for (let tries = 0; count((await historyOf(lead)).types, 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') < 2; tries++) {
        if (tries > 100) throw new Error('the handoff was not announced');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(count((await historyOf(lead)).localActivities, 'modelNews')).toBe(1);
    });
    expect(notifications.map((n) => n.type).sort()).toEqual(['handoff.created', 'stage.changed']);
  });

  it('started with its model (a new lead of a batch), asks the worker nothing for stamped events, and learns from its first write whether the worker has a receiver of its own', RETRY, async () => {
    const apiUnaware: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    const { notifications } = await withLead('started-with-model', async (lead) => {
      listeners.on = true;
      await lead.startWithModel();
      await lead.sendStamped('page_view', apiUnaware, { url: '/pricing' });
      await lead.until((s) => s.eventCount === 1, 'the first event');
      expect((await historyOf(lead)).localActivities).toEqual(['writeProjection']);
      // The demo request makes an MQL and a handoff: announced, since the first write said the worker listens.
      await lead.sendStamped('form_submit', apiUnaware, { form: 'demo_request' });
      await lead.until((s) => s.stage === 'mql', 'MQL');
      for (let tries = 0; count((await historyOf(lead)).types, 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') < 2; tries++) {
        if (tries > 100) throw new Error('the handoff was not announced');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await lead.sendStamped('email_click', apiUnaware);
      await lead.until((s) => s.eventCount === 3, 'the third event');
      const { localActivities } = await historyOf(lead);
      expect(localActivities).toEqual(['writeProjection', 'writeProjection', 'writeProjection']);
      await lead.saveHistory('started-with-model-told');
    });
    expect(notifications.map((n) => n.type).sort()).toEqual(['handoff.created', 'stage.changed']);
  });

  it('keeps one timer while each event puts the lead’s deadline off, and still takes the deadline when it comes', RETRY, async () => {
    const live: DeliveryStamp = { modelId: 'default', version: 1, listening: false };
    await withLead('alarm', async (lead) => {
      for (let day = 0; day < 4; day++) {
        await lead.sendStamped('page_view', live, { url: `/blog/${day}` });
        await lead.until((s) => s.eventCount === day + 1, `event ${day + 1}`);
        await lead.pass(1);
      }
      const { types } = await historyOf(lead);
      expect(count(types, 'EVENT_TYPE_TIMER_CANCELED')).toBe(0);
      // One timer for the first deadline; it rang early (the deadline had moved) and was set again: no more.
      expect(count(types, 'EVENT_TYPE_TIMER_STARTED')).toBeLessThanOrEqual(2);

      // Months later, the lead holds what the core gives for its inputs as of then: every decay step taken at its own time.
      await lead.pass(120);
      const inputs: LeadInput[] = lead.writes.flatMap((write) => write.applied?.inputs ?? []);
      const compiled = compileGraph(b2bDefaultGraph);
      const expected: LedgerEntry[] = [];
      await replay(lead.leadId, inputs, new Date(await testEnv().currentTimeMs()).toISOString(), lifecycleModel(1, compiled, createScorer(compiled)), (step) => expected.push(...step.ledger));
      expect(expected.some((entry) => entry.ruleId.includes('decay'))).toBe(true);
      const state = await lead.until((s) => ledgerOf(lead.writes).length === expected.length, 'every decay step');
      expect(ledgerOf(lead.writes)).toEqual(expected);
      expect(state.total).toBeLessThan(20);
      await lead.saveHistory('lasting-alarm');
    });
  });
});
