/**
 * LeadFlow's own history as a calibration export: the leads it scored, created (their first stage
 * change) within a period, each with its attributes as the read side holds them and an outcome
 * read from what sales and the CRM said of it. The rows go through the same calibration as an
 * uploaded export (`calibrateHistory`), so the loop closes on one path.
 *
 * The outcome of a lead:
 * - converted when sales accepted or qualified it, or the CRM opened an opportunity for it or won
 *   it: its stage history reaches sal, sql, opportunity or customer;
 * - not converted, otherwise, when sales rejected a handoff of it, the CRM lost it (`CRM: lost`)
 *   or it was disqualified;
 * - unknown otherwise (nobody has said yet): left out, and counted.
 *
 * Each row names its lead (`Lead ID`), so that the live version can be backtested on the lead as
 * it really scored it: its input log replayed up to the moment its outcome was said
 * (`scoreAsDecided`), behaviour included, not only its attributes.
 */
import type { LeadSnapshot } from '../lead-records';
import { inputAt, replay, type LeadInput, type LifecycleModel } from '../lifecycle/lifecycle';
import type { Scores } from '../score-state';

/** The outcome column of the rows: `yes` or `no`, as a yes/no column of an export. */
export const LEADFLOW_OUTCOME = 'Converted';
/** The column naming each row's lead: an identifier, which calibration leaves out of the models. */
export const LEADFLOW_LEAD_ID = 'Lead ID';

/** What calibration reads of a lead. */
export type HistoryLead = Pick<LeadSnapshot, 'leadId' | 'attributes' | 'stageHistory'> & {
  /** Whether sales rejected any handoff of this lead (the handoffs collection keeps every one). */
  rejected: boolean;
};

export interface HistoryRows {
  /** One row per labelled lead: its id, its attributes as text (missing ones empty), and `Converted`. */
  rows: Array<Record<string, string>>;
  /** Column order: the lead id, the attributes (by name), then the outcome. */
  columns: string[];
  leadIds: string[];
  /** Leads created in the period, and how their outcomes read. */
  counts: { leads: number; converted: number; notConverted: number; unknown: number };
}

const CONVERTED_STAGES = new Set(['sal', 'sql', 'opportunity', 'customer']);

/** A lead's outcome (see the module comment): 1, 0, or undefined when nobody has said yet. */
export function leadOutcome(lead: Pick<HistoryLead, 'stageHistory' | 'rejected'>): 0 | 1 | undefined {
  if (lead.stageHistory.some((change) => CONVERTED_STAGES.has(change.stage))) return 1;
  if (lead.rejected || lead.stageHistory.some((change) => change.stage === 'disqualified' || change.reason === 'CRM: lost')) return 0;
  return undefined;
}

/** When LeadFlow first saw the lead: its first stage change. */
export function createdAt(lead: Pick<HistoryLead, 'stageHistory'>): string | undefined {
  return lead.stageHistory[0]?.at;
}

/**
 * The calibration rows of `leads` created in [from, to) (ISO instants): attributes as text, the
 * outcome as yes/no. Attributes whose value is an object or list are left out (no CRM column
 * holds one).
 */
export function historyRows(leads: readonly HistoryLead[], period: { from: string; to: string }): HistoryRows {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const counts = { leads: 0, converted: 0, notConverted: 0, unknown: 0 };
  const labelled: Array<{ lead: HistoryLead; outcome: 0 | 1 }> = [];
  for (const lead of leads) {
    const created = Date.parse(createdAt(lead) ?? '');
    if (!(created >= from && created < to)) continue;
    counts.leads += 1;
    const outcome = leadOutcome(lead);
    if (outcome === undefined) counts.unknown += 1;
    else {
      if (outcome === 1) counts.converted += 1;
      else counts.notConverted += 1;
      labelled.push({ lead, outcome });
    }
  }
  const names = [...new Set(labelled.flatMap(({ lead }) => Object.keys(lead.attributes).filter((name) => cell(lead.attributes[name]) !== undefined)))].sort();
  const rows = labelled.map(({ lead, outcome }) => {
    const row: Record<string, string> = { [LEADFLOW_LEAD_ID]: lead.leadId };
    for (const name of names) row[name] = cell(lead.attributes[name]) ?? '';
    row[LEADFLOW_OUTCOME] = outcome === 1 ? 'yes' : 'no';
    return row;
  });
  return { rows, columns: [LEADFLOW_LEAD_ID, ...names, LEADFLOW_OUTCOME], leadIds: labelled.map(({ lead }) => lead.leadId), counts };
}

/**
 * A lead's scores under `model` as they stood when its outcome was said: its input log up to the
 * first sales answer or CRM outcome (excluded) replayed through the lifecycle core, with decay
 * and every other deadline taken up to that moment. This is how the version really scores a lead
 * — attributes and behaviour, in event time — and what the threshold decided on: later inputs
 * (the answer itself, a won deal's points, what the lead did once sales had it) happen after the
 * decision and would flatter the version. A log without an answer or outcome is replayed whole,
 * to its last input.
 */
export async function scoreAsDecided(model: LifecycleModel, leadId: string, inputs: readonly LeadInput[]): Promise<Scores> {
  const decided = inputs.filter(isOutcome).map(inputAt).sort()[0];
  const before = decided === undefined ? [...inputs] : inputs.filter((input) => inputAt(input) < decided && !isOutcome(input));
  const last = before.map(inputAt).sort().at(-1);
  const now = decided ?? last ?? new Date(0).toISOString();
  const { view } = await replay(leadId, before, now, model);
  return { ...view.snapshot.scores };
}

/** A sales answer, or the CRM saying how the lead turned out. */
function isOutcome(input: LeadInput): boolean {
  return input.kind === 'answer' || (input.kind === 'event' && input.event.type === 'crm_outcome');
}

function cell(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}
