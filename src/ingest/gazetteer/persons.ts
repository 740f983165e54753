/**
 * Well-known people of terrorism reporting (data/persons.json): officials,
 * heads of state and government, regional heads and group leaders, with their
 * spellings, transliterations and roles. A misspelt given name is resolved
 * only when the surname is known and the text's context (country, region)
 * agrees with the person's; the spelling found is returned as an alias.
 */
import { readDataFile } from './data-files.js';
import { editDistance } from './edit-distance.js';
import { nameKey } from './normalize.js';

export interface PersonRole {
  title: string;
  countryCode: string;
  from?: string;
  to?: string;
}

export interface PersonRecord {
  canonical: string;
  given: string;
  surname: string;
  givenVariants?: string[];
  surnameVariants?: string[];
  /** Other full names: titles, nicknames, former names. */
  aliases?: string[];
  /** Names in the person's own script (Рамзан Кадыров). */
  nativeNames?: string[];
  roles: PersonRole[];
  countries: string[];
  regions?: string[];
  /** The surname alone names many people (Khan, Sharif, May): never resolve it without a given name. */
  ambiguousSurname?: boolean;
  sources: { wikipedia: string };
}

export interface PersonContext {
  /** ISO 3166-1 alpha-2 codes of the countries the text is about. */
  countryCodes?: string[];
  /** Names of the regions the text mentions (Chechnya). */
  regions?: string[];
}

export type PersonMatchReason = 'name' | 'alias' | 'surname' | 'initial' | 'given-name-edit' | 'surname-edit';

export interface PersonMatch {
  canonical: string;
  /** The spelling found, to keep as an alias of the person. */
  alias: string;
  /** 0–1: how sure the match is. */
  confidence: number;
  reason: PersonMatchReason;
  person: PersonRecord;
}

interface PersonIndex {
  all: PersonRecord[];
  byFullName: Map<string, Array<{ person: PersonRecord; reason: 'name' | 'alias' }>>;
  bySurname: Map<string, PersonRecord[]>;
}

let index: PersonIndex | undefined;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function surnameKeys(person: PersonRecord): string[] {
  const native = (person.nativeNames ?? []).map((name) => nameKey(name).split(' ').at(-1) ?? '');
  return [person.surname, ...(person.surnameVariants ?? [])].map(nameKey).concat(native).filter((key) => key.length > 0);
}

function givenKeys(person: PersonRecord): string[] {
  return [person.given, ...(person.givenVariants ?? [])].map(nameKey);
}

function buildIndex(): PersonIndex {
  const { persons } = readDataFile<{ persons: PersonRecord[] }>('persons.json');
  const byFullName = new Map<string, Array<{ person: PersonRecord; reason: 'name' | 'alias' }>>();
  const bySurname = new Map<string, PersonRecord[]>();
  for (const person of persons) {
    const byName = byFullName.get(nameKey(person.canonical)) ?? [];
    byName.push({ person, reason: 'name' });
    byFullName.set(nameKey(person.canonical), byName);
    for (const alias of [...(person.aliases ?? []), ...(person.nativeNames ?? [])]) {
      push(byFullName, nameKey(alias), { person, reason: 'alias' });
    }
    for (const surname of surnameKeys(person)) push(bySurname, surname, person);
  }
  return { all: persons, byFullName, bySurname };
}

function personIndex(): PersonIndex {
  index ??= buildIndex();
  return index;
}

function agrees(person: PersonRecord, context: PersonContext): boolean {
  const countries = new Set(context.countryCodes?.map((code) => code.toUpperCase()));
  const regions = new Set(context.regions?.map(nameKey));
  return person.countries.some((code) => countries.has(code)) || (person.regions ?? []).some((region) => regions.has(nameKey(region)));
}

function hasContext(context: PersonContext): boolean {
  return (context.countryCodes?.length ?? 0) + (context.regions?.length ?? 0) > 0;
}

/** Edits tolerated in a given name of this length: none for short names, one or two for longer ones. */
function tolerance(length: number): number {
  if (length <= 3) return 0;
  return length <= 5 ? 1 : 2;
}

