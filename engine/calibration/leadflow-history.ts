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
 */
import type { LeadSnapshot } from '../lead-records';

/** The outcome column of the rows: `yes` or `no`, as a yes/no column of an export. */
export const LEADFLOW_OUTCOME = 'Converted';

/** What calibration reads of a lead. */
export type HistoryLead = Pick<LeadSnapshot, 'leadId' | 'attributes' | 'stageHistory'> & {
  /** Whether sales rejected any handoff of this lead (the handoffs collection keeps every one). */
  rejected: boolean;
};

export interface HistoryRows {
  /** One row per labelled lead: its attributes as text (missing ones empty), and `Converted`. */
  rows: Array<Record<string, string>>;
  /** Column order: the attributes (by name), then the outcome. */
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
    const row: Record<string, string> = {};
    for (const name of names) row[name] = cell(lead.attributes[name]) ?? '';
    row[LEADFLOW_OUTCOME] = outcome === 1 ? 'yes' : 'no';
    return row;
  });
  return { rows, columns: [...names, LEADFLOW_OUTCOME], leadIds: labelled.map(({ lead }) => lead.leadId), counts };
}

function cell(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}
