/**
 * A lead's attributes as rules read them. Every way attributes enter LeadFlow — a CRM sync, an
 * event that sets attributes, a CSV import, a simulation, a rescoring — reaches the lifecycle
 * core as an event, and the core reads the lead through `normaliseAttributes`; the scorer reads
 * the values rules compare them with through `normaliseConditionValues`. Both use
 * `normaliseValue`: this file is the one place values are normalised. The attributes as sent
 * are kept for display.
 */
import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import { countryCodeOf } from './country-names';
import { departmentOf, seniorityOf } from './job-title';
import type { CompiledValueMap, FactValue } from './types';

/**
 * The facts rules read for a lead with `attributes`:
 * - text is trimmed, its runs of white space made one space (case is kept: comparisons ignore
 *   it, and the capitalisation check reads it);
 * - the model's value maps replace the values they list ("C - Level" → c_level), ignoring case
 *   and white space;
 * - `seniority` and `department` are read from `title` when they were not sent, and a sent
 *   seniority in other words ("Vice President", "C-Level") becomes the catalogue's value;
 * - `industry` becomes a common name where one is known ("SaaS", "Software & IT" → software),
 *   and `country` its ISO code ("Germany", "Deutschland" → DE).
 * Pure, and the same attributes give the same facts (cached per attributes object: do not
 * change one after passing it).
 */
export function normaliseAttributes(attributes: Readonly<Record<string, FactValue>>, valueMaps: readonly CompiledValueMap[] = NO_MAPS): Record<string, FactValue> {
  const cached = cache.get(attributes);
  if (cached && cached.valueMaps === valueMaps) return cached.facts;
  const facts: Record<string, FactValue> = {};
  for (const [key, value] of Object.entries(attributes)) facts[key] = typeof value === 'string' ? normaliseValue(key, value, valueMaps) : value;
  const title = typeof facts.title === 'string' ? facts.title : '';
  if (!isPresent(facts.seniority)) {
    const derived = seniorityOf(title);
    if (derived) facts.seniority = derived;
  }
  if (!isPresent(facts.department)) {
    const derived = departmentOf(title);
    if (derived) facts.department = derived;
  }
  cache.set(attributes, { valueMaps, facts });
  return facts;
}

/**
 * One text value of `attribute` as rules read it: white space folded, then the model's value
 * map for the attribute, or else the common name of a seniority ("Vice President" → vp), an
 * industry ("SaaS" → software) or a country ("Deutschland" → DE). The scorer reads the text
 * values of conditions on lead attributes through it too, so `country in [Germany]` and a lead
 * from "Deutschland" meet at DE.
 */
export function normaliseValue(attribute: string, value: string, valueMaps: readonly CompiledValueMap[] = NO_MAPS): string {
  const spaced = foldSpace(value);
  const map = valueMaps.find((m) => m.attribute === attribute);
  const key = foldText(spaced);
  if (map && Object.hasOwn(map.values, key)) return map.values[key] as string;
  switch (attribute) {
    case 'seniority': {
      // A value that names no rank ("Senior") stays, folded.
      const named = seniorityOf(spaced);
      return named && named !== 'staff' ? named : key;
    }
    case 'industry':
      return industryOf(spaced);
    case 'country':
      return countryCodeOf(spaced) ?? spaced;
    default:
      return spaced;
  }
}

/**
 * `condition` with the text values of its equal, notEqual, in and notIn tests on lead
 * attributes read through normaliseValue, so that they compare with the lead's facts as
 * normaliseAttributes gives them. The scorer applies it once per model version.
 */
export function normaliseConditionValues<C extends TopLevelCondition | NestedCondition>(condition: C, valueMaps: readonly CompiledValueMap[] = NO_MAPS): C {
  const c = condition as Record<string, unknown>;
  for (const kind of ['all', 'any'] as const) {
    if (Array.isArray(c[kind])) return { ...c, [kind]: (c[kind] as NestedCondition[]).map((part) => normaliseConditionValues(part, valueMaps)) } as C;
  }
  if (c.not !== undefined) return { ...c, not: normaliseConditionValues(c.not as NestedCondition, valueMaps) } as C;
  const { fact, operator, value } = c;
  if (typeof fact !== 'string' || !fact.startsWith('lead.') || !VALUE_OPERATORS.has(operator as string)) return condition;
  const attribute = fact.slice('lead.'.length);
  const read = (v: unknown) => (typeof v === 'string' ? normaliseValue(attribute, v, valueMaps) : v);
  return { ...c, value: Array.isArray(value) ? value.map(read) : read(value) } as C;
}
const VALUE_OPERATORS = new Set(['equal', 'notEqual', 'in', 'notIn']);

const NO_MAPS: readonly CompiledValueMap[] = [];
// A lead's attributes change only on events that set some: most events reuse the last facts.
const cache = new WeakMap<object, { valueMaps: readonly CompiledValueMap[]; facts: Record<string, FactValue> }>();

/** Text as comparisons and report groups see it: trimmed, one space between words, lower case. */
export function foldText(text: string): string {
  return foldSpace(text).toLowerCase();
}

/** Trimmed, with every run of white space (line breaks, no-break spaces) one space. */
export function foldSpace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * The industry's common name ("Software & IT", "SaaS" → software; "Banking" →
 * financial_services), or the text folded (lower case, one space between words) when none fits.
 */
export function industryOf(text: string): string {
  const words = ` ${foldText(text).normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  for (const [industry, pattern] of INDUSTRY_PATTERNS) if (pattern.test(words)) return industry;
  return foldText(text);
}

function isPresent(value: FactValue | undefined): boolean {
  return value !== undefined && value !== null && value !== '';
}

const w = (alternatives: string) => new RegExp(` (?:${alternatives}) `);

// Tried in order: a fintech is not a bank, software for hospitals is software.
const INDUSTRY_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['fintech', w('fintech|fin tech|financial technology|payments|payment')],
  [
    'software',
    w('software|saas|it|it services|information technology|computer software|internet|cloud|tech|technology|softwareentwicklung|logiciel|logiciels|informatique|edition de logiciels|desarrollo de software|tecnologia|informatica|ikt|ict'),
  ],
  ['healthcare', w('healthcare|health care|health|hospital|hospitals|medical|medtech|pharma|pharmaceutical|pharmaceuticals|biotech|life sciences|gesundheit|gesundheitswesen|krankenhaus|medizin|medizintechnik|sante|salud|sanidad')],
  ['manufacturing', w('manufacturing|manufacturer|industrial|maschinenbau|produktion|fertigung|industrie|fabrication|manufactura|fabricacion|industria')],
  ['financial_services', w('banking|bank|banks|finance|financial services|financial|insurance|versicherung|versicherungen|finanzdienstleistungen|banque|assurance|banca|seguros|finanzas')],
  ['retail', w('retail|e commerce|ecommerce|einzelhandel|handel|commerce de detail|commerce|venta minorista|comercio|minorista')],
  ['education', w('education|e learning|elearning|edtech|higher education|bildung|hochschule|universitat|enseignement|educacion|universidad')],
  ['logistics', w('logistics|logistik|transport|transportation|shipping|supply chain|spedition|logistique|logistica')],
];
