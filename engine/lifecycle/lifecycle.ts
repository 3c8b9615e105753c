/**
 * The lifecycle core: the one function that changes a lead. Live scoring, simulation, rescoring
 * and backtests all run it; nothing else scores a lead. docs/lifecycle.md states its event-time
 * rules; in short, a lead at instant T is its inputs up to T folded in time order, with every
 * deadline (decay, SLA, cool-down) taken at its own instant between them. So the result depends
 * only on which inputs there are and on T, never on the order or the batches they arrived in.
 *
 * Pure: no I/O, no clock. Its entry points are asynchronous only because json-rules-engine (the
 * scorer's fallback for rules outside the compiled subset) is promise based; inside, the steps
 * are generators that wait only where the scorer hands back a promise (steps.ts), so a fully
 * compiled model folds any number of inputs without creating a promise for each.
 */
import { assignOwner } from '../assign-owner';
import { advance } from '../lead-context';
import { normaliseAttributes } from '../normalise-attributes';
import type { Handoff, LedgerEntry, StageChange } from '../lead-records';
import type { Scorer } from '../score-event';
import { settle, wait, type MaybePromise, type Steps } from '../steps';
import type { CompiledModel, CompiledRoute, LeadEvent, PointsLimits } from '../types';
import {
  applyDecay,
  applyDecision,
  applyEvent,
  applySla,
  assignHandoffOwner,
  decisionProblem,
  initialState,
  modelPolicies,
  nextDeadline,
  nextHandoffId,
  openHandoff,
  qualification,
  takeHandoff,
  takingProblem,
  type LeadState,
  type SalesDecisionInput,
} from './lead-state';

/** One thing that happens to a lead. Its id makes a repeat harmless; its time places it. */
export type LeadInput =
  /** Something the lead did, or a CRM sync of attributes or an outcome (an event with `attributes`, or of type crm_outcome). */
  | { kind: 'event'; event: LeadEvent }
  /** Sales answered a handoff, at `at`. */
  | { kind: 'answer'; answer: SalesDecisionInput; at: string }
  /** The shell gave a round-robin handoff its owner, at `at`. */
  | { kind: 'owner'; handoffId: string; owner: string; at: string }
  /** A rep took a pending handoff that nobody owned, at `at`. */
  | { kind: 'take'; handoffId: string; owner: string; at: string };

/** A published model version as the core runs it: the compiled model and its scorer, built once. */
export interface LifecycleModel {
  version: number;
  compiled: CompiledModel;
  scorer: Scorer;
  limits: Map<string, PointsLimits>;
  /**
   * The owner of a round-robin handoff that the log does not say yet (absent: left without one,
   * and the turn asks the shell for it). A simulation shows the first owner in line.
   */
  roundRobinOwner?: (route: CompiledRoute, handoffId: string) => string | undefined;
}

/**
 * What a lead's shell keeps between turns, bounded whatever the lead's age: the lead now, its
 * recent inputs, and the lead as it was before them, from which a late input refolds.
 */
export interface Lifecycle {
  /** The lead, folded through its inputs and the deadlines taken so far (its `asOf` is the last of them). */
  settled: LeadState;
  /** The inputs folded since `base` (all of them when there is no base), in time order. */
  log: LeadInput[];
  /**
   * The lead right after its inputs before `log` (`last` is the latest of them, `seen` their
   * ids); the store holds those inputs (the shell loads them when an input older than `last`
   * comes, see needsWholeLog).
   */
  base?: { state: LeadState; last: LeadInput; seen: string[] };
}

/** Inputs kept in a lifecycle's log beyond its base (it keeps between this many and twice as many). */
const RECENT_INPUTS = 200;

/** True when `inputs` cannot be folded from the lifecycle alone: one is older than its base. */
export function needsWholeLog(lifecycle: Lifecycle, inputs: readonly LeadInput[]): boolean {
  const base = lifecycle.base;
  return base !== undefined && inputs.some((input) => !base.seen.includes(inputId(input)) && compareInputs(input, base.last) < 0);
}

/** The ids of every input the lifecycle has folded (a repeat of one has no effect). */
export function foldedIds(lifecycle: Lifecycle): string[] {
  return [...(lifecycle.base?.seen ?? []), ...lifecycle.log.map(inputId)];
}

