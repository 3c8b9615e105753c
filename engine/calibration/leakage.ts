/**
 * Columns that look like leakage: recorded after the sales contact, or too predictive to be true.
 * A model that uses them looks brilliant on history and is useless for scoring new leads. The
 * check is told no column names; it measures every column alone, with its values (numbers in
 * quantile bands) as levels, and flags a column when any of these holds:
 *
 * - **Information value** on the training leads of at least 1.5. Scorecard practice reads an
 *   information value above 0.5 as "suspiciously good"; honest pre-contact attributes of a CRM
 *   export reach about 1 (X Education: time on site 0.91–1.01, occupation 0.86–1.01 over eleven
 *   seeds; Lead Quality 1.74–1.98), so the bar sits half as high again above that.
 * - **Hold-out AUC** of the column alone (each hold-out lead scored by its level's training
 *   close rate) of at least 0.85: one attribute ranking leads about as well as a whole model.
 * - **Near-deterministic values with large support**: at least 10 % of the leads carry values
 *   that all but decide the outcome — close rates confidently (Wilson 95 %) at or above 95 % or
 *   at or below 5 %, and at least ten times the overall odds away from the average lead.
 *
 * A column that is often empty and whose emptiness itself goes with the outcome (a field sales
 * fills in once they have talked to the lead) gets that in its reasons when flagged, and as a
 * warning otherwise: on its own that pattern also describes forms that changed over time.
 */
import { closeRates, levelAssigner, type CloseRateLevel, type ColumnCloseRates } from './close-rates';
import type { Dataset } from './dataset';
import { rocAuc } from './metrics';
import type { Split } from './split';

export interface LeakageOptions {
  /** Flag at or above this information value (default 1.5). */
  informationValue?: number;
  /** Flag at or above this single-column hold-out AUC (default 0.85). */
  auc?: number;
  /** Flag when near-deterministic values cover at least this share of leads (default 0.1). */
  deterministicShare?: number;
  /** Quantile bands per numeric column (default 10: finer than the points model's, to see more). */
  bands?: number;
}

export interface ColumnLeakage {
  column: string;
  flagged: boolean;
  /** Why it is flagged, in words; empty when it is not. */
  reasons: string[];
  /** Doubts that do not flag it on their own. */
  warnings: string[];
  informationValue: number;
  holdoutAuc: number;
  deterministicShare: number;
  missingShare: number;
  /** Close rates of leads without a value and with one (undefined when there are none). */
  missingCloseRate?: number;
  presentCloseRate?: number;
}

export interface LeakageReport {
  columns: ColumnLeakage[];
  /** Names of the flagged columns, in column order. */
  flagged: string[];
}

/** Emptiness this common, with close rates this far apart, is worth a word. */
const SPARSE_SHARE = 0.3;
const SPARSE_RATE_RATIO = 2;

/** Measures every column of `dataset` on the split and flags the ones that look like leakage. */
export function detectLeakage(dataset: Dataset, split: Split, options: LeakageOptions = {}): LeakageReport {
  const ivBar = options.informationValue ?? 1.5;
  const aucBar = options.auc ?? 0.85;
  const shareBar = options.deterministicShare ?? 0.1;
  const table = closeRates(dataset, split.train, { bands: options.bands ?? 10 });
  const holdoutLabels = split.holdout.map((row) => dataset.labels[row] as number);
  const columns = table.columns.map((rates, index): ColumnLeakage => {
    const column = dataset.columns[index]!;
    const assign = levelAssigner(column, rates.levels.map((level) => level.match));
    const holdoutScores = split.holdout.map((row) => rates.levels[assign(row)]?.smoothedRate ?? table.overallRate);
    const informationValue = informationValueOf(rates.levels, table.conversions, table.leads - table.conversions);
    const holdoutAuc = rocAuc(holdoutScores, holdoutLabels);
    const deterministic = rates.levels.filter((level) => isDeterministic(level, table.overallRate, table.minSupport));
    const deterministicShare = deterministic.reduce((sum, level) => sum + level.leads, 0) / table.leads;
    const missing = missingPattern(rates);

    const reasons: string[] = [];
    if (informationValue >= ivBar) {
      reasons.push(`information value ${informationValue.toFixed(2)} on the training leads (flagged from ${ivBar}): more predictive alone than a pre-contact attribute plausibly is`);
    }
    if (holdoutAuc >= aucBar) reasons.push(`alone it ranks hold-out leads with an AUC of ${holdoutAuc.toFixed(3)} (flagged from ${aucBar})`);
    if (deterministicShare >= shareBar) {
      const examples = [...deterministic]
        .sort((a, b) => b.leads - a.leads)
        .slice(0, 3)
        .map((level) => `"${level.label}" ${percent(level.closeRate)} of ${level.leads}`)
        .join(', ');
      reasons.push(`${percent(deterministicShare)} of leads have values that all but decide the outcome (${examples})`);
    }
    const warnings: string[] = [];
    if (missing.sparse) {
      const words = `${percent(missing.share)} of leads have no value, and they convert at ${percent(missing.missingRate!)} against ${percent(missing.presentRate!)} for the others: typical of a field filled in after the sales contact`;
      (reasons.length > 0 ? reasons : warnings).push(words);
    }
    return {
      column: column.name,
      flagged: reasons.length > 0,
      reasons,
      warnings,
      informationValue,
      holdoutAuc,
      deterministicShare,
      missingShare: missing.share,
      ...(missing.missingRate !== undefined && { missingCloseRate: missing.missingRate }),
      ...(missing.presentRate !== undefined && { presentCloseRate: missing.presentRate }),
    };
  });
  return { columns, flagged: columns.filter((c) => c.flagged).map((c) => c.column) };
}

