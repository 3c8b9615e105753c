/**
 * Operators our rules use beyond json-rules-engine's own. Each is a plain function
 * `(factValue, ruleValue) => boolean`; `addOperators` registers them all on an engine.
 * Text operators ignore case. Patterns run on RE2 (linear time: no catastrophic backtracking).
 */
import type { Engine } from 'json-rules-engine';
import { RE2JS } from 're2js';

/** Free mailbox domains: a business lead rarely signs up with one (DOMAIN.md, spam signals). */
export const FREE_MAILBOX_DOMAINS = [
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'hotmail.com', 'hotmail.co.uk',
  'hotmail.fr', 'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'mail.com',
  'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'protonmail.com', 'proton.me', 'zoho.com', 'yandex.com', 'yandex.ru',
  'mail.ru', 'qq.com', '163.com', '126.com', 'rediffmail.com', 'tutanota.com', 'fastmail.com', 'hey.com',
] as const;

/** In an `emailDomainIn` list, this entry stands for every domain in FREE_MAILBOX_DOMAINS. */
export const FREE_MAILBOX_TOKEN = '@free_mailbox';

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const MASH_LENGTH = 4;

export const OPERATOR_FUNCTIONS: Record<string, (factValue: unknown, ruleValue: unknown) => boolean> = {
  containsText: (fact, value) => isText(fact) && isText(value) && fact.toLowerCase().includes(value.toLowerCase()),
  startsWith: (fact, value) => isText(fact) && isText(value) && fact.toLowerCase().startsWith(value.toLowerCase()),
  endsWith: (fact, value) => isText(fact) && isText(value) && fact.toLowerCase().endsWith(value.toLowerCase()),
  matchesPattern: (fact, value) => isText(fact) && isText(value) && compilePattern(value).matcher(fact).find(),
  emailDomainIn: (fact, value) => {
    const domain = isText(fact) ? emailDomain(fact) : undefined;
    return domain !== undefined && Array.isArray(value) && domainList(value).has(domain);
  },
  keyboardMash: (fact, value) => isText(fact) && hasKeyboardMash(fact) === (value === true),
  notCapitalised: (fact, value) => isText(fact) && /\p{L}/u.test(fact) && isNotCapitalised(fact) === (value === true),
  isKnown: (fact, value) => (fact !== undefined && fact !== null && fact !== '') === (value === true),
};

/** Registers every operator of OPERATOR_FUNCTIONS on `engine`. */
export function addOperators(engine: Engine): void {
  for (const [name, evaluate] of Object.entries(OPERATOR_FUNCTIONS)) engine.addOperator(name, evaluate);
}

/**
 * Compiles a pattern for `matchesPattern`, once per distinct pattern.
 * @throws when RE2 cannot parse it (the validator reports that before compiling a graph).
 */
export function compilePattern(pattern: string): RE2JS {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    patterns.set(pattern, compiled);
  }
  return compiled;
}
const patterns = new Map<string, RE2JS>();

/** The lower-cased part after the last "@", or undefined when there is none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).trim().toLowerCase() : undefined;
}

/** True when four or more neighbouring keys of one keyboard row were typed in a row ("asdf", "lkjh"). */
export function hasKeyboardMash(text: string): boolean {
  const lower = text.toLowerCase();
  for (let start = 0; start + MASH_LENGTH <= lower.length; start++) {
    const run = lower.slice(start, start + MASH_LENGTH);
    if (KEYBOARD_ROWS.some((row) => row.includes(run) || [...row].reverse().join('').includes(run))) return true;
  }
  return false;
}

/** True when the first letter is lower case ("acme corp", "john"). */
export function isNotCapitalised(text: string): boolean {
  const first = text.match(/\p{L}/u)?.[0];
  return first !== undefined && first === first.toLowerCase() && first !== first.toUpperCase();
}

function domainList(values: unknown[]): Set<string> {
  const key = values.join('\n');
  let set = domainLists.get(key);
  if (!set) {
    set = new Set();
    for (const value of values) {
      if (value === FREE_MAILBOX_TOKEN) FREE_MAILBOX_DOMAINS.forEach((domain) => set!.add(domain));
      else if (typeof value === 'string') set.add(value.replace(/^@/, '').toLowerCase());
    }
    domainLists.set(key, set);
  }
  return set;
}
const domainLists = new Map<string, Set<string>>();

function isText(value: unknown): value is string {
  return typeof value === 'string';
}
