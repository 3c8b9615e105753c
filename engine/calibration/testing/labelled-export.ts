/**
 * A generator of labelled CRM exports with known truth, for testing calibration: the outcome is
 * drawn from a logistic model whose effects are planted, at a chosen base rate, and the export
 * is as messy as real ones are — titles and industries in several spellings (case, spaces,
 * punctuation, a synonym), many rare free-text titles, creation dates written as yyyymmdd and as
 * ISO dates with conversion drifting down for the newest leads (they have not had time to
 * convert), a last-activity date whose recency is a planted effect (the longer ago, the less
 * likely to convert), and planted leaks: an outcome alias (an opportunity id filled in for converted leads only) and
 * a field recorded after the outcome (the sales call's duration).
 *
 * Seeded and pure: the same options give the same rows. Dates count back from `end`, so a test
 * passes the current time and the export reads the same relative to it on any day.
 */
import { mulberry32 } from '../split';

export interface LabelledExportOptions {
  /** Share of leads that converted (e.g. 0.02, 0.1, 0.4). */
  baseRate: number;
  rows?: number;
  seed?: number;
  /** The newest lead's creation time (default: now). */
  end?: Date;
}

/** A planted effect on the log-odds of converting: its sign is what calibration should recover. */
export interface PlantedEffect {
  column: string;
  /** The canonical value of a category, or undefined for a number column (effect per unit). */
  value?: string;
  logOdds: number;
}

export interface LabelledExport {
  /** The export as a CSV reader gives it: header → cell. */
  rows: Record<string, string>[];
  /** The same leads with the planted columns only, in canonical spelling (the last-activity date as its age in days): a plain model's input. */
  clean: Record<string, string>[];
  outcome: string;
  /** Converted leads among the rows. */
  conversions: number;
  effects: PlantedEffect[];
  leaks: { alias: string; postOutcome: string };
  /** A column that repeats another (a title level derived from the title, left empty for some leads). */
  redundant: { column: string; sameAs: string };
  /** The creation dates (two spellings of one date), and the last-activity date with its planted recency effect. */
  dates: { compact: string; iso: string; activity: string };
  /** The last-activity date's effect on the log-odds per day of age: negative, recent activity converts more. */
  recencyPerDay: number;
  /** Leads created this many days before `end` or later convert less (the drift). */
  driftDays: number;
}

const DAY_MS = 86_400_000;
const SPAN_DAYS = 720;
const DRIFT_DAYS = 90;
const DRIFT_LOG_ODDS = -1.2;

interface Level {
  value: string;
  share: number;
  logOdds: number;
  spellings: readonly string[];
  /** The CRM's own coarse field derived from the title: the same information again. */
  level?: string;
}

const TITLES: readonly Level[] = [
  { value: 'C-Level', share: 0.1, logOdds: 1.1, spellings: ['C-Level', 'C - Level', 'c-level', 'C-LEVEL', ' C-Level ', 'CXO'], level: 'L1' },
  { value: 'VP', share: 0.15, logOdds: 0.6, spellings: ['VP', 'vp', 'V.P.', 'Vp '], level: 'L2' },
  { value: 'Manager', share: 0.3, logOdds: 0, spellings: ['Manager', 'manager', 'MANAGER'], level: 'L3' },
  { value: 'Individual Contributor', share: 0.25, logOdds: -0.6, spellings: ['Individual Contributor', 'individual contributor', 'Individual  Contributor'], level: 'L4' },
  { value: 'Student', share: 0.12, logOdds: -1.5, spellings: ['Student', 'student', 'STUDENT', ' Student'], level: 'L5' },
];
/** The rest of the titles: free text, each on a handful of leads, no effect. */
const RARE_TITLE_SHARE = 0.08;
const RARE_TITLES = 60;

const INDUSTRIES: readonly Level[] = [
  { value: 'Software', share: 0.35, logOdds: 0.7, spellings: ['Software', 'software', 'SOFTWARE', 'Software '] },
  { value: 'Retail', share: 0.25, logOdds: -0.7, spellings: ['Retail', 'retail', 'RETAIL'] },
  { value: 'Finance', share: 0.25, logOdds: 0, spellings: ['Finance', 'finance'] },
  { value: 'Manufacturing', share: 0.15, logOdds: 0, spellings: ['Manufacturing', 'manufacturing'] },
];

const SOURCES: readonly Level[] = [
  { value: 'Referral', share: 0.15, logOdds: 0.9, spellings: ['Referral'] },
  { value: 'Webinar', share: 0.2, logOdds: 0.6, spellings: ['Webinar'] },
  { value: 'Organic', share: 0.35, logOdds: 0, spellings: ['Organic'] },
  { value: 'Paid Ads', share: 0.3, logOdds: -0.6, spellings: ['Paid Ads'] },
];

const PAGES_PER_LOG_ODDS = 0.08;
const IDLE_DAYS_PER_LOG_ODDS = -0.03;
/** Last activity up to this many days before `end`, each day of age costing this much log-odds. */
const ACTIVITY_SPAN_DAYS = 240;
const ACTIVITY_DAYS_PER_LOG_ODDS = -0.008;

/**
 * Generates an export.
 * @throws RangeError when `baseRate` is not strictly between 0 and 1.
 */