/** One step of a fold, for simulations: an input applied, or deadlines taken at an instant. */
export interface FoldStep {
  at: string;
  kind: 'input' | 'deadline';
  input?: LeadInput;
  /** Why an answer in the log changed nothing (the handoff it answers was not open at its time). */
  ignored?: string;
  ledger: LedgerEntry[];
  stageChanges: StageChange[];
  /** The handoff after the step, when the step changed it. */
  handoff?: Handoff;
  state: LeadState;
}

export interface TurnResult {
  lifecycle: Lifecycle;
  /** The lead at `now`: the read side to write. */
  view: LeadState;
  /**
   * The ledger from sequence `ledgerFrom` on: it replaces whatever was written at or after it.
   * That is the ledger's end before the turn, except after a fold from the start (0).
   */
  ledgerFrom: number;
  ledger: LedgerEntry[];
  /** Every handoff the turn opened or changed, as it stands after the turn. */
  handoffs: Handoff[];
  /** The inputs this turn applied (new ones, in time order); repeats are left out. */
  applied: LeadInput[];
  /** Answers the fold did not apply (the handoff was not open to them at their time), by input id, with why. */
  ignored: Map<string, string>;
  /** True when an input older than what the lead had taken forced a fold from the start. */
  refolded: boolean;
  /** A round-robin handoff of the view that has no owner yet: the shell assigns one and sends it as an input. */
  needsOwner?: { handoffId: string; routeId: string; at: string };
}

/** The core's view of a model version, built once per version. */
export function lifecycleModel(version: number, compiled: CompiledModel, scorer: Scorer, roundRobinOwner?: LifecycleModel['roundRobinOwner']): LifecycleModel {
  const limits = new Map<string, PointsLimits>();
  for (const rule of compiled.rules) if (rule.limits) limits.set(rule.id, rule.limits);
  return { version, compiled, scorer, limits, ...(roundRobinOwner && { roundRobinOwner }) };
}

/** A lead with no inputs yet. */
export function emptyLifecycle(leadId: string): Lifecycle {
  return { settled: initialState(leadId, new Date(0).toISOString()), log: [] };
}

/** The id that makes a repeated input harmless. */
export function inputId(input: LeadInput): string {
  if (input.kind === 'event') return `event:${input.event.eventId}`;
  if (input.kind === 'answer') return `answer:${input.answer.handoffId}:${input.answer.decision}:${input.at}`;
  if (input.kind === 'take') return `take:${input.handoffId}:${input.owner}:${input.at}`;
  return `owner:${input.handoffId}`;
}

/** When the input happened. */
export function inputAt(input: LeadInput): string {
  return input.kind === 'event' ? input.event.occurredAt : input.at;
}

const KIND_ORDER: Record<LeadInput['kind'], number> = { event: 0, owner: 1, take: 2, answer: 3 };

/** Time order; at the same instant events first, then owners, then takes, then answers; then by id. */
export function compareInputs(a: LeadInput, b: LeadInput): number {
  const at = inputAt(a).localeCompare(inputAt(b));
  if (at !== 0) return at;
  const kind = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (kind !== 0) return kind;
  const x = inputId(a);
  const y = inputId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * One turn of a lead: folds the new `inputs` (repeats ignored) into the lifecycle and takes the
 * deadlines due up to `now`. Inputs no older than what the lead has taken (its last input or
 * deadline) extend the fold; an older one folds the log again from its place (from the base),
 * so the result is what it would have been had it come on time. Scores new inputs under
 * `model` (a lead picks up a new version with its next input; a rescoring replays the log under it).
 *
 * The result comes as a value, not a promise, when nothing had to wait (a fully compiled model):
 * a lead's workflow then creates no promise for its turn (engine/steps.ts says why that counts).
 * `await` takes either.
 *
 * @throws when an input is older than the lifecycle's base (check needsWholeLog, and hand in
 *   the whole log first)
 * @param keep inputs to keep beyond the base (tests make it small)
 */
export function turn(lifecycle: Lifecycle, inputs: readonly LeadInput[], now: string, model: LifecycleModel, keep = RECENT_INPUTS): MaybePromise<TurnResult> {
  return settle(turnSteps(lifecycle, inputs, now, model, keep));
}

