/**
 * Seniority and department read from a free-text job title, in English and the common German,
 * French and Spanish forms: "VP Marketing" → vp / marketing, "Leiter Vertrieb" → director /
 * sales, "Estudiante" → student. The values are the facts catalogue's (lead.seniority,
 * lead.department). A heuristic, tested on a list of real-looking titles (job-title.test.ts).
 */

/** Seniority values, highest first; `staff` is any title that names no rank. */
export const SENIORITIES = ['c_level', 'vp', 'director', 'manager', 'staff', 'student'] as const;
export type Seniority = (typeof SENIORITIES)[number];

export const DEPARTMENTS = [
  'executive', 'sales', 'marketing', 'engineering', 'product', 'finance', 'hr', 'operations', 'support', 'legal', 'procurement',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

/**
 * The seniority a title names, or undefined for an empty title. A title that names no rank
 * ("Software Engineer", "Berater") reads as `staff`.
 */
export function seniorityOf(title: string): Seniority | undefined {
  const words = titleWords(title);
  if (words.trim() === '') return undefined;
  for (const [seniority, pattern] of SENIORITY_PATTERNS) if (pattern.test(words)) return seniority;
  return 'staff';
}

/** The department a title names ("Head of Growth" → marketing), or undefined when it names none. */
export function departmentOf(title: string): Department | undefined {
  const words = titleWords(title);
  let best: { department: Department; at: number } | undefined;
  // The first department word in the title wins: "Sales & Marketing Director" is sales.
  for (const [department, pattern] of DEPARTMENT_PATTERNS) {
    const at = words.search(pattern);
    if (at >= 0 && (!best || at < best.at)) best = { department, at };
  }
  return best?.department;
}

/**
 * A title as lower-case words without accents or punctuation, padded with spaces:
 * "Vice-Président, Ventes" → " vp ventes ". Compound words stay whole.
 */
export function titleWords(title: string): string {
  const plain = title
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    // A vice president is a VP in every language, and never a president.
    .replace(/\bvi[cz]e ?pr[ae]sident(?:e|a|in)?\b/g, 'vp');
  return ` ${plain} `;
}

/** Whole words (or word stems) in `titleWords` form: `w('vp|svp')` matches " vp " or " svp ". */
const w = (alternatives: string) => new RegExp(` (?:${alternatives}) `);

// Tried in order: an assistant to the CEO is staff, a vice president is not a president, a
// team lead is a manager before "leiter" makes anyone a director, and "Student Recruitment
// Manager" is a manager.
const SENIORITY_PATTERNS: ReadonlyArray<readonly [Seniority, RegExp]> = [
  ['staff', / (?:assistant|assistent|assistentin|assistenz|assistante|asistente) (?:to|of|der|des|de|del|della) |(?:executive|personal) assistant | (?:product|process) owner /],
  ['vp', w('vp|svp|evp|avp')],
  [
    'c_level',
    w(
      [
        'ceo|cfo|cto|coo|cmo|cio|cro|cso|cpo|cdo|cco|cxo|chief|c level|c suite|c levels',
        'president|presidente|presidenta|prasident|prasidentin|pdg',
        'founder|co founder|cofounder|owner|co owner|managing director|managing partner|general manager',
        'geschaftsfuhrer|geschaftsfuhrerin|geschaeftsfuehrer|geschaeftsfuehrerin|geschaftsfuhrung|geschaftsleitung|inhaber|inhaberin|vorstand|vorstandin|vorstandsvorsitzender|vorstandsvorsitzende|grunder|grunderin|gruender|gruenderin|mitgrunder|mitgrunderin',
        'directeur general|directrice generale|fondateur|fondatrice|cofondateur|cofondatrice|co fondateur|co fondatrice|gerant|gerante|proprietaire',
        'director general|directora general|director ejecutivo|directora ejecutiva|gerente general|consejero delegado|consejera delegada|fundador|fundadora|cofundador|cofundadora|propietario|propietaria|dueno|duena',
      ].join('|'),
    ),
  ],
  ['manager', w('teamleiter|teamleiterin|gruppenleiter|gruppenleiterin|projektleiter|projektleiterin|schichtleiter|schichtleiterin|team lead|team leader|tech lead')],
  [
    'director',
    w(
      [
        'director|directora|directeur|directrice|direktor|direktorin|head|heads|prokurist|prokuristin',
        'leiter|leiterin|[a-z]+leiter|[a-z]+leiterin|leitung|[a-z]+leitung',
        'jefe de departamento|jefa de departamento|responsable de departamento',
      ].join('|'),
    ),
  ],
  ['manager', w('manager|managerin|mgr|gerente|jefe|jefa|responsable|chef|supervisor|supervisora|encargado|encargada|abteilungsmanager')],
  [
    'student',
    w(
      [
        'student|students|studentin|studentische|werkstudent|werkstudentin|intern|interns|internship|praktikant|praktikantin|praktikum|azubi|auszubildender|auszubildende|apprentice|trainee|phd candidate|doktorand|doktorandin',
        'etudiant|etudiante|stagiaire|alternant|alternante|apprenti|apprentie',
        'estudiante|becario|becaria|practicante|pasante|en practicas',
      ].join('|'),
    ),
  ],
];

const DEPARTMENT_PATTERNS: ReadonlyArray<readonly [Department, RegExp]> = [
  [
    'executive',
    w('ceo|founder|co founder|cofounder|owner|managing director|general manager|president|geschaftsfuhrer|geschaftsfuhrerin|geschaeftsfuehrer|geschaftsfuhrung|geschaftsleitung|inhaber|inhaberin|vorstand|grunder|grunderin|directeur general|directrice generale|pdg|fondateur|fondatrice|gerant|gerante|director general|directora general|gerente general|consejero delegado|fundador|fundadora'),
  ],
  [
    'sales',
    w('sales|vertrieb|vertriebs|vertriebsleiter|vertriebsleiterin|verkauf|verkaufer|verkauferin|vertriebsmitarbeiter|commercial|commerciale|commerciaux|ventes|vente|ventas|comercial|business development|bizdev|bdr|sdr|account executive|account manager|key account|vendeur|vendeuse|vendedor|vendedora|cro'),
  ],
  [
    'marketing',
    w('marketing|marketingleiter|marketingleiterin|growth|brand|demand generation|demand gen|seo|sem|content|communications|communication|kommunikation|pr|public relations|mercadotecnia|comunicacion|cmo'),
  ],
  [
    'engineering',
    w('engineer|engineering|developer|development|software|it|cto|cio|technology|technical|tech|devops|data|entwicklung|entwickler|entwicklerin|softwareentwickler|informatik|informatiker|ingenieur|ingenieurin|technik|ingenieure|informatique|technique|developpeur|developpeuse|desarrollador|desarrolladora|desarrollo|ingeniero|ingeniera|tecnologia|sistemas'),
  ],
  ['product', w('product|products|produkt|produktmanager|produktmanagerin|produit|produits|producto|productos|cpo')],
  [
    'finance',
    w('finance|financial|cfo|accounting|accountant|controller|controlling|treasury|buchhaltung|buchhalter|buchhalterin|finanzen|finanz|comptable|comptabilite|finances|financier|financiere|finanzas|contabilidad|contable|tesoreria'),
  ],
  [
    'hr',
    w('hr|human resources|people|talent|recruiting|recruiter|recruitment|personalleiter|personalreferent|personalreferentin|personalabteilung|personalleiterin|personalwesen|rh|ressources humaines|recursos humanos|rrhh|chro'),
  ],
  ['operations', w('operations|operation|ops|coo|logistics|logistik|supply chain|betrieb|operaciones|logistica|logistique|exploitation')],
  ['support', w('customer success|support|customer service|kundenservice|kundendienst|service client|atencion al cliente|soporte')],
  ['legal', w('legal|counsel|lawyer|attorney|recht|rechtsabteilung|justitiar|justiziar|juridique|juriste|juridico|abogado|abogada')],
  ['procurement', w('procurement|purchasing|buyer|einkauf|einkaufer|einkauferin|achats|acheteur|acheteuse|compras|comprador|compradora')],
];
