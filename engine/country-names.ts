/**
 * Country names as CRMs write them ("Germany", "Deutschland", "Allemagne", "DEU", "U.S.A.")
 * read as ISO 3166 alpha-2 codes, the facts catalogue's `lead.country`. A fixed table rather
 * than the runtime's Intl data: ICU renames countries between versions ("Turkey" became
 * "Türkiye"), and the lifecycle core must read a lead the same way on every worker.
 */

/**
 * The ISO code of a country name or code in English, German, French or Spanish, or undefined
 * when the table does not know it. Two-letter codes are taken as codes, in any case.
 */
export function countryCodeOf(text: string): string | undefined {
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(?:the|la|le|les|el|los|las|die|der) /, '');
  if (/^[a-z]{2}$/.test(words)) return words === 'uk' ? 'GB' : words.toUpperCase();
  return BY_NAME.get(words) ?? BY_NAME.get(words.replace(/ /g, ''));
}

// Code: its names, folded (lower case, no accents or punctuation), "|"-separated.
const COUNTRIES: Readonly<Record<string, string>> = {
  US: 'united states|united states of america|usa|u s a|u s|america|vereinigte staaten|vereinigte staaten von amerika|etats unis|etats unis d amerique|estados unidos|eeuu|ee uu',
  CA: 'canada|kanada|can',
  MX: 'mexico|mexiko|mexique|mex',
  BR: 'brazil|brasilien|bresil|brasil|bra',
  AR: 'argentina|argentinien|argentine|arg',
  CL: 'chile|chili|chl',
  CO: 'colombia|kolumbien|colombie|col',
  GB: 'united kingdom|great britain|britain|england|scotland|wales|northern ireland|gbr|vereinigtes konigreich|grossbritannien|england|royaume uni|grande bretagne|angleterre|reino unido|gran bretana|inglaterra',
  IE: 'ireland|republic of ireland|irland|irlande|irlanda|irl|eire',
  DE: 'germany|deutschland|allemagne|alemania|deu|ger|brd',
  AT: 'austria|osterreich|oesterreich|autriche|aut',
  CH: 'switzerland|schweiz|suisse|suiza|svizzera|che',
  FR: 'france|frankreich|francia|fra',
  BE: 'belgium|belgien|belgique|belgica|bel',
  NL: 'netherlands|holland|niederlande|pays bas|paises bajos|holanda|nld',
  LU: 'luxembourg|luxemburg|luxemburgo|lux',
  ES: 'spain|spanien|espagne|espana|esp',
  PT: 'portugal|prt',
  IT: 'italy|italien|italie|italia|ita',
  DK: 'denmark|danemark|dinamarca|dnk',
  SE: 'sweden|schweden|suede|suecia|swe',
  NO: 'norway|norwegen|norvege|noruega|nor',
  FI: 'finland|finnland|finlande|finlandia|fin',
  IS: 'iceland|island|islande|islandia|isl',
  PL: 'poland|polen|pologne|polonia|pol',
  CZ: 'czechia|czech republic|tschechien|tschechische republik|tchequie|republique tcheque|chequia|republica checa|cze',
  SK: 'slovakia|slowakei|slovaquie|eslovaquia|svk',
  HU: 'hungary|ungarn|hongrie|hungria|hun',
  RO: 'romania|rumanien|roumanie|rou',
  BG: 'bulgaria|bulgarien|bulgarie|bgr',
  GR: 'greece|griechenland|grece|grecia|grc',
  HR: 'croatia|kroatien|croatie|croacia|hrv',
  SI: 'slovenia|slowenien|slovenie|eslovenia|svn',
  RS: 'serbia|serbien|serbie|srb',
  EE: 'estonia|estland|estonie|est',
  LV: 'latvia|lettland|lettonie|letonia|lva',
  LT: 'lithuania|litauen|lituanie|lituania|ltu',
  UA: 'ukraine|ucrania|ukr',
  RU: 'russia|russian federation|russland|russie|rusia|rus',
  TR: 'turkey|turkiye|turkei|turquie|turquia|tur',
  IL: 'israel|isr',
  AE: 'united arab emirates|uae|emirates|vereinigte arabische emirate|emirats arabes unis|emiratos arabes unidos|are',
  SA: 'saudi arabia|saudi arabien|arabie saoudite|arabia saudita|sau',
  EG: 'egypt|agypten|egypte|egipto|egy',
  ZA: 'south africa|sudafrika|afrique du sud|sudafrica|zaf',
  NG: 'nigeria|nga',
  KE: 'kenya|kenia|ken',
  IN: 'india|indien|inde|ind',
  CN: 'china|volksrepublik china|chine|chn|prc',
  HK: 'hong kong|hongkong|hkg',
  TW: 'taiwan|twn',
  JP: 'japan|japon|jpn',
  KR: 'south korea|korea|republic of korea|sudkorea|coree du sud|corea del sur|kor',
  SG: 'singapore|singapur|singapour|sgp',
  MY: 'malaysia|malaisie|malasia|mys',
  ID: 'indonesia|indonesien|indonesie|idn',
  TH: 'thailand|thailande|tailandia|tha',
  VN: 'vietnam|viet nam|vnm',
  PH: 'philippines|philippinen|filipinas|phl',
  AU: 'australia|australien|australie|aus',
  NZ: 'new zealand|neuseeland|nouvelle zelande|nueva zelanda|nzl',
};

const BY_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(COUNTRIES).flatMap(([code, names]) => names.split('|').flatMap((name) => [[name, code] as const, [name.replace(/ /g, ''), code] as const])),
);
