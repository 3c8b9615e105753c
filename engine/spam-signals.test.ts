/**
 * The spam signals' error rates, measured: a corpus of real-looking names, companies and email
 * addresses (from several countries, with the names that tripped the old checks) and of typed
 * junk, both drawn by a seeded generator so every run sees the same corpus. The test prints each
 * check's false-positive rate (real values it flags) and miss rate (junk it lets through), and
 * fails when one passes its bound.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './calibration/split';
import { emailDomain, FREE_MAILBOX_DOMAINS, hasKeyboardMash, isNotCapitalised } from './operators';

const SEED = 17;
const SAMPLES = 3_000;

const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Linda', 'Sarah', 'Thomas', 'Emily', 'Christopher', 'Jessica',
  'Lukas', 'Anna', 'Jürgen', 'Sabine', 'Matthias', 'Katrin', 'Wolfgang', 'Ute', 'Jörg', 'Birgit', 'Sven', 'Heike', 'Maximilian',
  'Sophie', 'Élodie', 'François', 'Amélie', 'Jean-Pierre', 'Camille', 'Théo', 'Manon', 'Benoît', 'Clémence',
  'José', 'María', 'Javier', 'Lucía', 'Álvaro', 'Carmen', 'Íñigo', 'Pilar', 'Giulia', 'Matteo', 'Francesca', 'Lorenzo',
  'Sanne', 'Pieter', 'Joost', 'Femke', 'Bram', 'Agnieszka', 'Krzysztof', 'Małgorzata', 'Wojciech', 'Zbigniew',
  'Søren', 'Ingrid', 'Lars', 'Åsa', 'Mikko', 'Aino', 'Mehmet', 'Ayşe', 'Priya', 'Rahul', 'Wei', 'Mei', 'Nguyen', 'Thanh',
  'Mohammed', 'Fatima', 'Oluwaseun', 'Chiamaka', 'Siobhan', 'Niamh', 'Ruairí', 'Gwen', 'Rhys', 'Dmitri', 'Olga', 'Yuki', 'Hiroshi',
];

const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson', 'Thompson', 'Harris',
  'Doherty', 'Flaherty', 'Rafferty', 'Haggerty', 'McCafferty', 'Laverty', "O'Brien", 'McDonald', 'Trewin', 'Poulter',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wertz', 'Wertheim', 'Schwarz', 'Schwertfeger', 'Großmann', 'Köhler',
  'Zimmermann', 'Hoffmann', 'Krüger', 'Wolf', 'Kraft', 'Pfeiffer', 'Dreyer', 'Opitz', 'Kuhn',
  'Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Fontaine', 'Rousseau', 'de la Fontaine',
  'García', 'Fernández', 'Rodríguez', 'de la Cruz', 'Sánchez', 'Iglesias', 'Rossi', 'Esposito', 'Bianchi', 'Colombo',
  'van der Berg', 'de Vries', 'Jansen', 'Bakker', 'van Dijk', 'Strzelczyk', 'Kowalski', 'Wiśniewska', 'Brzęczyszczykiewicz',
  'Nowak', 'Andersen', 'Poulsen', 'Lindqvist', 'Øvergaard', 'Virtanen', 'Yılmaz', 'Çelik', 'Patel', 'Sharma', 'Wang', 'Li',
  'Nguyen', 'Tran', 'Al-Hassan', 'Okonkwo', 'Adeyemi', 'Glass', 'Halsall', 'Hall', 'Lloyd', 'Llwyd', 'Dahl', 'Ivanov', 'Tanaka',
];

const COMPANY_WORDS = ['Logistik', 'Consulting', 'Software', 'Systems', 'Solutions', 'Partners', 'Holding', 'Technik', 'Maschinenbau',
  'Digital', 'Analytics', 'Medical', 'Bau', 'Versicherung', 'Industries', 'Group', 'Labs', 'Energie', 'Immobilien', 'Conseil',
  'Ingeniería', 'Servizi', 'Transport', 'Handel', 'Media', 'Capital', 'Ventures', 'Networks', 'Pharma', 'Retail'];
const LEGAL_FORMS = ['GmbH', 'AG', 'GmbH & Co. KG', 'SE', 'Ltd', 'Ltd.', 'LLC', 'Inc.', 'Corp.', 'PLC', 'LLP', 'SARL', 'SAS', 'S.A.',
  'S.L.', 'S.r.l.', 'S.p.A.', 'B.V.', 'N.V.', 'Sp. z o.o.', 'AB', 'A/S', 'Oy', 'ApS', 'KG', 'e.K.', 'Pty Ltd', ''];
const BRANDS = ['Wertheim Logistik GmbH', 'Wertz', 'Liberty Mutual', 'Property Partners LLP', 'Hewlett Packard Enterprise',
  'Deutsche Telekom', 'Siemens Healthineers', 'Zalando SE', 'eBay', 'iRobot', 'HSBC', 'KPMG', 'Deloitte', 'Schwarz Gruppe',
  'Mehrwert Consulting', 'Qwest Communications', 'Typeform', 'Poweruser Labs', 'Asda Stores Ltd', 'Fjord Analytics'];

const BUSINESS_TLDS = ['com', 'de', 'co.uk', 'fr', 'es', 'it', 'nl', 'pl', 'io', 'eu', 'ch', 'at'];
// Free-mailbox domains as people in these countries use them (independent of the shipped list's order).
const FREE_DOMAINS_IN_USE = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com', 'gmx.de', 'gmx.net',
  'web.de', 't-online.de', 'outlook.de', 'hotmail.de', 'yahoo.de', 'freenet.de', 'gmx.at', 'bluewin.ch', 'hotmail.co.uk',
  'yahoo.co.uk', 'btinternet.com', 'live.co.uk', 'orange.fr', 'free.fr', 'laposte.net', 'yahoo.fr', 'hotmail.fr', 'sfr.fr',
  'libero.it', 'virgilio.it', 'hotmail.es', 'yahoo.es', 'mail.ru', 'yandex.ru', 'wp.pl', 'o2.pl', 'seznam.cz', 'protonmail.com',
  'proton.me', 'zoho.com', 'qq.com', '163.com', 'ziggo.nl', 'telenet.be', 'posteo.de', 'mailbox.org', 'comcast.net', 'yahoo.com.br'];
// Business domains that look like free ones (an ISP's or a mail company's own corporate address).
const LOOKALIKE_BUSINESS_DOMAINS = ['orange.com', 'telekom.de', 'gmx-consulting.de', 'webde-agentur.de', 'mail.acme-logistik.de', 'outlook-partners.com', 'yahooinc.com', 'proton.ch'];

const random = mulberry32(SEED);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const repeat = <T,>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const slug = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function company(): string {
  const roll = random();
  if (roll < 0.2) return pick(BRANDS);
  const legal = pick(LEGAL_FORMS);
  const name = roll < 0.6 ? `${pick(LAST_NAMES)} ${pick(COMPANY_WORDS)}` : roll < 0.8 ? `${pick(LAST_NAMES)} & ${pick(LAST_NAMES)}` : pick(LAST_NAMES);
  return legal ? `${name} ${legal}` : name;
}

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const LETTER_ROWS = ROWS.slice(1);

/** Junk as people type it into a form they do not mean to fill in, by kind. */
const JUNK: Record<string, () => string> = {
  'row run': () => {
    const row = pick(ROWS);
    const length = int(4, Math.min(8, row.length));
    const start = int(0, row.length - length);
    const run = random() < 0.5 ? row.slice(start, start + length) : [...row.slice(start, start + length)].reverse().join('');
    return run.length === 4 || random() < 0.6 ? run : `${run}${pick(['', '123', '1', '!'])}`;
  },
  'one key held': () => pick([...'abcdefghijklmnopqrstuvwxyz']).repeat(int(4, 7)),
  'pattern repeated': () => {
    const row = pick(LETTER_ROWS);
    const unit = repeat(int(2, 3), () => pick([...row])).join('');
    return unit.repeat(unit.length === 2 ? int(3, 4) : int(2, 3));
  },
  'home or bottom row, any order': () => {
    const row = pick(LETTER_ROWS.slice(1));
    return repeat(int(6, 9), () => pick([...row])).join('');
  },
  // Reported, not bounded: no letter-level check tells these from real top-row words ("Property", "Porter").
  'top row, any order': () => repeat(int(6, 9), () => pick([...'qwertyuiop'])).join(''),
  'known junk': () => pick(['asdfgh', 'qwerty123', 'jjjjj', 'xcvbnm', 'asdf', 'qwertz', 'lkjhg', 'sdfsdf', 'hjkl', 'yxcvb', 'fghfgh']),
};

