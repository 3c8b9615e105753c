import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/calibration/split';
import type { CalibrationProgress, CalibrationSettings } from '../../db/calibrations.repository';
import { percentOf, runCalibration } from './run-calibration';

/** 1,500 past leads as a `;` export with decimal commas; the outcome says "Enrolled" or why not. */
function exportText(): string {
  const random = mulberry32(11);
  const lines = ['Channel;Hours on site;Stage after call;Result'];
  for (let i = 0; i < 1500; i++) {
    const channel = ['Web', 'Partner', 'Event'][i % 3]!;
    const hours = random() * 3;
    const won = random() < 1 / (1 + Math.exp(-({ Web: -0.6, Partner: 1, Event: 0 }[channel]! + (hours - 1.5) * 1.4)));
    const stage = won ? (random() < 0.97 ? 'Contract sent' : 'Call back') : random() < 0.93 ? 'No answer' : 'Call back';
    lines.push([channel, hours.toFixed(2).replace('.', ','), stage, won ? 'Enrolled' : random() < 0.5 ? 'Not interested' : 'Lost to competitor'].join(';'));
  }
  return lines.join('\n');
}

const settings = (over: Partial<CalibrationSettings> = {}): CalibrationSettings => ({
  outcome: 'Result',
  positive: ['Enrolled'],
  seed: 42,
  target: 0.8,
  holdout: 0.3,
  exclude: [],
  include: [],
  mapping: [],
  ...over,
});

describe('runCalibration', () => {
  it('reads the export, excludes the leak, renames as asked, and reports the recommendation with progress up to 100 %', async () => {
    const progress: CalibrationProgress[] = [];
    const result = await runCalibration({ text: exportText(), delimiter: ';', settings: settings({ mapping: [{ column: 'Channel', attribute: 'leadSource' }] }) }, (p) => progress.push(p));
    expect(result).toMatchObject({ rows: 1500, dropped: 0, excluded: ['Stage after call'], issues: [] });
    expect('model' in result).toBe(false);
    expect(result.mappings.map((m) => [m.column, m.fact, m.kind])).toEqual([
      ['Channel', 'lead.leadSource', 'category'],
      ['Hours on site', 'lead.hoursOnSite', 'number'],
      ['Stage after call', 'lead.stageAfterCall', 'category'],
    ]);
    expect(result.recommendation).toMatchObject({ score: 'predictive', threshold: result.predictive.threshold.threshold, holdoutLeads: 450, sent: result.predictive.holdout.selected });
    const percents = progress.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ step: 'done', percent: 100 });
    expect(new Set(progress.map((p) => p.step))).toEqual(new Set(['read', 'profile', 'split', 'leakage', 'close-rates', 'fit', 'score', 'backtest', 'done']));
  });

  it('keeps a flagged column when asked and leaves out excluded ones', async () => {
    const result = await runCalibration({ text: exportText(), delimiter: ';', settings: settings({ include: ['Stage after call'], exclude: ['Hours on site'] }) });
    expect(result.excluded).toEqual([]);
    expect(result.leakage.flagged).toEqual(['Stage after call']);
    expect(result.mappings.map((m) => m.column)).toEqual(['Channel', 'Stage after call']);
    expect(result.predictive.auc).toBeGreaterThan(0.9);
  });
});

describe('percentOf', () => {
  it('grows through the steps, and a step of unknown length never reaches its end', () => {
    expect(percentOf('profile', 0, 1)).toBe(0);
    expect(percentOf('profile', 1, 1)).toBe(10);
    expect(percentOf('fit', 50, 0)).toBeLessThan(percentOf('fit', 1, 1));
    expect(percentOf('score', 9240, 9240)).toBe(95);
    expect(percentOf('backtest', 1, 1)).toBe(99);
    expect(percentOf('unknown', 1, 1)).toBe(0);
  });
});