/** turn's work as steps: synchronous unless the scorer hands back a promise (steps.ts). */
function* turnSteps(lifecycle: Lifecycle, inputs: readonly LeadInput[], now: string, model: LifecycleModel, keep: number): Steps<TurnResult> {
  const seen = new Set(foldedIds(lifecycle));
  const fresh: LeadInput[] = [];
  for (const input of inputs) {
    const id = inputId(input);
    if (seen.has(id)) continue;
    seen.add(id);
    fresh.push(input);
  }
  fresh.sort(compareInputs);
  if (needsWholeLog(lifecycle, fresh)) throw new Error(`turn: lead ${lifecycle.settled.snapshot.leadId} has an input older than its lifecycle's base; hand in the whole log first`);
  const { base } = lifecycle;
  const last = lifecycle.log.at(-1) ?? base?.last;
  const first = fresh[0];
  const late = first !== undefined && last !== undefined && (compareInputs(first, last) < 0 || inputAt(first) < (lifecycle.settled.asOf ?? ''));
  const log = late ? [...lifecycle.log, ...fresh].sort(compareInputs) : [...lifecycle.log, ...fresh];
  // A lead's first stage change is dated by its first input: a new lead starts there. A late
  // input folds the log again from its place (from the base, the lead before the log), and what
  // came before it is as it was: the ledger is rewritten from there, not from its start.
  const refolded = late || (last === undefined && first !== undefined);
  const lateAt = late ? log.indexOf(first as LeadInput) : 0;
  const origin = () => (base ? clone(base.state) : startOf(lifecycle.settled.snapshot.leadId, log));
  const start = refolded ? yield* fold(origin(), log.slice(0, lateAt), model) : clone(lifecycle.settled);
  const ledgerFrom = start.snapshot.ledgerSize;
  const ledger: LedgerEntry[] = [];
  const handoffs = new Map<string, Handoff>();
  const ignored = new Map<string, string>();
  const collect = (step: FoldStep) => {
    ledger.push(...step.ledger);
    if (step.handoff) handoffs.set(step.handoff.handoffId, step.handoff);
    if (step.ignored && step.input) ignored.set(inputId(step.input), step.ignored);
  };
  const folded = yield* fold(start, refolded ? log.slice(lateAt) : fresh, model, collect);
  const view = log.length > 0 || base ? yield* runDeadlines(folded, now, model, collect) : folded;
  const needsOwner = ownerNeeded(view, model);
  return {
    lifecycle: yield* boundedSteps({ settled: view, log, ...(base && { base }) }, model, keep),
    view: clone(view),
    ledgerFrom,
    ledger,
    handoffs: [...handoffs.values()],
    ignored,
    applied: fresh,
    refolded: late,
    ...(needsOwner && { needsOwner }),
  };
}

/**
 * A turn's result, and when it left a round-robin handoff without an owner, the owner `ownerFor`
 * names, taken as one more input (as of the handoff, so never late): the one way every shell
 * (a lead's workflow, a first life started in bulk) gives a handoff its owner. The result reads
 * as one turn: its ledger from the first turn's start, every handoff as it stands after both.
 *
 * `result` itself, not a promise, when it needs no owner.
 *
 * @param ownerFor the shell's I/O: the route's running count (undefined when the route has no owner to give)
 */
export function withOwner(result: TurnResult, now: string, model: LifecycleModel, ownerFor: (request: { handoffId: string; routeId: string; at: string }) => Promise<string | undefined>): MaybePromise<TurnResult> {
  const { needsOwner } = result;
  if (!needsOwner) return result;
  return (async () => {
    const { handoffId, at } = needsOwner;
    const owner = await ownerFor(needsOwner);
    if (owner === undefined) return result;
    const assigned = await turn(result.lifecycle, [{ kind: 'owner', handoffId, owner, at }], now, model);
    return {
      ...assigned,
      ledgerFrom: result.ledgerFrom,
      ledger: [...result.ledger.slice(0, assigned.ledgerFrom - result.ledgerFrom), ...assigned.ledger],
      handoffs: [...new Map([...result.handoffs, ...assigned.handoffs].map((h) => [h.handoffId, h])).values()],
      applied: [...result.applied, ...assigned.applied],
      ignored: result.ignored,
      refolded: result.refolded,
    };
  })();
}

