/**
 * Operators our rules use beyond json-rules-engine's own, and our versions of its `equal`,
 * `notEqual`, `in` and `notIn`. Each is a plain function `(factValue, ruleValue) => boolean`;
 * `addOperators` registers them all on an engine.
 * Text comparisons ignore case and surrounding white space ("Software" equals "software").
 * Patterns run on RE2 (linear time: no catastrophic backtracking).
 */
import type { Engine } from 'json-rules-engine';
import { RE2JS } from 're2js';
import { foldText } from './normalise-attributes';

/** Free mailbox domains: a business lead rarely signs up with one (DOMAIN.md, spam signals). */
export const FREE_MAILBOX_DOMAINS = [
  // Global
  'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'rocketmail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'aol.com', 'icloud.com', 'me.com', 'mac.com', 'mail.com', 'email.com', 'gmx.com', 'protonmail.com', 'protonmail.ch', 'proton.me',
  'pm.me', 'zoho.com', 'zohomail.com', 'yandex.com', 'qq.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'rediffmail.com',
  'tutanota.com', 'tutanota.de', 'tuta.io', 'fastmail.com', 'fastmail.fm', 'hey.com', 'mailbox.org', 'posteo.de', 'posteo.net',
  'hushmail.com', 'inbox.com', 'naver.com', 'daum.net', 'hanmail.net',
  // Microsoft, Yahoo and AOL in other countries
  'outlook.de', 'outlook.fr', 'outlook.es', 'outlook.it', 'outlook.co.uk', 'outlook.at', 'outlook.be', 'outlook.com.br',
  'hotmail.de', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.es', 'hotmail.it', 'hotmail.nl', 'hotmail.be', 'hotmail.ch', 'hotmail.se', 'hotmail.com.br',
  'live.de', 'live.co.uk', 'live.fr', 'live.nl', 'live.be', 'live.it', 'live.com.mx', 'msn.de',
  'yahoo.de', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.es', 'yahoo.it', 'yahoo.ca', 'yahoo.com.au', 'yahoo.co.in', 'yahoo.co.jp', 'yahoo.com.br',
  'yahoo.com.mx', 'yahoo.com.ar', 'aol.de', 'aol.co.uk', 'aol.fr', 'googlemail.de',
  // Germany, Austria, Switzerland
  'gmx.de', 'gmx.net', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'online.de', 'email.de', 'kabelmail.de',
  'vodafone.de', '1und1.de', 'aon.at', 'chello.at', 'bluewin.ch', 'sunrise.ch',
  // France, Belgium, Netherlands
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'neuf.fr', 'laposte.net', 'bbox.fr', 'numericable.fr', 'skynet.be', 'telenet.be',
  'ziggo.nl', 'kpnmail.nl', 'planet.nl', 'home.nl', 'hetnet.nl',
  // Southern Europe
  'libero.it', 'virgilio.it', 'alice.it', 'tiscali.it', 'tin.it', 'fastwebnet.it', 'email.it', 'terra.es', 'telefonica.net', 'sapo.pt',
  // UK and Ireland
  'btinternet.com', 'sky.com', 'virginmedia.com', 'talktalk.net', 'ntlworld.com', 'blueyonder.co.uk', 'eircom.net',
  // Northern and Eastern Europe
  'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'yandex.ru', 'rambler.ru', 'ukr.net', 'seznam.cz', 'centrum.cz', 'wp.pl', 'o2.pl',
  'onet.pl', 'interia.pl', 'op.pl', 'abv.bg', 'freemail.hu', 'citromail.hu', 'azet.sk',
  // The Americas, Asia, Oceania
  'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'cox.net',
  'charter.net', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'bigpond.com', 'optusnet.com.au', 'xtra.co.nz',
] as const;

/** In an `emailDomainIn` list, this entry stands for every domain in FREE_MAILBOX_DOMAINS. */
export const FREE_MAILBOX_TOKEN = '@free_mailbox';

