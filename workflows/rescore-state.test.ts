import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';
import type { ScoredBatch } from './lead.activities';
import type { CarriedState } from './lead.definitions';
import { applyEvent, initialState, policiesOf } from './lead-state';
import { applyRescore, eventDigest, type Rescored, rescoredReadSide, type RescoreView, sameDigest } from './rescore-state';

const model = compileGraph(b2bDefaultGraph);
const policies = (modelVersion: number) => policiesOf({ modelVersion, scores: model.scores, thresholds: model.thresholds, decay: model.decay, recycle: model.recycle, limits: {}, results: [] } satisfies ScoredBatch);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
const hit = (score: string, points: number): RuleHit => ({ ruleId: `r-${score}`, ruleName: 'Rule', score, points, reason: 'test' });

/** A lead scored under version 1: one event giving `fit` and `engagement` points. */
function scoredLead(fit: number, engagement: number): CarriedState {
  const state = initialState('l', day(0));
  state.policies = policies(1);
  applyEvent(state, { eventId: 'e1', leadId: 'l', type: 'form_submit', properties: {}, occurredAt: day(0) }, { hits: [hit('fit', fit), hit('engagement', engagement)], limits: {} }, day(0));
  return state;
}

const rescored = (scores: Record<string, number>, modelVersion = 2): Rescored => ({ scores, ruleUsage: {}, policies: policies(modelVersion) });

function viewOf(state: CarriedState): RescoreView {
  const { leadId, revision, eventCount, stage, scores, total, grade, segment, modelVersion, ledgerSize, lastActivityAt } = state.snapshot;
  return { leadId, revision, eventCount, stage, scores, total, grade, segment, modelVersion, ledgerSize, lastActivityAt };
}

describe('taking a rescoring', () => {
  it('replaces the scores and records one ledger entry per score that changed, under the new version', () => {
    const state = scoredLead(10, 20);
    const sizeBefore = state.snapshot.ledgerSize;
    const ledger = applyRescore(state, rescored({ fit: 10, engagement: 35 }), day(5));
    expect(ledger).toEqual([
      expect.objectContaining({ entryId: 'l/rescore:v2:rescore:engagement', sequence: sizeBefore, score: 'engagement', points: 15, modelVersion: 2, reason: 'rescored under version 2: engagement 20 → 35' }),
    ]);
    expect(state.snapshot).toMatchObject({ scores: { fit: 10, engagement: 35 }, total: 45, modelVersion: 2, ledgerSize: sizeBefore + 1 });
  });

  it('never moves a qualified lead back a stage, even when its new scores are below the threshold', () => {
    const state = scoredLead(30, 40);
    state.snapshot.stage = 'mql';
    applyRescore(state, rescored({ fit: 5, engagement: 5 }), day(5));
    expect(state.snapshot).toMatchObject({ stage: 'mql', total: 10 });
  });

  it('computes from the read side alone exactly what the workflow does with its whole state', () => {
    const state = scoredLead(10, 20);
    const fromReadSide = rescoredReadSide(viewOf(state), rescored({ fit: 25, engagement: 5 }), day(5));
    const ledger = applyRescore(state, rescored({ fit: 25, engagement: 5 }), day(5));
    expect(fromReadSide.ledger).toEqual(ledger);
    const { scores, total, grade, modelVersion, ledgerSize } = state.snapshot;
    expect(fromReadSide.change).toEqual({ scores, total, grade, modelVersion, ledgerSize });
  });

  it('tells when the new scores qualify the lead (its workflow must open the handoff at once)', () => {
    const state = scoredLead(10, 20);
    expect(rescoredReadSide(viewOf(state), rescored({ fit: 10, engagement: 30 }), day(5)).qualifies).toBe(false);
    expect(rescoredReadSide(viewOf(state), rescored({ fit: 30, engagement: 40 }), day(5)).qualifies).toBe(true);
  });
});

describe('event digest', () => {
  it('is the same for the same events in any order, and differs when one event differs or is missing', () => {
    const digest = eventDigest(['a', 'b', 'c']);
    expect(sameDigest(digest, eventDigest(['c', 'a', 'b']))).toBe(true);
    expect(sameDigest(digest, eventDigest(['a', 'b', 'd']))).toBe(false);
    expect(sameDigest(digest, eventDigest(['a', 'b']))).toBe(false);
    expect(digest.count).toBe(3);
  });
});
