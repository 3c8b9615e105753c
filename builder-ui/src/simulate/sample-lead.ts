/**
 * The made-up lead the Simulate screen builds, as the form holds it (text as typed), and the
 * simulation request it becomes. Problems are told per field, in words, before anything is sent.
 */
import { FACTS_BY_ID, type EventType } from '../../../rules/facts-catalogue';
import type { FactValue, SimulatedEvent, SimulationRequest } from '../api/client';

export interface SampleAttribute {
  /** A catalogue attribute without "lead.", e.g. "seniority". */
  attribute: string;
  value: string;
}

export interface SampleEvent {
  type: EventType;
  /** A `datetime-local` value in the user's time zone, e.g. "2026-11-01T10:00". */
  at: string;
  /** "url=/pricing; referrer=google": the event's properties. */
  properties: string;
}

export interface SampleLead {
  attributes: SampleAttribute[];
  events: SampleEvent[];
  /** Days to let pass after the last event (decay, SLAs); '' for none. */
  thenDays: string;
}

/** What the properties of an event type usually are: the field's placeholder. */
export const PROPERTY_HINTS: Record<EventType, string> = {
  page_view: 'url=/pricing',
  form_submit: 'form=demo_request',
  email_open: 'campaign=spring-launch',
  email_click: 'campaign=spring-launch',
  email_bounce: 'campaign=spring-launch',
  content_download: 'asset=roi-guide; assetType=guide',
  webinar_registered: 'webinar=product-tour',
  webinar_attended: 'webinar=product-tour',
  social_interaction: 'network=linkedin; action=share',
  unsubscribe: '',
  crm_outcome: 'outcome=won',
  custom: 'name=trial_started',
};

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const DAY_MS = 86_400_000;

/** A sample to start from: a visit to the pricing page, then a demo request an hour later. */
export function exampleLead(now: Date): SampleLead {
  const start = new Date(now.getTime() - 2 * 3_600_000);
  return {
    attributes: [],
    events: [
      { type: 'page_view', at: localInput(start), properties: 'url=/pricing' },
      { type: 'form_submit', at: localInput(new Date(start.getTime() + 3_600_000)), properties: 'form=demo_request' },
    ],
    thenDays: '',
  };
}

/** A new event for the timeline: an hour after the last one (or now), of the same type. */
export function nextEvent(events: readonly SampleEvent[], now: Date): SampleEvent {
  const last = events.at(-1);
  const lastAt = last ? fromLocalInput(last.at) : undefined;
  const at = lastAt === undefined ? now : new Date(lastAt + 3_600_000);
  return { type: last?.type ?? 'page_view', at: localInput(at), properties: '' };
}

/** "url=/pricing; form=demo" → { url: '/pricing', form: 'demo' }; separated by ";" or new lines. */
export function parseProperties(text: string): { ok: true; value: Record<string, string> } | { ok: false; message: string } {
  const value: Record<string, string> = {};
  for (const part of text.split(/[;\n]/)) {
    const pair = part.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { ok: false, message: `"${pair}" is not name=value` };
    const key = pair.slice(0, eq).trim();
    if (!KEY.test(key)) return { ok: false, message: `"${key}" is not a property name (letters, digits and "_", starting with a letter)` };
    value[key] = pair.slice(eq + 1).trim();
  }
  return { ok: true, value };
}

/** The value of a catalogue attribute as its type wants it: a number, a boolean or text. */
export function attributeValue(attribute: string, text: string): { ok: true; value: FactValue } | { ok: false; message: string } {
  const type = FACTS_BY_ID.get(`lead.${attribute}`)?.type ?? 'string';
  const trimmed = text.trim();
  if (type === 'number') {
    const number = Number(trimmed);
    return trimmed !== '' && Number.isFinite(number) ? { ok: true, value: number } : { ok: false, message: `${attribute} takes a number` };
  }
  if (type === 'boolean') {
    if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
    return { ok: false, message: `${attribute} takes true or false` };
  }
  return { ok: true, value: trimmed };
}

export type SampleProblems = Record<string, string>;

/**
 * The request for `sample`, or the problems keyed by field (`attributes.<i>`, `events.<i>.at`,
 * `events.<i>.properties`, `thenDays`, `events`).
 */
export function toRequest(sample: SampleLead): { ok: true; request: SimulationRequest } | { ok: false; problems: SampleProblems } {
  const problems: SampleProblems = {};
  const attributes: Record<string, FactValue> = {};
  sample.attributes.forEach((row, i) => {
    if (row.attribute === '') return;
    const parsed = attributeValue(row.attribute, row.value);
    if (parsed.ok) attributes[row.attribute] = parsed.value;
    else problems[`attributes.${i}`] = parsed.message;
  });
  const events: SimulatedEvent[] = [];
  sample.events.forEach((row, i) => {
    const at = fromLocalInput(row.at);
    if (at === undefined) problems[`events.${i}.at`] = 'choose when it happened';
    const properties = parseProperties(row.properties);
    if (!properties.ok) problems[`events.${i}.properties`] = properties.message;
    if (at !== undefined && properties.ok) events.push({ type: row.type, properties: properties.value, occurredAt: new Date(at).toISOString() });
  });
  if (sample.events.length === 0) problems.events = 'add at least one event';
  let until: string | undefined;
  if (sample.thenDays.trim() !== '') {
    const days = Number(sample.thenDays);
    const last = Math.max(...events.map((event) => Date.parse(event.occurredAt)));
    if (!Number.isFinite(days) || days <= 0 || days > 365) problems.thenDays = 'a number of days from 1 to 365';
    else if (Number.isFinite(last)) until = new Date(last + days * DAY_MS).toISOString();
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: { ...(Object.keys(attributes).length > 0 && { attributes }), events, ...(until && { until }) },
  };
}

/** A Date as a `datetime-local` input shows it, to the minute, in the local time zone. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Epoch ms of a `datetime-local` value, or undefined when it is not one. */
export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
