import { describe, expect, it } from 'vitest';
import { scoreLeads } from '../../../engine/calibration/score-leads';
import { mulberry32 } from '../../../engine/calibration/split';
import { calibrateHistory } from '../../../rules/calibration/calibrate-history';
import { compileGraph } from '../../../rules/compile-graph';
import { validateGraph } from '../../../rules/validate-graph';
import { attributeProblem, renameAttributes } from './rename-attributes';

/** 2,000 past leads: the source and minutes on site drive conversion. */
function export_(): Array<Record<string, string>> {
  const random = mulberry32(5);
  return Array.from({ length: 2000 }, (_, i) => {
    const source = ['Web', 'Partner', 'Event', 'Cold list'][i % 4]!;
    const minutes = Math.round(random() * 30);
    const logOdds = { Web: -0.5, Partner: 1.2, Event: 0.3, 'Cold list': -2 }[source]! + (minutes - 15) * 0.12;
    return { 'Lead Source': source, 'Minutes on site': String(minutes), Won: random() < 1 / (1 + Math.exp(-logOdds)) ? 'yes' : 'no' };
  });
}

describe('renameAttributes', () => {
  const proposed = calibrateHistory(export_(), { outcome: 'Won' });

  it('renames a column everywhere the model tests it, declares the new name, and scores every lead as before', async () => {
    const report = await proposed;
    expect(report.mappings.map((m) => m.fact)).toEqual(['lead.leadSource', 'lead.minutesOnSite']);
    const names = new Map([
      ['Lead Source', 'channel'],
      ['Minutes on site', 'companySize'],
    ]);
    const { graph, mappings } = renameAttributes(report.graph, report.mappings, names);
    expect(mappings.map(({ attribute, fact, declared }) => ({ attribute, fact, declared }))).toEqual([
      { attribute: 'channel', fact: 'lead.channel', declared: true },
      // A catalogue attribute of the same type: nothing to declare.
      { attribute: 'companySize', fact: 'lead.companySize', declared: false },
    ]);
    expect(graph.attributes).toEqual([{ id: 'channel', label: 'Lead Source', type: 'string' }]);
    const text = JSON.stringify(graph);
    // Node ids keep their names; no rule tests the old attributes.
    expect(text).not.toMatch(/"lead\.(leadSource|minutesOnSite)"/);
    expect(text).toContain('"lead.channel"');
    expect(validateGraph(graph)).toMatchObject({ ok: true, issues: [] });

    const leads = export_().slice(0, 50);
    const before = await scoreLeads(report.model, leads.map((row) => ({ leadSource: row['Lead Source']!, minutesOnSite: Number(row['Minutes on site']) })));
    const after = await scoreLeads(compileGraph(graph), leads.map((row) => ({ channel: row['Lead Source']!, companySize: Number(row['Minutes on site']) })));
    expect(after).toEqual(before);
    expect(new Set(after.map((scores) => scores.predictive)).size).toBeGreaterThan(3);
  });

  it('leaves the graph alone when nothing changes name', async () => {
    const report = await proposed;
    const same = renameAttributes(report.graph, report.mappings, new Map([['Lead Source', 'leadSource']]));
    expect(same.graph).toBe(report.graph);
  });

  it('refuses two columns on one attribute, and a catalogue attribute of another type', async () => {
    const report = await proposed;
    expect(() => renameAttributes(report.graph, report.mappings, new Map([['Minutes on site', 'leadSource']]))).toThrow(/is a string attribute of the facts catalogue/);
    expect(() => renameAttributes(report.graph, report.mappings, new Map([['Lead Source', 'minutesOnSite']]))).toThrow('Lead Source and Minutes on site would both be "minutesOnSite"');
    expect(attributeProblem('country', 'category')).toBeUndefined();
    expect(attributeProblem('isCustomer', 'category')).toMatch(/boolean attribute/);
    expect(attributeProblem('anythingElse', 'number')).toBeUndefined();
  });
});
