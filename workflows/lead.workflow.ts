/**
 * One lead's durable life, as a thin shell around the lifecycle core (engine/lifecycle): handlers
 * only queue inputs; each turn hands them to the core's `turn`, writes what it returns to the
 * read side, announces it, and sleeps until the core's next deadline. The core runs here, in the
 * workflow, on the model version a local activity names: a turn costs that local activity and
 * the read-side write (a local activity too, since the `local-read-side-write` patch), and a
 * round-robin handoff's owner (local since the `local-owner` patch), one workflow task in all,
 * and never a database read of a model it already has.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { recordStageChanges } from '../engine/lead-records';
import { nextDeadline } from '../engine/lifecycle/lead-state';
import { answerProblem, bounded, takeProblem, compareInputs, emptyLifecycle, foldedIds, inputId, lifecycleModel, needsWholeLog, ownerNeeded, replay, turn, withOwner, type LeadInput, type Lifecycle, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { sharedScorer } from '../engine/score-event';
import { isPromiseLike } from '../engine/steps';
import type { CompiledModel, LeadEvent } from '../engine/types';
import { announce } from './first-life';
import type { LeadActivities } from './lead.activities';
import {
  LEAD_CODE,
  leadEventSignal,
  leadEventsSignal,
  leadStateQuery,
  salesDecisionUpdate,
  takeHandoffUpdate,
  wakeSignal,
  type CarriedLead,
  type DeliveryStamp,
  type Handoff,
  type LeadSnapshot,
  type LeadWorkflowInput,
  type LedgerEntry,
  type ModelNews,
  type Notification,
} from './lead.definitions';

// In the worker, no round trip through the server: asked at the start of every turn.
const { modelNews } = proxyLocalActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
const { inputLog } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
// The read-side write and a round-robin handoff's owner, in the worker: no round trip through the
// server to schedule them and hear back (a live turn is one workflow task, a handoff's included).
// Both idempotent (the owner is kept by handoff id), so a task retried after a crash does them
// again harmlessly.
const local = proxyLocalActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
// As scheduled by leads that began before the write or the owner became local (their recorded histories replay it so).
const scheduled = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
/** The patch that made the read-side write a local activity. */
const LOCAL_READ_SIDE_WRITE = 'local-read-side-write';
/** The patch that keeps one timer for the next deadline across turns (lastingAlarm) instead of one per wait. */
const LASTING_ALARM = 'lasting-alarm';
/** The patch that asks a round-robin handoff's owner in a local activity (it was scheduled through the server: a second workflow task). */
const LOCAL_OWNER = 'local-owner';
/** The workflow code (LeadWorkflowInput.code) from which on a run has each patch without asking. */
const CODE_PATCHES: Record<string, number> = { [LOCAL_READ_SIDE_WRITE]: 1, [LASTING_ALARM]: 1, [LOCAL_OWNER]: 2 };
// A webhook receiver that stays down must not hold the lead up: a bounded number of tries.
const { notify } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 8, maximumInterval: '5 minutes' },
});

/** Inputs folded by one turn at most: bounds a turn's work and its write. */
const MAX_BATCH = 500;
/**
 * Ledger entries per write at most. A late input or a rescoring rewrites the ledger from where it
 * changed, which for a long life is thousands of entries: they go ahead in parts of this size, so
 * no activity's input passes Temporal's payload limit (2 MB), and the projection write carries the last part.
 */
const LEDGER_PER_WRITE = 2_000;
/**
 * A run continues as new after this many signals even before Temporal suggests it. A signal
 * that arrives while a continue-as-new completes makes the server retry that task
 * (temporal#1289), so under a burst the switch can take a while; this keeps the run far from the
 * server's limit of 10,000 signals per run.
 */
const SIGNALS_PER_RUN = 3_000;
/** Inputs per page of a stored log read back: keeps each activity's result far below Temporal's payload limit. */
const LOG_PAGE = 1_000;