interface Rate {
  check: string;
  kind: 'false positives' | 'misses';
  corpus: string;
  rate: number;
  n: number;
  bound: number;
  examples: string[];
}

function rate(check: string, kind: Rate['kind'], corpus: string, values: string[], wrong: (value: string) => boolean, bound: number): Rate {
  const failing = values.filter(wrong);
  return { check, kind, corpus, rate: failing.length / values.length, n: values.length, bound, examples: [...new Set(failing)].slice(0, 5) };
}

describe('spam signals, measured on a seeded corpus', () => {
  const people = repeat(SAMPLES, () => ({ first: pick(FIRST_NAMES), last: pick(LAST_NAMES), company: company() }));
  const realNames = people.flatMap((p) => [p.first, p.last]);
  const companies = people.map((p) => p.company);
  const businessEmails = people.map((p) => `${slug(p.first)}.${slug(p.last)}@${random() < 0.1 ? pick(LOOKALIKE_BUSINESS_DOMAINS) : `${slug(p.company.split(' ')[0] as string)}.${pick(BUSINESS_TLDS)}`}`);
  const freeEmails = people.map((p) => `${slug(p.first)}${pick(['.', '_', ''])}${slug(p.last)}${random() < 0.3 ? int(1, 99) : ''}@${pick(FREE_DOMAINS_IN_USE)}`);
  const junk = Object.fromEntries(Object.entries(JUNK).map(([kind, make]) => [kind, repeat(SAMPLES / 6, () => (random() < 0.2 ? capitalise(make()) : make()))]));
  const free = new Set<string>(FREE_MAILBOX_DOMAINS);
  const isFree = (email: string) => free.has(emailDomain(email) ?? '');

  const rates: Rate[] = [
    rate('keyboard mash', 'false positives', 'names', realNames, hasKeyboardMash, 0.005),
    rate('keyboard mash', 'false positives', 'companies', companies, hasKeyboardMash, 0.01),
    ...Object.entries(junk).map(([kind, values]) => rate('keyboard mash', 'misses', `junk: ${kind}`, values, (v) => !hasKeyboardMash(v), kind === 'top row, any order' ? 1 : kind === 'home or bottom row, any order' ? 0.1 : 0.02)),
    rate('not capitalised', 'false positives', 'names', realNames, isNotCapitalised, 0.005),
    rate('not capitalised', 'false positives', 'companies', companies, isNotCapitalised, 0.01),
    rate('not capitalised', 'misses', 'names typed in lower case', realNames.map((n) => n.toLowerCase()), (v) => !isNotCapitalised(v), 0),
    rate('not capitalised', 'misses', 'companies typed in lower case', companies.map((c) => c.toLowerCase()), (v) => !isNotCapitalised(v), 0),
    rate('free mailbox', 'false positives', 'business addresses', businessEmails, isFree, 0),
    rate('free mailbox', 'misses', 'free-mailbox addresses', freeEmails, (v) => !isFree(v), 0.02),
  ];

  it('prints each rate, and every one stays within its bound', () => {
    console.log(
      ['check            | error           | corpus                               |     n |  rate  | bound  | e.g.',
        ...rates.map((r) => `${r.check.padEnd(16)} | ${r.kind.padEnd(15)} | ${r.corpus.padEnd(36)} | ${String(r.n).padStart(5)} | ${pct(r.rate)} | ${pct(r.bound)} | ${r.examples.join(', ')}`)].join('\n'),
    );
    for (const r of rates) expect(r.rate, `${r.check}, ${r.kind} on ${r.corpus}: ${r.examples.join(', ')}`).toBeLessThanOrEqual(r.bound);
  });

  it('lets the names that tripped the old checks through, and catches the junk they were meant for', () => {
    for (const name of ['Wertheim Logistik GmbH', 'Wertz', 'Doherty', 'Liberty Mutual']) expect(hasKeyboardMash(name), name).toBe(false);
    for (const typed of ['asdfgh', 'qwerty123', 'jjjjj', 'xcvbnm']) expect(hasKeyboardMash(typed), typed).toBe(true);
    for (const domain of ['gmx.de', 'gmx.net', 'web.de', 'outlook.de', 'hotmail.co.uk', 'yahoo.co.uk', 'yahoo.fr', 'orange.fr', 'libero.it', 't-online.de', 'mail.ru', 'yandex.ru']) {
      expect(free.has(domain), domain).toBe(true);
    }
  });
});

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(2).padStart(5)}%`;
}