interface Candidate {
  person: PersonRecord;
  confidence: number;
  reason: PersonMatchReason;
}

function scoreGiven(person: PersonRecord, given: string, context: PersonContext): Candidate | undefined {
  const keys = givenKeys(person);
  if (keys.includes(given)) return { person, confidence: 0.97, reason: 'name' };
  if (/^[a-z]$/.test(given.replace(/\s/g, '')) && keys.some((key) => key.startsWith(given))) {
    return { person, confidence: agrees(person, context) ? 0.9 : 0.75, reason: 'initial' };
  }
  const distance = Math.min(...keys.map((key) => editDistance(key, given)));
  if (distance > tolerance(given.length) || !agrees(person, context)) return undefined;
  return { person, confidence: distance === 1 ? 0.85 : 0.7, reason: 'given-name-edit' };
}

/**
 * "Ramzan Kadyrof": the given name exact, the surname a short edit away, and
 * the context agreeing. Checked only when nothing else matched.
 */
function misspeltSurname(key: string, context: PersonContext): Candidate[] {
  const found: Candidate[] = [];
  for (const person of personIndex().all) {
    if (!agrees(person, context)) continue;
    for (const given of givenKeys(person)) {
      if (!key.startsWith(`${given} `)) continue;
      const surname = key.slice(given.length + 1);
      const distance = Math.min(...surnameKeys(person).map((known) => editDistance(known, surname)));
      if (distance > 0 && distance <= tolerance(surname.length)) found.push({ person, confidence: distance === 1 ? 0.8 : 0.7, reason: 'surname-edit' });
    }
  }
  return found;
}

function best(candidates: Candidate[], context: PersonContext): Candidate | undefined {
  const agreeing = hasContext(context) ? candidates.filter((c) => agrees(c.person, context)) : candidates;
  const pool = agreeing.length > 0 ? agreeing : candidates;
  const top = Math.max(...pool.map((c) => c.confidence));
  const leaders = pool.filter((c) => c.confidence === top);
  if (leaders.length === 1) return leaders[0];
  if (!hasContext(context)) return undefined;
  // Two Kadyrovs fit: the one still in office is the one the news names.
  const current = leaders.filter((c) => c.person.roles.some((role) => role.to === undefined));
  return current.length === 1 ? current[0] : undefined;
}

/**
 * The known person a name in a text denotes, or undefined: "Ramzan Kadyrov",
 * "Кадыров", "Kadyrow" directly; "Razman Kadyrov" only where the context names
 * Russia or Chechnya; "Kadyrov" alone when one known Kadyrov fits the context.
 */
export function resolvePerson(name: string, context: PersonContext = {}): PersonMatch | undefined {
  const { byFullName, bySurname } = personIndex();
  const key = nameKey(name.replace(/\./g, ' '));
  if (!key) return undefined;
  const exact = byFullName.get(key) ?? [];
  const candidates: Candidate[] = exact.map(({ person, reason }) => ({ person, confidence: reason === 'name' ? 1 : 0.95, reason }));
  if (candidates.length === 0) {
    const words = key.split(' ');
    for (let split = 0; split < words.length; split++) {
      const surname = words.slice(split).join(' ');
      const given = words.slice(0, split).join(' ');
      for (const person of bySurname.get(surname) ?? []) {
        if (given === '') {
          if (person.ambiguousSurname) continue;
          const fits = agrees(person, context);
          candidates.push({ person, confidence: fits ? 0.8 : 0.6, reason: 'surname' });
        } else {
          const scored = scoreGiven(person, given, context);
          if (scored) candidates.push(scored);
        }
      }
    }
  }
  if (candidates.length === 0) candidates.push(...misspeltSurname(key, context));
  const chosen = best(candidates, context);
  if (!chosen) return undefined;
  return { canonical: chosen.person.canonical, alias: name.trim(), confidence: chosen.confidence, reason: chosen.reason, person: chosen.person };
}
