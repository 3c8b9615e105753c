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

/** A start Temporal has not answered yet: `answer` lets it through, or fails it with an error. */
interface HeldStart {
  answered: Promise<void>;
  answer(error?: Error): void;
}

/**
 * First lives over an in-memory store and a Temporal client whose workflow starts are held per
 * lead until the test answers them, so that the test decides the order the starts finish in.
 */
function withHeldStarts(leadIds: string[]) {
  const held = new Map<string, HeldStart>();
  for (const leadId of leadIds) {
    let answer!: (error?: Error) => void;
    const answered = new Promise<void>((resolve, reject) => (answer = (error) => (error ? reject(error) : resolve())));
    held.set(`lead:${leadId}`, { answered, answer });
  }
  const startsAsked: string[] = [];
  const temporal = {
    workflow: {
      async start(_name: string, options: { workflowId: string }) {
        startsAsked.push(options.workflowId);
        await held.get(options.workflowId)?.answered;
      },
    },
  } as unknown as Client;
  const deps: FirstLivesDeps = {
    temporal,
    leads: { existing: async () => new Set<string>(), writeFirstLives: async (lives) => new Set(lives.map((life) => life.snapshot.leadId)) },
    histories: { insertHistories: async () => undefined },
    liveModel: async () => ({ modelId: 'b2b', version: 1, compiled }),
    liveState: async () => ({ modelId: 'b2b', latest: 1 }),
    roundRobinPosition: async () => 0,
    listening: async () => false,
  };
  const answer = (leadId: string, error?: Error) => held.get(`lead:${leadId}`)?.answer(error);
  return { firstLives: createFirstLives(deps), answer, startsAsked };
}

/** Resolves with whether `promise` settled within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('new leads started in bulk', () => {
  it('hand each lead to live deliveries once its own workflow is started, not once the whole batch is', async () => {
    const { firstLives, answer, startsAsked } = withHeldStarts(['lead-a', 'lead-b']);
    const starting = firstLives.start([
      { leadId: 'lead-a', events: [event('a1', 'lead-a')] },
      { leadId: 'lead-b', events: [event('b1', 'lead-b')] },
    ]);
    // Both starts are asked for; neither is answered yet.
    await settlesSoon(Promise.resolve());
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

  it('let a delivery go when its lead’s start fails: its signal then starts the lead or retries', async () => {
    const { firstLives, answer } = withHeldStarts(['lead-c']);
    const starting = firstLives.start([{ leadId: 'lead-c', events: [event('c1', 'lead-c')] }]);
    await settlesSoon(Promise.resolve());
    const delivery = firstLives.beforeDelivery('lead-c');
    expect(await settlesSoon(delivery)).toBe(false);
    answer('lead-c', new Error('Temporal is unavailable'));
    await expect(starting).rejects.toThrow('Temporal is unavailable');
    expect(await settlesSoon(delivery)).toBe(true);
    // A lead not being started here is not waited for at all.
    expect(await settlesSoon(firstLives.beforeDelivery('lead-z'))).toBe(true);
  });
});