export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  // A run started by code that has a patch takes it as given: no marker, no search-attribute write.
  const has = (patch: string) => (input.code ?? 0) >= (CODE_PATCHES[patch] ?? Infinity) || patched(patch);
  // Asked once, before the first command: asked in a turn, after a local activity that outlasted
  // its workflow task, replay would meet the patch's marker before the call (a nondeterminism error).
  // A run that began on older code keeps scheduling the owner through the server until it continues as new.
  const { ownerFor: askOwner } = has(LOCAL_OWNER) ? local : scheduled;
  const carried: CarriedLead = input.carried ?? { lifecycle: emptyLifecycle(input.leadId), pending: [], revision: 0, logged: 0 };
  let lifecycle: Lifecycle = carried.lifecycle;
  const pending: LeadInput[] = carried.pending;
  let revision = carried.revision;
  let logged = carried.logged;
  let rescoredUnder = carried.rescoredUnder;
  let rescoredIn = carried.rescoredIn;
  let view: LeadSnapshot = { ...lifecycle.settled.snapshot, revision };
  const known = new Set([...foldedIds(lifecycle), ...pending.map(inputId)]);
  /** Answers the last turns applied (true) or found closed (their reason). */
  const answered = new Map<string, true | string>();
  let model: LifecycleModel | undefined;
  // The model `model` is a version of: version numbers count up per model, and the live model can change.
  let modelOf: string | undefined;

  let signals = 0;
  // What the API told with the inputs queued since the last turn; `untold` once any came without
  // it (a sales answer, an event of an older API) or told something else than the last.
  let told: DeliveryStamp | undefined;
  // A run started with its model (a first life) has nothing untold yet; any other run's first turn asks.
  let untold = !(input.model && carried.pending.length === 0);
  const hear = (stamp: DeliveryStamp | undefined) => {
    if (!stamp || (told !== undefined && !sameStamp(told, stamp))) untold = true;
    told = stamp;
  };
  const receive = (event: LeadEvent) => {
    const queued: LeadInput = { kind: 'event', event };
    // A duplicate event id has no effect, within this run and across continue-as-new.
    if (known.has(inputId(queued))) return;
    known.add(inputId(queued));
    pending.push(queued);
  };
  setHandler(leadEventSignal, (event) => {
    signals += 1;
    hear(undefined);
    receive(event);
  });
  setHandler(leadEventsSignal, (events, stamp) => {
    signals += 1;
    hear(stamp);
    events.forEach(receive);
  });

  setHandler(leadStateQuery, () => view);
  let woken = false;
  // A rescoring that changed this lead's stage or handoff asks for a turn now, under its version.
  let askedRescore: number | undefined;
  setHandler(wakeSignal, ({ rescore }) => {
    woken = true;
    askedRescore = rescore;
  });

  /** Queues a sales input (an answer, a take) and resolves with the lead once its turn applied it. */
  const applySalesInput = async (queued: LeadInput): Promise<LeadSnapshot> => {
    const id = inputId(queued);
    known.add(id);
    hear(undefined);
    pending.push(queued);
    await condition(() => answered.has(id));
    const outcome = answered.get(id);
    answered.delete(id);
    // Closed before its turn (an SLA ran out, a late event moved the lead): refused as a conflict.
    if (outcome !== true) throw ApplicationFailure.nonRetryable(outcome ?? 'not applied', 'HandoffClosed');
    return view;
  };
  const handoffBusy = (handoffId: string) => pending.some((queued) => (queued.kind === 'answer' && queued.answer.handoffId === handoffId) || (queued.kind === 'take' && queued.handoffId === handoffId));

  setHandler(salesDecisionUpdate, (decision) => applySalesInput({ kind: 'answer', answer: decision, at: now() }), {
    validator: (decision) => {
      const problem = answerProblem(lifecycle.settled, decision);
      if (problem) throw new Error(problem);
      if (handoffBusy(decision.handoffId)) throw new Error(`handoff ${decision.handoffId} is being answered already`);
    },
  });

  setHandler(takeHandoffUpdate, ({ handoffId, owner }) => applySalesInput({ kind: 'take', handoffId, owner, at: now() }), {
    validator: ({ handoffId }) => {
      const problem = takeProblem(lifecycle.settled, handoffId);
      if (problem) throw new Error(problem);
      if (handoffBusy(handoffId)) throw new Error(`handoff ${handoffId} is being taken or answered already`);
    },
  });

  /** Whether `stamp` tells nothing this lead lacks: the version it scores under, and any rescoring asked for done. */
  const knows = (stamp: DeliveryStamp) =>
    stamp.modelId === modelOf && stamp.version === model?.version && (stamp.rescore === undefined || (stamp.rescore === rescoredUnder && (rescoredIn ?? stamp.modelId) === stamp.modelId));
  const timeToContinue = () => workflowInfo().continueAsNewSuggested || signals >= SIGNALS_PER_RUN;
  // Notifications on their way: the loop never waits for slow receivers; those still on their
  // way at continue-as-new are sent again by the next run (receivers drop repeats by key).
  const delivering = new Map<string, Notification>();
  // Whether anyone listens to webhooks, as last heard: histories recorded before it was told announce.
  let listening = true;
  // As the worker said when last asked: it also counts its own fixed receiver (LEADFLOW_WEBHOOK_URL),
  // which the API may not know of; the API's stamp only adds receivers registered since.
  // Unknown in a run started with its model until a turn asks the worker: asked when there is something to announce.
  let workerListens: boolean | undefined = input.model ? undefined : false;
  const deliver = (notification: Notification) => {
    delivering.set(notification.key, notification);
    if (!listening) return;
    void notify(notification)
      .catch(() => undefined)
      .finally(() => delivering.delete(notification.key));
  };
  for (const notification of carried.undelivered ?? []) deliver(notification);

  const alarm = lastingAlarm();
  for (;;) {
    const deadline = nextDeadline(lifecycle.settled, lifecycle.settled.asOf ?? now());
    const waitMs = deadline === undefined ? undefined : Math.max(0, Date.parse(deadline) - Date.now());
    if (pending.length === 0 && (waitMs === undefined || waitMs > 0)) {
      if (has(LASTING_ALARM)) {
        if (waitMs !== undefined) alarm.ringBy(Date.now() + waitMs);
        await condition(() => pending.length > 0 || woken || timeToContinue() || alarm.rang);
        if (alarm.rang) {
          alarm.clear();
          // Rung alone: the loop's top takes the deadline if it is due, or sets the alarm again
          // if the deadline has moved later since.
          if (pending.length === 0 && !woken && !timeToContinue()) continue;
        }
      } else {
        await condition(() => pending.length > 0 || woken || timeToContinue(), waitMs);
      }
    }

    // Inputs that all came with the live model this lead scores under already need no question to
    // the worker; a deadline's turn, a wake, a sales answer or news of another version asks.
    // The model the run was started with (a first life's), built once it has a turn to score.
    if (!model && input.model) {
      model = buildModel(input.model.version, input.model.compiled);
      modelOf = input.model.modelId;
    }
    const settled = !untold && !woken && pending.length > 0 && told !== undefined && model !== undefined && knows(told);
    woken = false;
    const news: ModelNews = settled ? { modelId: (told as DeliveryStamp).modelId, version: (told as DeliveryStamp).version } : await modelNews({
      version: model?.version ?? null,
      ...(modelOf !== undefined && { modelId: modelOf }),
      rescoredUnder: rescoredUnder ?? null,
      ...(rescoredIn !== undefined && { rescoredIn }),
      ...(askedRescore !== undefined && { rescore: askedRescore }),
    });
    askedRescore = undefined;
    if (!settled) workerListens = news.listening ?? true;
    listening = settled ? (told as DeliveryStamp).listening || workerListens === true : workerListens === true;
    if (news.compiled || !model) model = buildModel(news.version, news.compiled as CompiledModel);
    if (news.modelId !== undefined) modelOf = news.modelId;
    const before = lifecycle;
    const inputs = pending.splice(0, MAX_BATCH);
    if (pending.length === 0) untold = false;
    const rescoring = news.rescore !== undefined && (news.rescore.version !== rescoredUnder || isOtherModel(news.modelId, rescoredIn));
    // An input older than what the lifecycle keeps, or a rescoring: the whole log, from the store.
    if (lifecycle.base && (rescoring || needsWholeLog(lifecycle, inputs))) lifecycle = { settled: lifecycle.settled, log: await wholeLog(input.leadId, logged) };
    const whole = lifecycle.base ? undefined : lifecycle.log;
    // The core answers at once on a compiled model: awaited only when it had to wait, since every
    // promise made here costs the sandbox's promise hook a stack trace (engine/steps.ts).
    const turned = turn(lifecycle, inputs, now(), model);
    let result = isPromiseLike(turned) ? await turned : turned;
    // A rescoring asked for under a version this lead has not replayed its log under yet.
    let scoredBy = model;
    if (news.rescore && rescoring) {
      scoredBy = news.rescore.version === model.version ? model : buildModel(news.rescore.version, news.rescore.compiled as CompiledModel);
      const replayed = await replayWhole(input.leadId, [...(whole ?? []), ...result.applied], now(), scoredBy);
      result = { ...result, lifecycle: replayed.lifecycle, view: replayed.lifecycle.settled, ledgerFrom: 0, ledger: replayed.ledger, handoffs: replayed.handoffs, needsOwner: ownerNeeded(replayed.lifecycle.settled, scoredBy) };
      rescoredUnder = news.rescore.version;
      if (news.modelId !== undefined) rescoredIn = news.modelId;
    }
    // A round-robin handoff gets its owner before anything is written: sales never sees it
    // unassigned. The owner is given as of the handoff, so a later event is not late for it.
    const owningModel = scoredBy;
    const owningModelId = modelOf;
    const owned = withOwner(result, now(), owningModel, (request) => askOwner({ ...(owningModelId !== undefined && { modelId: owningModelId }), modelVersion: owningModel.version, ...request }));
    result = isPromiseLike(owned) ? await owned : owned;
    const { ledgerFrom, ledger, handoffs } = result;
    lifecycle = result.lifecycle;

    const changed = ledger.length > 0 || handoffs.length > 0 || result.applied.length > 0 || ledgerFrom < before.settled.snapshot.ledgerSize || JSON.stringify(before.settled.snapshot) !== JSON.stringify(lifecycle.settled.snapshot);
    if (changed) {
      revision += 1;
      // Each stage change keeps when it was first recorded, in the carried state too.
      lifecycle.settled.snapshot.stageHistory = recordStageChanges(view.stageHistory, lifecycle.settled.snapshot.stageHistory, now());
      const snapshot = { ...lifecycle.settled.snapshot, revision, inputCount: logged + result.applied.length };
      const replace = ledgerFrom < before.settled.snapshot.ledgerSize;
      const { writeProjection, writeLedgerPart } = has(LOCAL_READ_SIDE_WRITE) ? local : scheduled;
      let from = ledgerFrom;
      let rest = ledger;
      while (rest.length > LEDGER_PER_WRITE) {
        await writeLedgerPart({ leadId: input.leadId, from, entries: rest.slice(0, LEDGER_PER_WRITE), revision, inputCount: snapshot.inputCount });
        from += LEDGER_PER_WRITE;
        rest = rest.slice(LEDGER_PER_WRITE);
      }
      const written = await writeProjection({ snapshot, ledgerFrom: from, ledger: rest, handoffs, ...(replace && { replace }), ...(result.applied.length > 0 && { applied: { from: logged, inputs: result.applied } }) });
      logged += result.applied.length;
      view = snapshot;
      // The write also says whether the worker has a receiver of its own (writes recorded before it said so answer nothing).
      if (workerListens === undefined && written?.listening !== undefined) {
        workerListens = written.listening;
        listening ||= workerListens;
      }
      const announcements = announce(before.settled.snapshot, snapshot, handoffs);
      // Nobody the API knows of listens, and the worker was never asked about its own receiver: ask it now.
      if (announcements.length > 0 && !listening && workerListens === undefined) {
        workerListens = await local.listening();
        listening = workerListens;
      }
      for (const notification of announcements) deliver(notification);
    }
    // Sales hears back once its answer is written.
    for (const queued of inputs) {
      if (queued.kind !== 'answer' && queued.kind !== 'take') continue;
      const id = inputId(queued);
      const handoffId = queued.kind === 'answer' ? queued.answer.handoffId : queued.handoffId;
      answered.set(id, result.ignored.get(id) ?? (result.applied.includes(queued) ? true : `the answer to ${handoffId} was given already`));
    }

    if (timeToContinue() && pending.length === 0) {
      await condition(allHandlersFinished);
      // Inputs not yet folded travel with the state (a bounded lifecycle); none is lost or counted twice.
      await continueAsNew<typeof leadWorkflow>({
        leadId: input.leadId,
        // The next run starts on this code, which has every patch.
        code: LEAD_CODE,
        carried: {
          lifecycle,
          pending: [...pending],
          revision,
          logged,
          ...(rescoredUnder !== undefined && { rescoredUnder }),
          ...(rescoredIn !== undefined && { rescoredIn }),
          ...(delivering.size > 0 && { undelivered: [...delivering.values()] }),
        },
      });
    }
  }
}