/**
 * The lifecycle with at most twice `keep` inputs in its log: past that, the base moves up to
 * all but the last `keep` (a fold of the inputs it passes, once every `keep` inputs).
 */
export async function bounded(lifecycle: Lifecycle, model: LifecycleModel, keep = RECENT_INPUTS): Promise<Lifecycle> {
  return settle(boundedSteps(lifecycle, model, keep));
}

function* boundedSteps(lifecycle: Lifecycle, model: LifecycleModel, keep: number): Steps<Lifecycle> {
  const { base, log } = lifecycle;
  if (log.length <= 2 * keep) return lifecycle;
  const cut = log.length - keep;
  const passed = log.slice(0, cut);
  const state = yield* fold(base ? clone(base.state) : startOf(lifecycle.settled.snapshot.leadId, log), passed, model);
  return { settled: lifecycle.settled, log: log.slice(cut), base: { state, last: passed.at(-1) as LeadInput, seen: [...(base?.seen ?? []), ...passed.map(inputId)] } };
}

/**
 * A lead's whole life from its input log, as of `now`, under `model`: what a rescoring writes and
 * a simulation shows. `observe` sees every step.
 */
export async function replay(leadId: string, inputs: readonly LeadInput[], now: string, model: LifecycleModel, observe?: (step: FoldStep) => void): Promise<{ lifecycle: Lifecycle; view: LeadState }> {
  return settle(replaySteps(leadId, inputs, now, model, observe));
}

function* replaySteps(leadId: string, inputs: readonly LeadInput[], now: string, model: LifecycleModel, observe?: (step: FoldStep) => void): Steps<{ lifecycle: Lifecycle; view: LeadState }> {
  const log = dedupe(inputs).sort(compareInputs);
  const folded = yield* fold(startOf(leadId, log), log, model, observe);
  const view = log.length > 0 ? yield* runDeadlines(folded, now, model, observe) : folded;
  return { lifecycle: { settled: view, log }, view: clone(view) };
}

/**
 * The lead's pending round-robin handoff that has no owner yet, if any: the shell assigns one
 * (the route's running count is I/O) and sends it as an `owner` input.
 */
export function ownerNeeded(view: LeadState, model: LifecycleModel): { handoffId: string; routeId: string; at: string } | undefined {
  const handoff = view.snapshot.handoff;
  if (handoff?.status !== 'pending' || handoff.owner !== undefined || handoff.escalations > 0 || !handoff.routeId) return undefined;
  const route = model.compiled.routes.find((r) => r.id === handoff.routeId);
  if (route?.strategy !== 'round_robin' || route.owners.length === 0) return undefined;
  // As of the handoff, or of the last thing the lead took since: never late, so never a refold.
  return { handoffId: handoff.handoffId, routeId: route.id, at: maxTime(view.asOf, handoff.createdAt) };
}

/** Why `answer` cannot be taken by the lead as it stands (for the shell to refuse it), or undefined. */
export function answerProblem(view: LeadState, answer: SalesDecisionInput): string | undefined {
  return decisionProblem(view, answer);
}

/** Why `handoffId` cannot be taken by a rep as the lead stands (for the shell to refuse it), or undefined. */
export function takeProblem(view: LeadState, handoffId: string): string | undefined {
  return takingProblem(view, handoffId);
}

function* fold(state: LeadState, inputs: readonly LeadInput[], model: LifecycleModel, observe?: (step: FoldStep) => void): Steps<LeadState> {
  for (const input of inputs) {
    const at = inputAt(input);
    yield* runDeadlines(state, at, model, observe);
    const before = mark(state);
    const ledger: LedgerEntry[] = [];
    let ignored: string | undefined;
    if (input.kind === 'event') ledger.push(...(yield* applyScored(state, input.event, model)));
    else if (input.kind === 'answer') {
      ignored = decisionProblem(state, input.answer);
      if (!ignored) ledger.push(...applyDecision(state, input.answer, at));
    } else if (input.kind === 'take') {
      ignored = takingProblem(state, input.handoffId);
      if (!ignored) takeHandoff(state, input.handoffId, input.owner);
    } else assignHandoffOwner(state, input.handoffId, input.owner);
    // Set up decay clocks the input started, and anything due at this very instant.
    ledger.push(...applyDecay(state, at));
    applySla(state, at);
    // Sales can take a lead only once LeadFlow has it: the SLA of a handoff that a late-arriving
    // event opens counts from its arrival.
    yield* qualify(state, at, model, input.kind === 'event' ? input.event.receivedAt : undefined);
    state.asOf = maxTime(state.asOf, at);
    observe?.(step(state, before, 'input', at, ledger, input, ignored));
  }
  return state;
}

