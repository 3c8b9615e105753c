import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { LeadEvent } from '../../../engine/types';
import { compileGraph } from '../../../rules/compile-graph';
import { b2bDefaultGraph } from '../../../rules/templates';
import { createFirstLives, type FirstLivesDeps } from './first-lives';

const compiled = compileGraph(b2bDefaultGraph);
const event = (eventId: string, leadId: string): LeadEvent => ({
  eventId,
  leadId,
  type: 'page_view',
  properties: { url: '/pricing' },
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  receivedAt: new Date().toISOString(),
});

/**
 * First lives over an in-memory store and a Temporal client that holds each workflow start until
 * the test answers it (`answer` lets a lead's oldest held start through, or fails it), so that the
 * test decides the order the starts finish in.
 */
function withHeldStarts() {
  const held = new Map<string, Array<(error?: Error) => void>>();
  const startsAsked: string[] = [];
  const temporal = {
    workflow: {
      start(_name: string, options: { workflowId: string }) {
        startsAsked.push(options.workflowId);
        return new Promise<void>((resolve, reject) => {
          const answers = held.get(options.workflowId) ?? [];
          answers.push((error) => (error ? reject(error) : resolve()));
          held.set(options.workflowId, answers);
        });
      },
    },
  } as unknown as Client;
  const deps: FirstLivesDeps = {
    temporal,
    // Never says a lead exists: what is started is up to `start` alone.
    leads: { existing: async () => new Set<string>(), writeFirstLives: async (lives) => new Set(lives.map((life) => life.snapshot.leadId)) },
    histories: { insertHistories: async () => undefined },
    liveModel: async () => ({ modelId: 'b2b', version: 1, compiled }),
    liveState: async () => ({ modelId: 'b2b', latest: 1 }),
    roundRobinPosition: async () => 0,
    listening: async () => false,
  };
  const answer = (leadId: string, error?: Error) => {
    const next = held.get(`lead:${leadId}`)?.shift();
    if (!next) throw new Error(`no start of ${leadId} is waiting`);
    next(error);
  };
  return { firstLives: createFirstLives(deps), answer, startsAsked };
}

/** Lets the event loop turn a few times: whatever can go on meanwhile does. */
const turns = () => settlesSoon(Promise.resolve());

/** Resolves with whether `promise` settled within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('new leads started in bulk', () => {
  it('hand each lead to live deliveries once its own workflow is started, not once the whole batch is', async () => {
    const { firstLives, answer, startsAsked } = withHeldStarts();
    const starting = firstLives.start([
      { leadId: 'lead-a', events: [event('a1', 'lead-a')] },
      { leadId: 'lead-b', events: [event('b1', 'lead-b')] },
    ]);
    // Both starts are asked for; neither is answered yet.
    await turns();
    expect(startsAsked.sort()).toEqual(['lead:lead-a', 'lead:lead-b']);
    const deliveryToA = firstLives.beforeDelivery('lead-a');
    const deliveryToB = firstLives.beforeDelivery('lead-b');
    expect(await settlesSoon(deliveryToA)).toBe(false);

    // Lead a's workflow is started: the next event to it may go, while lead b's still waits.
    answer('lead-a');
    expect(await settlesSoon(deliveryToA)).toBe(true);
    expect(await settlesSoon(deliveryToB)).toBe(false);
    expect(await settlesSoon(starting)).toBe(false);

    answer('lead-b');
    expect(await settlesSoon(deliveryToB)).toBe(true);
    expect(await starting).toEqual(new Set(['lead-a', 'lead-b']));
  });

  it('keep a later start of the same lead waited for when the earlier batch ends', async () => {
    // The store here never says a lead exists, so a second batch may start a lead the first one
    // handed on already: the first batch's end must not hand on the second start.
    const { firstLives, answer } = withHeldStarts();
    const first = firstLives.start([
      { leadId: 'lead-a', events: [event('a1', 'lead-a')] },
      { leadId: 'lead-b', events: [event('b1', 'lead-b')] },
    ]);
    await turns();
    answer('lead-a');
    await turns();
    const second = firstLives.start([{ leadId: 'lead-a', events: [event('a2', 'lead-a')] }]);
    await turns();
    answer('lead-b');
    await first;
    const delivery = firstLives.beforeDelivery('lead-a');
    expect(await settlesSoon(delivery)).toBe(false);
    answer('lead-a');
    expect(await settlesSoon(delivery)).toBe(true);
    expect(await second).toEqual(new Set(['lead-a']));
  });

  it('let a delivery go when its lead’s start fails: its signal then starts the lead or retries', async () => {
    const { firstLives, answer } = withHeldStarts();
    const starting = firstLives.start([{ leadId: 'lead-c', events: [event('c1', 'lead-c')] }]);
    await turns();
    const delivery = firstLives.beforeDelivery('lead-c');
    expect(await settlesSoon(delivery)).toBe(false);
    answer('lead-c', new Error('Temporal is unavailable'));
    await expect(starting).rejects.toThrow('Temporal is unavailable');
    expect(await settlesSoon(delivery)).toBe(true);
    // A lead not being started here is not waited for at all.
    expect(await settlesSoon(firstLives.beforeDelivery('lead-z'))).toBe(true);
  });
});
