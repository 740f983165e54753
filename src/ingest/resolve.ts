import type { Place } from './gazetteer/place.js';
import type { IngestResources } from './resources.js';
import type { Mention, MentionKind, RoleMention } from './types.js';
import { TRANSIENT_ROLES } from './lexicon/en-people.js';

/**
 * Stage 4: mentions → entities. People are linked across mentions by surname
 * ("Ms Le Pen" → Marine Le Pen), by role description ("the Russian president"
 * → the person the text introduced as "Russian president Vladimir Putin") and
 * canonicalised through the persons gazetteer, which also resolves misspellings;
 * every spelling found is kept as an alias. Groups take their canonical name from
 * the alias table, places their gazetteer entry.
 */
export interface Entity {
  readonly key: string;
  readonly kind: MentionKind;
  /** Canonical name. */
  name: string;
  /** Every other name the text uses (spellings, short forms, acronyms). */
  readonly aliases: Set<string>;
  readonly roles: RoleMention[];
  readonly mentions: Mention[];
  place?: Place;
}

export interface ResolvedText {
  readonly entities: readonly Entity[];
  entityOf(mention: Mention): Entity | undefined;
  /** The country codes the text is about, most mentioned first. */
  readonly countries: readonly string[];
}

export function resolveEntities(mentions: readonly Mention[], resources: IngestResources): ResolvedText {
  const byMention = new Map<Mention, Entity>();
  const entities: Entity[] = [];
  const countries = countryRanking(mentions, resources);
  const hint = countries[0];
  const ordered = [...mentions].sort((a, b) => a.start - b.start);

  const keyed = new Map<string, Entity>();
  const entity = (kind: MentionKind, key: string, name: string): Entity => {
    const full = `${kind}:${key}`;
    let found = keyed.get(full);
    if (found === undefined) {
      found = { key: full, kind, name, aliases: new Set(), roles: [], mentions: [] };
      keyed.set(full, found);
      entities.push(found);
    }
    return found;
  };
  const attach = (target: Entity, mention: Mention): void => {
    target.mentions.push(mention);
    byMention.set(mention, target);
    if (mention.role !== undefined && !mention.nominal) addRole(target, mention.role);
  };

  const people: Entity[] = [];
  for (const mention of ordered) {
    if (mention.kind === 'person' && !mention.nominal) {
      const target = findPerson(people, mention.text) ?? newPerson(mention, entity, people);
      if (wordsOf(mention.text).length > wordsOf(target.name).length) {
        target.aliases.add(target.name);
        target.name = mention.text;
      } else if (mention.text !== target.name) {
        target.aliases.add(mention.text);
      }
      attach(target, mention);
      if (mention.honorific !== undefined && /^\p{Lu}\p{Ll}+$/u.test(mention.honorific) && mention.honorific.length > 3
        && !/^(mrs?|ms|miss|sir|dame|lord|lady|father)$/iu.test(mention.honorific)) {
        const before = mention.start - mention.honorific.length - 1;
        addRole(target, { text: mention.honorific, start: before, end: before + mention.honorific.length });
      }
    } else if (mention.kind === 'group') {
      const group = resources.resolveGroup(mention.text);
      const name = group?.name ?? mention.text;
      const target = entity('group', name.toLowerCase(), name);
      if (mention.text !== name) target.aliases.add(mention.text);
      attach(target, mention);
    } else if (mention.kind === 'place') {
      const place = resources.lookupPlace(mention.text, hint);
      const name = place?.name ?? mention.text;
      const target = entity('place', `${name.toLowerCase()}|${place?.countryCode ?? ''}`, name);
      if (place !== undefined) target.place = place;
      if (mention.text !== name) target.aliases.add(mention.text);
      attach(target, mention);
    } else if (mention.kind === 'organization') {
      const target = entity('organization', mention.text.toLowerCase().replace(/^the\s+/u, ''), mention.text);
      attach(target, mention);
    }
  }
  for (const mention of ordered) {
    if (!mention.nominal) continue;
    const target = personByRole(people, mention);
    if (target !== undefined) attach(target, mention);
  }
  const regions = [...new Set(entities.flatMap((e) => (e.place?.kind === 'region' ? [e.place.name] : e.place?.region !== undefined ? [e.place.region] : [])))];
  canonicalisePeople(people, resources, countries, regions);
  return { entities, entityOf: (mention) => byMention.get(mention), countries };
}