export const OPERATOR_FUNCTIONS: Record<string, (factValue: unknown, ruleValue: unknown) => boolean> = {
  equal: (fact, value) => sameValue(fact, value),
  notEqual: (fact, value) => !sameValue(fact, value),
  in: (fact, value) => Array.isArray(value) && inList(fact, value),
  notIn: (fact, value) => Array.isArray(value) && !inList(fact, value),
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

/**
 * True when a word of `text` looks typed at random rather than written: five or more
 * neighbouring keys of one keyboard row in a row ("asdfg", "qwerty", "xcvbnm"); a word that is
 * nothing but four of them ("asdf", "lkjh", "1234"); one key four times ("jjjj"); a short
 * pattern repeated ("sdfsdf", "jkjkjk"); five or more letters without a vowel ("fjdksl"); or six
 * or more letters of one row with at most one vowel ("fjdkal"). Real names with a four-key
 * run ("Wertheim", "Doherty") pass. keyboard-mash.test.ts measures its error rates.
 */
export function hasKeyboardMash(text: string): boolean {
  const plain = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  for (const word of plain.match(/\p{L}+|\p{N}+/gu) ?? []) if (isMashedWord(word)) return true;
  return false;
}

/** True when the text has letters and none of them is upper case ("acme corp", "john"); "van der Berg" and "eBay" pass. */
export function isNotCapitalised(text: string): boolean {
  return /\p{L}/u.test(text) && !/\p{Lu}|\p{Lt}/u.test(text) && /\p{Ll}/u.test(text);
}

// QWERTY's rows, with the bottom and home rows of QWERTZ and AZERTY. QWERTZ's top row is left
// out on purpose: with "z" after "t", the name "Wertz" would be a five-key run.
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'yxcvbnm', 'qsdfghjklm', 'wxcvbn'];
/** Key pairs `ab` where b is right of a on one of the rows. */
const RIGHT_OF = new Set(KEYBOARD_ROWS.flatMap((row) => [...row.slice(1)].map((key, i) => `${row[i]}${key}`)));
const VOWELS = /[aeiouy]/g;

function isMashedWord(word: string): boolean {
  const run = longestRowRun(word);
  if (run >= 5 || (run === word.length && run >= 4)) return true;
  if (/(.)\1{3}/u.test(word)) return true;
  if (/^(.{3,4})\1+$|^(..)\2{2,}$/u.test(word)) return true;
  if (!/^\p{L}+$/u.test(word)) return false;
  const vowels = word.match(VOWELS)?.length ?? 0;
  if (word.length >= 5 && vowels === 0) return true;
  // One hand on one row: real words of one row's letters ("Halsall", "Property") have more vowels.
  return word.length >= 6 && vowels / word.length < 0.25 && KEYBOARD_ROWS.some((row) => [...word].every((key) => row.includes(key)));
}

/** The longest run of keys next to each other on one keyboard row, either way ("wert" in "wertz": 4). */
function longestRowRun(word: string): number {
  let longest = Math.min(word.length, 1);
  let run = 1;
  let direction = 0;
  for (let i = 1; i < word.length; i++) {
    const pair = `${word[i - 1]}${word[i]}`;
    const step = RIGHT_OF.has(pair) ? 1 : RIGHT_OF.has(`${word[i]}${word[i - 1]}`) ? -1 : 0;
    run = step === 0 ? 1 : run > 1 && step === direction ? run + 1 : 2;
    direction = step;
    if (run > longest) longest = run;
  }
  return longest;
}

/** Equal, and for text: equal ignoring case and white space at the ends or doubled. */
function sameValue(fact: unknown, value: unknown): boolean {
  if (fact === value) return true;
  return typeof fact === 'string' && typeof value === 'string' && foldText(fact) === foldText(value);
}

function inList(fact: unknown, list: unknown[]): boolean {
  if (list.indexOf(fact) > -1) return true;
  if (typeof fact !== 'string') return false;
  let folded = foldedLists.get(list);
  if (!folded) {
    folded = new Set(list.filter((item): item is string => typeof item === 'string').map(foldText));
    foldedLists.set(list, folded);
  }
  return folded.has(foldText(fact));
}
// Rule values are constants of a compiled model: fold each list once.
const foldedLists = new WeakMap<unknown[], Set<string>>();

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
