import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/calibration/split';
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
    expect(again.compared).toEqual({ name: 'version 1', scores: [first.recommendation.score], threshold: first.recommendation.threshold, auc: winner.auc, holdout: winner.holdout });
    expect(first.compared).toBeUndefined();
  });

  it('explains an outcome it cannot read', async () => {
    await expect(calibrateHistory(rows, { outcome: 'Stage' })).rejects.toThrow('there is no column "Stage" to read the outcome from');
    await expect(calibrateHistory(rows, { outcome: 'Won', positive: ['closed won'] })).rejects.toThrow(/only 0 leads converted: .*; check the values given with positive/);
  });
});
