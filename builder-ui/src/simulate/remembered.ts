/**
 * What the Simulate screen was last asked, per model, for the browser tab's session: going back
 * to the editor to change a rule and returning finds the same lead ready to run again. Whatever
 * the storage holds is checked before use; anything else is ignored (a fresh example then).
 */
import { EVENT_TYPES, type EventType } from '../../../rules/facts-catalogue';
import type { SampleLead } from './sample-lead';

export interface RememberedSimulation {
  mode: 'sample' | 'lead';
  sample: SampleLead;
  leadId: string;
}

const keyOf = (modelId: string) => `leadflow:simulate:${modelId}`;

/** The simulation last set up for `modelId` in this tab, or null. */
export function rememberedSimulation(modelId: string, storage: Storage = sessionStorage): RememberedSimulation | null {
  let value: unknown;
  try {
    value = JSON.parse(storage.getItem(keyOf(modelId)) ?? 'null');
  } catch {
    return null;
  }
  return isRemembered(value) ? value : null;
}

/** Keeps `simulation` for `modelId` until the tab closes; a full or blocked storage only forgets. */
export function rememberSimulation(modelId: string, simulation: RememberedSimulation, storage: Storage = sessionStorage): void {
  try {
    storage.setItem(keyOf(modelId), JSON.stringify(simulation));
  } catch {
    // Remembering is a convenience: without it the screen starts from the example lead.
  }
}

function isRemembered(value: unknown): value is RememberedSimulation {
  if (!isRecord(value) || (value.mode !== 'sample' && value.mode !== 'lead') || typeof value.leadId !== 'string' || !isRecord(value.sample)) return false;
  const { attributes, events, thenDays } = value.sample;
  return (
    typeof thenDays === 'string' &&
    Array.isArray(attributes) &&
    attributes.every((row) => isRecord(row) && typeof row.attribute === 'string' && typeof row.value === 'string') &&
    Array.isArray(events) &&
    events.every((row) => isRecord(row) && EVENT_TYPES.includes(row.type as EventType) && typeof row.at === 'string' && typeof row.properties === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