export function labelledExport(options: LabelledExportOptions): LabelledExport {
  const { baseRate } = options;
  if (!(baseRate > 0 && baseRate < 1)) throw new RangeError(`labelledExport: baseRate must be between 0 and 1, got ${baseRate}`);
  const count = options.rows ?? 10_000;
  const random = mulberry32(options.seed ?? 1);
  const end = (options.end ?? new Date()).getTime();
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const draw = (levels: readonly Level[]) => {
    let u = random();
    for (const level of levels) if ((u -= level.share) < 0) return level;
    return levels[levels.length - 1] as Level;
  };

  const leads = Array.from({ length: count }, () => {
    const rareTitle = random() < RARE_TITLE_SHARE ? `Title ${1 + Math.floor(random() * RARE_TITLES)}` : undefined;
    const title = draw(TITLES);
    const industry = draw(INDUSTRIES);
    const source = draw(SOURCES);
    const pages = Math.min(60, Math.floor(-Math.log(1 - random()) * 8));
    const idleDays = Math.floor(random() * 60);
    const ageDays = Math.floor(random() * SPAN_DAYS);
    // Drawn apart from the creation date, so that its effect is not the drift's.
    const activityDays = Math.floor(random() * ACTIVITY_SPAN_DAYS);
    const logOdds =
      (rareTitle ? 0 : title.logOdds) +
      industry.logOdds +
      source.logOdds +
      PAGES_PER_LOG_ODDS * pages +
      IDLE_DAYS_PER_LOG_ODDS * idleDays +
      ACTIVITY_DAYS_PER_LOG_ODDS * activityDays +
      (ageDays < DRIFT_DAYS ? DRIFT_LOG_ODDS : 0);
    return { rareTitle, title, industry, source, pages, idleDays, ageDays, activityDays, logOdds };
  });
  const intercept = interceptFor(leads.map((lead) => lead.logOdds), baseRate);

  const rows: Record<string, string>[] = [];
  const clean: Record<string, string>[] = [];
  let conversions = 0;
  leads.forEach((lead, index) => {
    const converted = random() < sigmoid(intercept + lead.logOdds);
    if (converted) conversions++;
    const created = new Date(end - lead.ageDays * DAY_MS - Math.floor(random() * DAY_MS));
    const iso = created.toISOString().slice(0, 10);
    const activity = new Date(end - lead.activityDays * DAY_MS).toISOString().slice(0, 10);
    // The call happens for every lead; the ones who bought talked for longer.
    const callSeconds = Math.round(Math.exp((converted ? Math.log(420) : Math.log(90)) + 0.7 * normal(random)));
    const titleText = lead.rareTitle ?? pick(lead.title.spellings);
    rows.push({
      'Lead Number': String(100_000 + index),
      'Job Title': titleText,
      'Title Level': lead.rareTitle || random() < 0.15 ? '' : (lead.title.level as string),
      Industry: pick(lead.industry.spellings),
      'Lead Source': pick(lead.source.spellings),
      'Pages Viewed': String(lead.pages),
      'Days Since Last Visit': String(lead.idleDays),
      'Created Date': iso.replaceAll('-', ''),
      'Signup Date': iso,
      'Last Activity Date': activity,
      'Opportunity ID': converted ? `OPP-${String(1 + Math.floor(random() * 999_999)).padStart(6, '0')}` : '',
      'Call Duration': String(callSeconds),
      Converted: converted ? 'Yes' : 'No',
    });
    clean.push({
      'Job Title': lead.rareTitle ? 'Other' : lead.title.value,
      Industry: lead.industry.value,
      'Lead Source': lead.source.value,
      'Pages Viewed': String(lead.pages),
      'Days Since Last Visit': String(lead.idleDays),
      'Days Since Last Activity': String(lead.activityDays),
      Converted: converted ? 'Yes' : 'No',
    });
  });

  const effects: PlantedEffect[] = [
    ...TITLES.filter((level) => level.logOdds !== 0).map((level) => ({ column: 'Job Title', value: level.value, logOdds: level.logOdds })),
    ...INDUSTRIES.filter((level) => level.logOdds !== 0).map((level) => ({ column: 'Industry', value: level.value, logOdds: level.logOdds })),
    ...SOURCES.filter((level) => level.logOdds !== 0).map((level) => ({ column: 'Lead Source', value: level.value, logOdds: level.logOdds })),
    { column: 'Pages Viewed', logOdds: PAGES_PER_LOG_ODDS },
    { column: 'Days Since Last Visit', logOdds: IDLE_DAYS_PER_LOG_ODDS },
  ];
  return {
    rows,
    clean,
    outcome: 'Converted',
    conversions,
    effects,
    leaks: { alias: 'Opportunity ID', postOutcome: 'Call Duration' },
    redundant: { column: 'Title Level', sameAs: 'Job Title' },
    dates: { compact: 'Created Date', iso: 'Signup Date', activity: 'Last Activity Date' },
    recencyPerDay: ACTIVITY_DAYS_PER_LOG_ODDS,
    driftDays: DRIFT_DAYS,
  };
}

/** The intercept at which the leads' mean probability of converting is `rate` (bisection). */
function interceptFor(logOdds: readonly number[], rate: number): number {
  let low = -30;
  let high = 30;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    const mean = logOdds.reduce((sum, x) => sum + sigmoid(mid + x), 0) / logOdds.length;
    if (mean < rate) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
