import { describe, expect, it } from 'vitest';
import { closeRates } from '../../engine/calibration/close-rates';
import { buildDataset } from '../../engine/calibration/dataset';
import { buildDesign, encodeRows } from '../../engine/calibration/design-matrix';
import { fitLogistic, logOdds, sigmoid } from '../../engine/calibration/logistic-regression';
import { profileColumns } from '../../engine/calibration/profile-columns';
import { mulberry32 } from '../../engine/calibration/split';
import { createScorer } from '../../engine/score-event';
import { compileGraph } from '../compile-graph';
import { validateGraph } from '../validate-graph';
import { leadAttributeReader, proposeMapping } from './map-columns';
import { CLOSE_RATE_SCORE, PREDICTIVE_SCORE, pointsFor, proposeGraph } from './propose-graph';

/** 1,200 leads: referrals close best, direct traffic worst, more visits help; city is noise and often empty. */
function history(): Array<Record<string, string>> {
  const random = mulberry32(21);
  return Array.from({ length: 1200 }, (_, i) => {
    const source = i % 50 === 0 ? 'Fax' : ['Google', 'Referral', 'Direct'][i % 3]!;
    const visits = Math.floor(random() * 12);
    const rate = ({ Google: 0.35, Referral: 0.7, Direct: 0.15, Fax: 0.5 } as Record<string, number>)[source]! + (visits - 6) * 0.02;
    return {
      'Lead Source': source,
      TotalVisits: String(visits),
      City: random() < 0.4 ? 'Select' : random() < 0.5 ? 'Pune' : 'Goa',
      Converted: random() < rate ? '1' : '0',
    };
  });
}

describe('proposeGraph', () => {
  const rows = history();
  const { mappings } = proposeMapping(profileColumns(rows), { outcome: 'Converted' });
  const data = buildDataset(rows, { outcome: { column: 'Converted' }, columns: Object.fromEntries(mappings.map((m) => [m.column, m.kind])) });
  const all = rows.map((_, i) => i);
  const table = closeRates(data, all);
  const design = buildDesign(data, all);
  const fit = fitLogistic(encodeRows(data, all, design), data.labels, design.features.length);
  const graph = proposeGraph({ table, mappings, predictive: { design, model: fit }, threshold: { score: PREDICTIVE_SCORE, value: 60 } });

  it('is an ordinary graph: valid without a single issue, and it compiles', () => {
    expect(validateGraph(graph)).toMatchObject({ ok: true, issues: [] });
    expect(graph.scores.map((s) => s.id)).toEqual([CLOSE_RATE_SCORE, PREDICTIVE_SCORE]);
    expect(graph.attributes).toEqual([
      { id: 'totalVisits', label: 'TotalVisits', type: 'number' },
      { id: 'city', label: 'City', type: 'string' },
    ]);
    const model = compileGraph(graph);
    expect(model.thresholds).toMatchObject([{ id: 'sales-ready', scores: [PREDICTIVE_SCORE], value: 60, routing: [{ routeId: 'sales' }] }]);
    expect(model.rules.every((rule) => rule.limits?.oncePerLead && rule.triggers.length === 1 && rule.triggers[0]!.startsWith('attribute:lead.'))).toBe(true);
  });

  it('gives each supported value points in proportion to its close-rate ratio, and bands numbers', () => {
    const source = table.columns.find((c) => c.column === 'Lead Source')!;
    const referral = source.levels.find((l) => l.label === 'Referral')!;
    const direct = source.levels.find((l) => l.label === 'Direct')!;
    const points = (label: string) => graph.nodes.find((n) => n.kind === 'points' && n.label?.startsWith(`Lead Source: ${label} `));
    expect(points('Referral')).toMatchObject({ points: pointsFor(referral.ratio) });
    expect(points('Direct')).toMatchObject({ points: pointsFor(direct.ratio) });
    expect((points('Referral') as { points: number }).points).toBeGreaterThan(0);
    expect((points('Direct') as { points: number }).points).toBeLessThan(0);
    // "Fax" is too rare for a level, and the pooled "other values" too small for points.
    expect(graph.nodes.some((n) => n.label?.includes('Fax') || n.label?.includes('Lead Source: other'))).toBe(false);
    const bands = graph.nodes.filter((n) => n.kind === 'condition' && n.label?.startsWith('TotalVisits'));
    expect(bands.length).toBeGreaterThan(1);
    expect(bands[0]).toMatchObject({ conditions: [{ fact: 'lead.totalVisits', operator: 'lessThan' }] });
  });

  it('scores a lead through createScorer: its values\' points, with reasons, and the fitted probability, its value against the average lead', async () => {
    const scorer = createScorer(compileGraph(graph));
    const read = leadAttributeReader(data, mappings);
    const encoded = encodeRows(data, all, design);
    for (const row of [0, 1, 2, 3, 50, 777]) {
      const [predicted] = await scorer.predict(read(row));
      // The graph's weights are rounded to six decimals.
      expect(predicted!.probability).toBeCloseTo(sigmoid(logOdds(fit, encoded[row]!)), 4);
      // The value is against the average lead: 100 · sigmoid(log-odds − the average lead's log-odds).
      const baseline = graph.predictive![0]!.baseline!;
      expect(baseline).toBeCloseTo(Math.log(table.overallRate / (1 - table.overallRate)), 5);
      const z = Math.log(predicted!.probability / (1 - predicted!.probability));
      expect(predicted!.value).toBe(Math.round(100 * sigmoid(z - baseline)));
    }
    const event = { eventId: 'e', leadId: 'l', type: 'custom', properties: { name: 'crm_sync' }, attributes: { leadSource: 'Referral' }, occurredAt: '2026-01-01T00:00:00Z' };
    const hits = await scorer.score(event, { attributes: { leadSource: 'Referral' }, changedAttributes: ['lead.leadSource'], history: [], lastActivityAt: null });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.reason).toBe(`leadSource changed, Lead source is Referral: +${pointsFor(table.columns[0]!.levels.find((l) => l.label === 'Referral')!.ratio)} close_rate`);
  });

  it('has points only when no model is given, and no threshold unless asked', () => {
    const points = proposeGraph({ table, mappings });
    expect(points.predictive).toBeUndefined();
    expect(points.scores.map((s) => s.id)).toEqual([CLOSE_RATE_SCORE]);
    expect(validateGraph(points).issues.map((i) => i.code)).toEqual(['no_threshold']);
  });
});

describe('pointsFor', () => {
  it('is symmetric in "times as likely", whole and bounded', () => {
    expect([2, 0.5, 1, 3, 1 / 3, 1.04, 0.96].map((r) => pointsFor(r))).toEqual([10, -10, 0, 20, -20, 0, 0]);
    expect(Object.is(pointsFor(0.96), 0)).toBe(true);
    expect(pointsFor(2, 25)).toBe(25);
    expect(pointsFor(1e-9)).toBe(-1000);
    expect(pointsFor(0)).toBe(-1000);
  });
});