/** Whether two deliveries told the same. */
function sameStamp(a: DeliveryStamp, b: DeliveryStamp): boolean {
  return a.modelId === b.modelId && a.version === b.version && a.rescore === b.rescore && a.listening === b.listening;
}

/**
 * One durable timer for the lead's next deadline, kept across turns: a deadline that moves later
 * (each event puts off decay) keeps the timer, which then rings early and is set again, instead
 * of a timer cancelled and started at every turn (two history events and two timer tasks on the
 * server for each). Only an earlier deadline replaces it.
 */
function lastingAlarm() {
  let set: { at: number; rang: boolean; scope: CancellationScope } | undefined;
  return {
    get rang() {
      return set?.rang === true;
    },
    /** Rings at `at` or earlier. */
    ringBy(at: number) {
      if (set && !set.rang && set.at <= at) return;
      set?.scope.cancel();
      const timer = { at, rang: false, scope: new CancellationScope() };
      set = timer;
      timer.scope.run(() => sleep(at - Date.now())).then(
        () => void (timer.rang = true),
        () => undefined,
      );
    },
    clear() {
      set = undefined;
    },
  };
}

/**
 * Whether a rescoring in `live` differs from one done in `done` though their version numbers match.
 * Either is absent in histories recorded before the live model could change: the same model then.
 */