/** Takes every deadline up to `until`, each at its own instant. */
function* runDeadlines(state: LeadState, until: string, model: LifecycleModel, observe?: (step: FoldStep) => void): Steps<LeadState> {
  let previous: string | undefined;
  for (;;) {
    const due = nextDeadline(state, state.asOf ?? until);
    // A deadline that taking it did not move (a half-life step rounded to nothing) ends the run.
    if (due === undefined || due > until || due === previous) break;
    previous = due;
    const at = maxTime(state.asOf, due) as string;
    const before = mark(state);
    const ledger = applyDecay(state, at);
    applySla(state, at);
    yield* qualify(state, at, model);
    state.asOf = at;
    observe?.(step(state, before, 'deadline', at, ledger));
  }
  return state;
}

function* applyScored(state: LeadState, event: LeadEvent, model: LifecycleModel): Steps<LedgerEntry[]> {
  const { context, next } = advance(state.memory, event, model.compiled.valueMaps);
  const newVersion = state.policies?.modelVersion !== model.version;
  if (newVersion) state.policies = modelPolicies(model);
  const changed = context.changedAttributes.length > 0;
  const hits = yield* wait(model.scorer.score(event, context));
  // The segment follows the lead's attributes, as of this event.
  const segment = changed || newVersion ? yield* wait(model.scorer.segmentOf(context.attributes)) : (state.snapshot.segment ?? undefined);
  // Set as of this event: the age of a date attribute is measured to the event's time, as rules measure it.
  const predicted = changed ? yield* wait(model.scorer.predict(context.attributes, event.occurredAt)) : [];
  const limits: Record<string, PointsLimits> = {};
  for (const hit of hits) {
    const ruleLimits = model.limits.get(hit.ruleId);
    if (ruleLimits) limits[hit.ruleId] = ruleLimits;
  }
  return applyEvent(state, event, { hits, segment, limits, predicted, memory: next });
}

function* qualify(state: LeadState, at: string, model: LifecycleModel, receivedAt?: string): Steps<void> {
  const source = qualification(state, at);
  if (!source) return;
  const route = (yield* wait(model.scorer.route(source.sourceId, normaliseAttributes(state.snapshot.attributes, model.compiled.valueMaps)))) ?? null;
  const handoffId = nextHandoffId(state.snapshot);
  const owner = !route ? undefined : route.strategy === 'round_robin' ? (state.owners[handoffId] ?? model.roundRobinOwner?.(route, handoffId)) : assignOwner(route, 0, handoffId);
  openHandoff(state, source, route, owner, at, receivedAt);
}

function startOf(leadId: string, log: readonly LeadInput[]): LeadState {
  return initialState(leadId, log[0] ? inputAt(log[0]) : new Date(0).toISOString());
}

function dedupe(inputs: readonly LeadInput[]): LeadInput[] {
  const seen = new Set<string>();
  return inputs.filter((input) => {
    const id = inputId(input);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

interface Mark {
  stages: number;
  handoff: string;
}

function mark(state: LeadState): Mark {
  return { stages: state.snapshot.stageHistory.length, handoff: JSON.stringify(state.snapshot.handoff) };
}

function step(state: LeadState, before: Mark, kind: FoldStep['kind'], at: string, ledger: LedgerEntry[], input?: LeadInput, ignored?: string): FoldStep {
  const handoff = state.snapshot.handoff;
  return {
    at,
    kind,
    ...(input && { input }),
    ...(ignored && { ignored }),
    ledger,
    stageChanges: state.snapshot.stageHistory.slice(before.stages),
    ...(handoff && JSON.stringify(handoff) !== before.handoff && { handoff: { ...handoff } }),
    state,
  };
}

function maxTime(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}

/** Lead states are plain data. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
