/**
 * New leads started in bulk. A batch (or a history import) that brings a lead LeadFlow has never
 * seen does not need a workflow task and an activity to score it: its first life is the lifecycle
 * core's first turn over all its events (workflows/first-life.ts), computed here, stored in bulk
 * with the other new leads of the batch (snapshot, ledger, handoffs, input log), and its workflow
 * is started with that state, as after a continue-as-new; it then lives as any lead does. A lead
 * that has a read side already, or that this API delivered to lately, is left to its workflow:
 * the caller signals its events.
 *
 * Only one writer may hold a lead. The snapshot insert claims a lead in the database; a live
 * delivery through this API to a lead whose first life is being started waits for it (and a lead
 * delivered to lately is never started here), so the two paths of one API process never race. A
 * second API process delivering live events to a lead while another imports that lead's history
 * is not guarded (see docs/performance.md, "History imports").
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ownerOnRoute } from '../../../engine/assign-owner';
import { lifecycleModel, type LeadInput, type LifecycleModel } from '../../../engine/lifecycle/lifecycle';
import { createScorer } from '../../../engine/score-event';
import type { CompiledModel, LeadEvent } from '../../../engine/types';
import { firstLife, type FirstLife } from '../../../workflows/first-life';
import { LEAD_CODE, leadWorkflowId, TASK_QUEUE, type DeliveryStamp } from '../../../workflows/lead.definitions';
import type { leadWorkflow } from '../../../workflows/lead.workflow';
import type { LeadHistoryRepository } from '../../db/lead-histories.repository';
import type { LeadRepository } from '../../db/leads.repository';
import type { ModelVersionRepository } from '../../db/model-versions.repository';

/** The model that scores new inputs, as the lead workflows see it. */
export interface LiveModel {
  modelId: string;
  version: number;
  compiled: CompiledModel;
  /** The rescoring asked for last, when it is under this same version (the lead has it done). */
  rescoredUnder?: number;
}

export interface FirstLivesDeps {
  temporal: Client;
  leads: Pick<LeadRepository, 'existing' | 'writeFirstLives'>;
  histories: Pick<LeadHistoryRepository, 'insertHistories'>;
  /**
   * The version new inputs are scored under, or undefined when first lives cannot be started
   * here (no usable version yet, or a rescoring under another version is asked for): the
   * workflows then take the leads one by one.
   */
  liveModel(): Promise<LiveModel | undefined>;
  /** The live model's id, newest version and the rescoring asked for last (cached briefly), or undefined when unknown. */
  liveState(): Promise<LiveState | undefined>;
  /** The round-robin position of `handoffId` on route `routeId` (the route's running count). */
  roundRobinPosition(routeId: string, handoffId: string): Promise<number>;
  /** Whether anyone listens to webhooks: a first life started with nobody listening announces nothing. */
  listening(): Promise<boolean>;
}

export interface FirstLives {
  /**
   * Starts the leads among `groups` that LeadFlow has never seen, each with all its events in one
   * first turn; returns the leads started. The others are the caller's to deliver.
   *
   * Each workflow starts with the compiled model its first turn was scored under, so its next
   * live turn asks its worker nothing; `carryModel: false` leaves it out (a backfill: its leads
   * mostly take no event soon, and 15 KB of model in each start cost an import of 10,000 leads a
   * tenth of its speed; one that takes an event asks its worker for the model then).
   */
  start(groups: ReadonlyArray<{ leadId: string; events: LeadEvent[] }>, options?: { carryModel?: boolean }): Promise<Set<string>>;
  /**
   * Called before a live delivery to `leadId`: waits for a first life of it being started here,
   * and leaves the lead to its workflow from then on.
   */
  beforeDelivery(leadId: string): Promise<void>;
  /**
   * What a live delivery tells the lead's workflow: the live model and whether anyone listens, as
   * this API knows them (read at most a second ago); undefined when it does not know (the workflow
   * then asks its worker).
   */
  stamp(): Promise<DeliveryStamp | undefined>;
}

/** The live model's state as the lead workflows' worker reads it (lead.activities.ts ModelState). */
export interface LiveState {
  modelId: string;
  latest: number;
  rescore?: number;
}

