import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/calibration/split';
import { labelledExport } from '../../engine/calibration/testing/labelled-export';
import { simulateLead } from '../../engine/lifecycle/simulate';
import { createScorer } from '../../engine/score-event';
import type { LeadInput } from '../../engine/lifecycle/lifecycle';
import type { LeadEvent } from '../../engine/types';
import { compileGraph } from '../compile-graph';
import { b2bDefaultGraph } from '../templates';
import { validateGraph } from '../validate-graph';
import { calibrateHistory, type CalibrationProgress } from './calibrate-history';
import { PREDICTIVE_SCORE } from './propose-graph';

/**
 * 4,000 synthetic past leads. Source and web minutes drive conversion; "Deal stage" is written
 * by sales after the call and all but names the outcome.
 */
function export_(): Array<Record<string, string>> {
  const random = mulberry32(8);
  return Array.from({ length: 4000 }, (_, i) => {
    const source = ['Web', 'Partner', 'Event', 'Cold list'][i % 4]!;
    const minutes = Math.round(random() * 30);
    const logOdds = { Web: -0.5, Partner: 1.2, Event: 0.3, 'Cold list': -2 }[source]! + (minutes - 15) * 0.12;
    const won = random() < 1 / (1 + Math.exp(-logOdds));
    return {
      'Lead id': `L-${i}`,
      Source: source,
      'Web minutes': random() < 0.05 ? '' : String(minutes),
      Region: random() < 0.5 ? 'North' : 'South',
      'Deal stage': won ? (random() < 0.95 ? 'Contract sent' : 'Call back') : random() < 0.9 ? 'No answer' : 'Call back',
      Won: won ? 'yes' : 'no',
    };
  });
}