/**
 * Σ (share of conversions − share of non-conversions) · ln(their ratio) over the levels, with
 * half a lead added to every cell so that a level without conversions stays finite.
 */
export function informationValueOf(levels: readonly Pick<CloseRateLevel, 'leads' | 'conversions'>[], conversions: number, nonConversions: number): number {
  let value = 0;
  for (const level of levels) {
    const pos = (level.conversions + 0.5) / (conversions + 0.5 * levels.length);
    const neg = (level.leads - level.conversions + 0.5) / (nonConversions + 0.5 * levels.length);
    value += (pos - neg) * Math.log(pos / neg);
  }
  return value;
}

/** Presence this close to the outcome makes a column its alias. */
const ALIAS_AGREEMENT = 0.95;

/**
 * Columns whose mere presence spells the outcome: filled in for (nearly) every converted lead and
 * (nearly) no other, or the reverse — an opportunity id, a "lost reason". Any column of the
 * export is checked, identifiers included (they are never scored, but they are what an alias
 * usually is).
 * @returns for each alias, its column and the reason in words.
 */
export function outcomeAliases(rows: readonly Record<string, string>[], dataset: Dataset, columns: readonly string[], isMissing: (value: string | undefined) => boolean): Array<{ column: string; reason: string }> {
  const conversions = dataset.labels.reduce((sum, label) => sum + label, 0);
  const others = dataset.labels.length - conversions;
  if (conversions === 0 || others === 0) return [];
  return columns.flatMap((column) => {
    let presentConverted = 0;
    let presentOther = 0;
    dataset.sourceRows.forEach((source, i) => {
      if (isMissing(rows[source]?.[column])) return;
      if (dataset.labels[i] === 1) presentConverted++;
      else presentOther++;
    });
    const converted = presentConverted / conversions;
    const other = presentOther / others;
    const spells = (converted >= ALIAS_AGREEMENT && other <= 1 - ALIAS_AGREEMENT) || (other >= ALIAS_AGREEMENT && converted <= 1 - ALIAS_AGREEMENT);
    if (!spells) return [];
    return [
      {
        column,
        reason:
          `an alias of the outcome: filled in for ${percent(converted)} of the converted leads and ${percent(other)} of the others ` +
          `(a field that exists only once the outcome is known, such as an opportunity id; to calibrate on it as the outcome, name it as the outcome column)`,
      },
    ];
  });
}

function isDeterministic(level: CloseRateLevel, overallRate: number, minSupport: number): boolean {
  if (level.leads < minSupport) return false;
  const { low, high } = wilson(level.conversions, level.leads);
  const odds = (rate: number) => (rate + 1e-9) / (1 - rate + 1e-9);
  const oddsRatio = odds(level.closeRate) / odds(overallRate);
  return (low >= 0.95 && oddsRatio >= 10) || (high <= 0.05 && oddsRatio <= 0.1);
}

/** The Wilson score interval (95 %) of a proportion. */
export function wilson(successes: number, trials: number): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const z = 1.959964;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function missingPattern(rates: ColumnCloseRates): { share: number; sparse: boolean; missingRate?: number; presentRate?: number } {
  let missingLeads = 0;
  let missingConversions = 0;
  let presentLeads = 0;
  let presentConversions = 0;
  for (const level of rates.levels) {
    if (level.match.kind === 'missing') {
      missingLeads += level.leads;
      missingConversions += level.conversions;
    } else {
      presentLeads += level.leads;
      presentConversions += level.conversions;
    }
  }
  const share = missingLeads / (missingLeads + presentLeads || 1);
  if (missingLeads === 0 || presentLeads === 0) return { share, sparse: false };
  const missingRate = missingConversions / missingLeads;
  const presentRate = presentConversions / presentLeads;
  const ratio = Math.max(missingRate, presentRate) / Math.max(Math.min(missingRate, presentRate), 1e-9);
  return { share, sparse: share >= SPARSE_SHARE && ratio >= SPARSE_RATE_RATIO, missingRate, presentRate };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)} %`;
}