/** How long a lead delivered to live is kept from being started in bulk: its first turn has long been written by then. */
const LIVE_FOR_MS = 5 * 60_000;
/** Lead ids remembered as delivered to lately, at most (the oldest are forgotten first). */
const REMEMBERED = 200_000;
/** Leads whose first lives are computed between two turns of the event loop. */
const YIELD_EVERY = 20;
/**
 * First lives computed at once. Each that qualifies waits for its route's round-robin position;
 * positions asked for in the same turn of the event loop take three database commands together
 * (route-counters.repository.ts), so the more wait at once, the fewer commands.
 */
const COMPUTED_AT_ONCE = 50;
/** Workflow starts in flight. */
const STARTS_IN_FLIGHT = 16;

export function createFirstLives(deps: FirstLivesDeps): FirstLives {
  const starting = new Map<string, Promise<void>>();
  const deliveredAt = new Map<string, number>();
  // One core model per version: engines are costly to build.
  const models = new Map<string, LifecycleModel>();
  const modelFor = (live: LiveModel) => {
    const key = `${live.modelId}:${live.version}`;
    let model = models.get(key);
    if (!model) {
      model = lifecycleModel(live.version, live.compiled, createScorer(live.compiled));
      models.set(key, model);
    }
    return model;
  };
  const deliveredLately = (leadId: string) => {
    const at = deliveredAt.get(leadId);
    return at !== undefined && Date.now() - at < LIVE_FOR_MS;
  };

  return {
    async stamp() {
      try {
        const [state, listening] = await Promise.all([deps.liveState(), deps.listening()]);
        return state && { modelId: state.modelId, version: state.latest, ...(state.rescore !== undefined && { rescore: state.rescore }), listening };
      } catch {
        return undefined;
      }
    },

    async beforeDelivery(leadId) {
      deliveredAt.delete(leadId);
      deliveredAt.set(leadId, Date.now());
      if (deliveredAt.size > REMEMBERED) deliveredAt.delete(deliveredAt.keys().next().value as string);
      await starting.get(leadId);
    },

    async start(groups, { carryModel = true } = {}) {
      const started = new Set<string>();
      const candidates = groups.filter(({ leadId }) => !deliveredLately(leadId) && !starting.has(leadId));
      if (candidates.length === 0) return started;
      const live = await deps.liveModel();
      if (!live) return started;
      const known = await deps.leads.existing(candidates.map(({ leadId }) => leadId));
      const fresh = candidates.filter(({ leadId }) => !known.has(leadId) && !starting.has(leadId) && !deliveredLately(leadId));
      if (fresh.length === 0) return started;
      // Each lead is handed to live deliveries as soon as its own workflow is started (or its
      // start given up), not when the whole batch is: the next batch's events to the first leads
      // go out while the last ones still start.
      const releases = new Map<string, { waited: Promise<void>; resolve: () => void }>();
      for (const { leadId } of fresh) {
        let resolve!: () => void;
        const waited = new Promise<void>((done) => (resolve = done));
        releases.set(leadId, { waited, resolve });
        starting.set(leadId, waited);
      }
      /** Once per lead; the lead's entry in `starting` is removed only while it is this batch's. */
      const release = (leadId: string) => {
        const own = releases.get(leadId);
        if (!own) return;
        releases.delete(leadId);
        if (starting.get(leadId) === own.waited) starting.delete(leadId);
        own.resolve();
      };
      try {
        const model = modelFor(live);
        const ownerFor = ({ routeId, handoffId }: { routeId: string; handoffId: string }) => ownerOnRoute(live.compiled.routes, routeId, handoffId, deps.roundRobinPosition);
        const announce = await deps.listening();
        const now = new Date().toISOString();
        // Many at once: a lead that qualifies waits for its route's position while the others are
        // computed, and their positions are asked together. Every few leads, requests get a turn of the event loop.
        const lives: FirstLife[] = new Array(fresh.length);
        let next = 0;
        const compute = async () => {
          while (next < fresh.length) {
            const position = next++;
            const { leadId, events } = fresh[position] as (typeof fresh)[number];
            if (position % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
            lives[position] = await firstLife(model, leadId, events.map((event): LeadInput => ({ kind: 'event', event })), now, ownerFor);
          }
        };
        await Promise.all(Array.from({ length: Math.min(COMPUTED_AT_ONCE, fresh.length) }, compute));
        // Copies: the workflows are started with the originals.
        const claimed = await deps.leads.writeFirstLives(lives.map(({ snapshot, ledger, handoffs }) => structuredClone({ snapshot, ledger, handoffs })));
        const mine = lives.filter((life) => claimed.has(life.snapshot.leadId));
        // Another writer holds the rest: the caller delivers their events.
        for (const { snapshot } of lives) if (!claimed.has(snapshot.leadId)) release(snapshot.leadId);
        await deps.histories.insertHistories(mine.map(({ snapshot, log }) => ({ leadId: snapshot.leadId, events: log })));
        let nextStart = 0;
        const lane = async () => {
          while (nextStart < mine.length) {
            const { snapshot, carried, notifications } = mine[nextStart++] as FirstLife;
            try {
              await deps.temporal.workflow.start<typeof leadWorkflow>('leadWorkflow', {
                taskQueue: TASK_QUEUE,
                workflowId: leadWorkflowId(snapshot.leadId),
                args: [{ leadId: snapshot.leadId, code: LEAD_CODE, ...(carryModel && { model: { modelId: live.modelId, version: live.version, compiled: live.compiled } }), carried: { ...carried, ...(live.rescoredUnder !== undefined && { rescoredUnder: live.rescoredUnder, rescoredIn: live.modelId }), ...(announce && notifications.length > 0 && { undelivered: notifications }) } }],
              });
              started.add(snapshot.leadId);
            } catch (err) {
              // Started before (an import resumed after its start): the caller's signal repeats
              // events it has, which it ignores. Any other failure: the caller's signal retries.
              if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            } finally {
              release(snapshot.leadId);
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(STARTS_IN_FLIGHT, mine.length) }, lane));
        return started;
      } finally {
        for (const { leadId } of fresh) release(leadId);
      }
    },
  };
}

/** How long the live model's state is trusted (as the worker trusts it: lead.activities.ts). */
const MODEL_STATE_TTL_MS = 1_000;

/**
 * The live model as the lead workflows see it (the newest published version of `modelId`), read
 * at most once a second; undefined while it cannot score (nothing usable published) or while a
 * rescoring under another version is asked for.
 */
export function liveModelOf(versions: Pick<ModelVersionRepository, 'get'>, liveState: () => Promise<LiveState | undefined>): () => Promise<LiveModel | undefined> {
  let cached: { at: number; value: Promise<LiveModel | undefined> } | undefined;
  const read = async (): Promise<LiveModel | undefined> => {
    const state = await liveState();
    if (!state || (state.rescore !== undefined && state.rescore !== state.latest)) return undefined;
    const found = await versions.get(state.modelId, state.latest);
    if (!found || found.problem) return undefined;
    return { modelId: state.modelId, version: found.version, compiled: found.compiled, ...(state.rescore !== undefined && { rescoredUnder: state.rescore }) };
  };
  return () => {
    if (!cached || Date.now() - cached.at > MODEL_STATE_TTL_MS) cached = { at: Date.now(), value: read() };
    return cached.value;
  };
}

/** The live model's state, read at most once a second; undefined while it cannot be read (no live model, nothing published). */
export function liveStateOf(versions: Pick<ModelVersionRepository, 'state'>, liveModelId: () => Promise<string>): () => Promise<LiveState | undefined> {
  let cached: { at: number; value: Promise<LiveState | undefined> } | undefined;
  const read = async (): Promise<LiveState | undefined> => {
    const modelId = await liveModelId().catch(() => undefined);
    if (modelId === undefined) return undefined;
    const state = await versions.state(modelId).catch(() => undefined);
    return state && { modelId, ...state };
  };
  return () => {
    if (!cached || Date.now() - cached.at > MODEL_STATE_TTL_MS) cached = { at: Date.now(), value: read() };
    return cached.value;
  };
}
