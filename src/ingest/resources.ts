import type { Place } from './gazetteer/place.js';

/**
 * What the pipeline stages need from the models and gazetteers, as a small
 * interface so that each stage depends on what it uses rather than on the
 * modules that load data (see load-resources.ts for the real bindings).
 */
export interface IngestResources {
  /** Named entities in one tokenised sentence (CoNLL-2003 types); absent when no model is installed. */
  readonly recognise?: (tokens: readonly string[]) => readonly { type: 'PER' | 'LOC' | 'ORG' | 'MISC'; start: number; end: number }[];
  /** The most likely place of that name, preferring `countryHint`. */
  lookupPlace(name: string, countryHint?: string): Place | undefined;
  /** ISO 3166-1 alpha-2 of the country a demonym or adjective refers to ("Russian" → RU). */
  countryOfDemonym(word: string): string | undefined;
  /** Canonical form of a person's name, when the gazetteer knows the person (misspellings resolved); absent without a persons gazetteer. */
  readonly resolvePerson?: (name: string, context: PersonContext) => ResolvedPerson | undefined;
  /** Canonical group for an alias ("ISIS" → Islamic State). */
  resolveGroup(text: string): ResolvedGroup | undefined;
  /** Every group alias in a text, as character spans. */
  findGroupMentions(text: string): readonly GroupSpan[];
}

export interface PersonContext {
  /** Countries the text mentions, ISO 3166-1 alpha-2, most mentioned first. */
  readonly countries: readonly string[];
  /** First-level regions the text mentions (Chechnya). */
  readonly regions: readonly string[];
  /** Roles the text gives the person. */
  readonly roles: readonly string[];
}

export interface ResolvedPerson {
  readonly name: string;
  readonly aliases: readonly string[];
}

export interface ResolvedGroup {
  readonly name: string;
  readonly aliases: readonly string[];
}

export interface GroupSpan {
  readonly start: number;
  readonly end: number;
  readonly group: ResolvedGroup;
}