describe('calibrateHistory', () => {
  const rows = export_();

  it('excludes the leaking column, proposes a valid graph, and backtests both scores on the hold-out', async () => {
    const steps = new Set<string>();
    const report = await calibrateHistory(rows, { outcome: 'Won', onProgress: (p: CalibrationProgress) => steps.add(p.step) });
    expect(report).toMatchObject({ rows: 4000, dropped: 0, train: 2800, holdout: 1200, excluded: ['Deal stage'] });
    expect(report.ignored.map((i) => i.column)).toEqual(['Lead id', 'Won']);
    expect(validateGraph(report.graph)).toMatchObject({ ok: true, issues: [] });
    // Region is the catalogue's lead.region; the others are declared by the model.
    expect(report.graph.attributes?.map((a) => a.id)).toEqual(['source', 'webMinutes']);
    expect(report.mappings.find((m) => m.column === 'Region')).toMatchObject({ fact: 'lead.region', declared: false });
    expect(JSON.stringify(report.graph)).not.toContain('dealStage');
    expect(report.model.thresholds[0]).toMatchObject({ scores: [PREDICTIVE_SCORE], value: report.predictive.threshold.threshold });
    // An honest model of this data ranks well, but nowhere near what the leak would give.
    for (const backtest of [report.points, report.predictive]) {
      expect(backtest.auc).toBeGreaterThan(0.7);
      expect(backtest.auc).toBeLessThan(0.9);
      expect(backtest.bands.reduce((sum, band) => sum + band.leads, 0)).toBe(1200);
      expect(backtest.lift[0]!.lift).toBeGreaterThan(1.5);
      expect(backtest.holdout.selected).toBeGreaterThan(0);
    }
    expect([...steps]).toEqual(['profile', 'split', 'leakage', 'close-rates', 'fit', 'score', 'backtest']);
  });

  it('is deterministic for a seed, and keeps a flagged column the user insists on', async () => {
    const [a, b] = await Promise.all([calibrateHistory(rows, { outcome: 'Won', seed: 3 }), calibrateHistory(rows, { outcome: 'Won', seed: 3 })]);
    expect(a.graph).toEqual(b.graph);
    expect(a.predictive).toEqual(b.predictive);
    const kept = await calibrateHistory(rows, { outcome: 'Won', keep: ['Deal stage'] });
    expect(kept.excluded).toEqual([]);
    expect(kept.leakage.flagged).toEqual(['Deal stage']);
    expect(kept.predictive.auc).toBeGreaterThan(0.95);
  });

  it('backtests another model on the same hold-out leads, the same way: the proposal against itself gives its own figures', async () => {
    const first = await calibrateHistory(rows, { outcome: 'Won' });
    const again = await calibrateHistory(rows, { outcome: 'Won', compare: { model: first.model, name: 'version 1' } });
    const winner = first.recommendation.score === PREDICTIVE_SCORE ? first.predictive : first.points;
    expect(again.compared).toEqual({ name: 'version 1', replayed: 0, fromAttributes: first.holdout, scores: [first.recommendation.score], threshold: first.recommendation.threshold, auc: winner.auc, holdout: winner.holdout });
    expect(first.compared).toBeUndefined();
  });

  it('backtests the live version on the leads as it really scored them: their input logs replayed up to the outcome, behaviour points included', async () => {
    // Conversions follow behaviour alone (a pricing visit and a demo request); the region says nothing.
    const random = mulberry32(5);
    const at = (lead: number, minute: number) => new Date(Date.UTC(2030, 0, 1) + lead * 3_600_000 + minute * 60_000).toISOString();
    const event = (leadId: string, eventId: string, type: string, properties: Record<string, string>, occurredAt: string): LeadInput => ({
      kind: 'event',
      event: { eventId: `${leadId}-${eventId}`, leadId, type, properties, occurredAt } as LeadEvent,
    });
    const history = Array.from({ length: 1000 }, (_, i) => {
      const leadId = `lead-${i}`;
      const region = random() < 0.5 ? 'North' : 'South';
      const engaged = random() < 0.3;
      const won = random() < (engaged ? 0.7 : 0.15);
      const inputs: LeadInput[] = [
        { kind: 'event', event: { eventId: `${leadId}-sync`, leadId, type: 'custom', properties: { name: 'crm_sync' }, attributes: { region }, occurredAt: at(i, 0) } },
        ...(engaged ? [event(leadId, 'pricing', 'page_view', { url: '/pricing' }, at(i, 1)), event(leadId, 'demo', 'form_submit', { form: 'demo_request' }, at(i, 2))] : []),
        event(leadId, 'outcome', 'crm_outcome', { outcome: won ? 'won' : 'lost' }, at(i, 30)),
      ];
      return { row: { 'Lead ID': leadId, Region: region, Converted: won ? 'yes' : 'no' }, leadId, inputs };
    });
    const rows = history.map((lead) => lead.row);
    const live = { model: compileGraph(b2bDefaultGraph), name: 'live version 1', version: 1 };
    const logs = { column: 'Lead ID', inputs: new Map(history.map((lead) => [lead.leadId, lead.inputs])) };
    const replayed = await calibrateHistory(rows, { outcome: 'Converted', compare: { ...live, logs } });
    const fromAttributes = await calibrateHistory(rows, { outcome: 'Converted', compare: live });
    expect(replayed.compared).toMatchObject({ replayed: replayed.holdout, fromAttributes: 0, threshold: 60 });
    expect(fromAttributes.compared).toMatchObject({ replayed: 0, fromAttributes: fromAttributes.holdout });
    console.log(`live version on behaviour-driven leads: hold-out AUC replayed ${replayed.compared!.auc.toFixed(3)}, from attributes alone ${fromAttributes.compared!.auc.toFixed(3)}`);
    // Scored from attributes alone the live version looks no better than chance; replayed, its behaviour points rank the leads.
    expect(fromAttributes.compared!.auc).toBeLessThan(0.6);
    expect(replayed.compared!.auc).toBeGreaterThan(0.7);
    // Its threshold (60) is crossed by the pricing visit and the demo request: it sends the engaged leads, who convert far more often.
    expect(replayed.compared!.holdout!.precision).toBeGreaterThan(0.5);
    expect(fromAttributes.compared!.holdout!.selected).toBe(0);
  });

  it('proposes rules on a date’s age that a live lead meets the same way: its age when it is scored', async () => {
    const generated = labelledExport({ baseRate: 0.1, rows: 4000, seed: 3 });
    const report = await calibrateHistory(generated.rows, { outcome: generated.outcome });
    const activity = report.mappings.find((mapping) => mapping.column === generated.dates.activity)!;
    // A live lead synced today, its last activity a day ago or three years ago; the rest of it the same.
    const now = Date.now();
    const day = 86_400_000;
    const live = async (daysAgo: number) => {
      const { steps } = await simulateLead(createScorer(report.model), report.model, {
        leadId: 'live',
        attributes: { industry: 'Software', [activity.attribute]: new Date(now - daysAgo * day).toISOString().slice(0, 10) },
        events: [{ eventId: 'visit', leadId: 'live', type: 'page_view', properties: { url: '/' }, occurredAt: new Date(now).toISOString() }],
      });
      return steps[0]!;
    };
    const [recent, stale] = [await live(1), await live(3 * 365)];
    const onActivity = (step: typeof recent) => step.entries.filter((entry) => entry.ruleName?.startsWith(generated.dates.activity));
    expect(onActivity(recent).map((entry) => entry.ruleName)).toEqual([expect.stringMatching(/within \d+ days/)]);
    expect(onActivity(recent)[0]!.points).toBeGreaterThan(0);
    expect(onActivity(stale).map((entry) => entry.ruleName)).toEqual([expect.stringMatching(/more than \d+ days ago/)]);
    expect(onActivity(stale)[0]!.points).toBeLessThan(0);
    expect(recent.scores[PREDICTIVE_SCORE]).toBeGreaterThan(stale.scores[PREDICTIVE_SCORE]!);
  });

  it('explains an outcome it cannot read', async () => {
    await expect(calibrateHistory(rows, { outcome: 'Stage' })).rejects.toThrow('there is no column "Stage" to read the outcome from');
    await expect(calibrateHistory(rows, { outcome: 'Won', positive: ['closed won'] })).rejects.toThrow(/only 0 leads converted: .*; check the values given with positive/);
  });
});