function isOtherModel(live: string | undefined, done: string | undefined): boolean {
  return live !== undefined && done !== undefined && live !== done;
}

/** The core's model for a version: its scorer is built once per worker (engines are costly to build). */
function buildModel(version: number, compiled: CompiledModel): LifecycleModel {
  return lifecycleModel(version, compiled, sharedScorer(compiled));
}

/** The lead's whole log replayed under `model` up to `at`: a rescoring. */
async function replayWhole(leadId: string, log: readonly LeadInput[], at: string, model: LifecycleModel): Promise<{ lifecycle: Lifecycle; ledger: LedgerEntry[]; handoffs: Handoff[] }> {
  const ledger: LedgerEntry[] = [];
  const handoffs = new Map<string, Handoff>();
  const { lifecycle: replayed } = await replay(leadId, log, at, model, (step) => {
    ledger.push(...step.ledger);
    if (step.handoff) handoffs.set(step.handoff.handoffId, step.handoff);
  });
  return { lifecycle: await bounded(replayed, model), ledger, handoffs: [...handoffs.values()] };
}

/** The lead's stored input log, its first `count` inputs, a page of at most LOG_PAGE per activity. */
async function wholeLog(leadId: string, count: number): Promise<LeadInput[]> {
  const log: LeadInput[] = [];
  while (log.length < count) log.push(...(await inputLog({ leadId, total: count, from: log.length, count: Math.min(LOG_PAGE, count - log.length) })));
  return log.sort(compareInputs);
}

function now(): string {
  return new Date(Date.now()).toISOString();
}