function wordsOf(name: string): string[] {
  return name.toLowerCase().split(/[\s]+/u).filter((w) => w !== '');
}

/** A person already seen whose name ends with (or is ended by) this one. */
function findPerson(people: readonly Entity[], text: string): Entity | undefined {
  const words = wordsOf(text);
  for (let i = people.length - 1; i >= 0; i -= 1) {
    const person = people[i] as Entity;
    for (const name of [person.name, ...person.aliases]) {
      const known = wordsOf(name);
      if (endsWith(known, words) || endsWith(words, known)) return person;
    }
  }
  return undefined;
}

function endsWith(longer: readonly string[], shorter: readonly string[]): boolean {
  if (shorter.length === 0 || shorter.length > longer.length) return false;
  const offset = longer.length - shorter.length;
  return shorter.every((word, i) => longer[offset + i] === word);
}

function newPerson(mention: Mention, entity: (kind: MentionKind, key: string, name: string) => Entity, people: Entity[]): Entity {
  const created = entity('person', `${mention.text.toLowerCase()}@${mention.start}`, mention.text);
  people.push(created);
  return created;
}

function addRole(target: Entity, role: RoleMention): void {
  const head = role.text.toLowerCase().split(/\s+/u).at(-1) ?? '';
  if (TRANSIENT_ROLES.has(head)) return;
  if (target.roles.some((known) => known.text.toLowerCase().includes(role.text.toLowerCase()))) return;
  target.roles.push(role);
}

/** "the Russian president": the person whose role has that head and those modifiers, preferring the latest before it. */
function personByRole(people: readonly Entity[], mention: Mention): Entity | undefined {
  const words = wordsOf(mention.role?.text ?? mention.text).filter((w) => w !== 'the');
  const head = words.at(-1);
  if (head === undefined) return undefined;
  const modifiers = words.slice(0, -1);
  const candidates = people.filter((person) => person.roles.some((role) => {
    const roleWords = wordsOf(role.text);
    return roleWords.includes(head) && modifiers.every((m) => roleWords.includes(m));
  }) && person.mentions.some((m) => m.start < mention.start));
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, person) => (lastBefore(person, mention.start) > lastBefore(best, mention.start) ? person : best));
}

function lastBefore(person: Entity, offset: number): number {
  return Math.max(...person.mentions.filter((m) => m.start < offset).map((m) => m.start), -1);
}

function canonicalisePeople(people: readonly Entity[], resources: IngestResources, countries: readonly string[], regions: readonly string[]): void {
  for (const person of people) {
    // A surname alone is too little evidence to name a person.
    if (wordsOf(person.name).length < 2) continue;
    const resolved = resources.resolvePerson?.(person.name, { countries, regions, roles: person.roles.map((r) => r.text) });
    if (resolved === undefined || resolved.name === person.name) continue;
    person.aliases.add(person.name);
    person.name = resolved.name;
  }
  for (const person of people) person.aliases.delete(person.name);
}

/** Countries by how often the text mentions them or places in them. */
function countryRanking(mentions: readonly Mention[], resources: IngestResources): string[] {
  const counts = new Map<string, number>();
  for (const mention of mentions) {
    if (mention.kind !== 'place') continue;
    const place = resources.lookupPlace(mention.text);
    if (place === undefined) continue;
    // A country named outright says more than a town that may have namesakes elsewhere.
    const weight = place.kind === 'country' ? 3 : place.kind === 'region' ? 2 : 1;
    counts.set(place.countryCode, (counts.get(place.countryCode) ?? 0) + weight);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code]) => code);
}
