import { existsSync } from 'node:fs';
import { resolvePerson } from './gazetteer/persons.js';
import { findCountryByDemonym, lookupPlace, warmUpGazetteer } from './gazetteer/places.js';
import { findGroupMentions, resolveGroup } from './groups/groups.js';
import { DEFAULT_MODEL_PATH, loadRecogniser } from './ner/recogniser.js';
import type { IngestResources, ResolvedGroup } from './resources.js';
import type { Language } from './types.js';

/**
 * Binds the pipeline to the shipped models and gazetteers, once per language.
 * Tables load lazily inside the gazetteer modules; `warm` loads them now (for
 * servers and benchmarks that want a predictable first call). The recogniser is
 * used when its model file is installed; without it, names come from
 * capitalisation and the gazetteers.
 */
const cache = new Map<Language, IngestResources>();
const MIN_PERSON_CONFIDENCE = 0.7;
const MEMO_LIMIT = 50_000;

export function loadResources(language: Language, options: { warm?: boolean; modelPath?: string } = {}): IngestResources {
  let resources = cache.get(language);
  if (resources === undefined) {
    resources = bind(options.modelPath);
    cache.set(language, resources);
  }
  if (options.warm === true) {
    warmUpGazetteer();
    resources.resolveGroup('Islamic State');
  }
  return resources;
}

/** Remembers answers for names seen before; names recur across reports, and the tables never change. */
function memo<T>(compute: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as T;
    if (answers.size >= MEMO_LIMIT) answers.clear();
    const value = compute(key);
    answers.set(key, value);
    return value;
  };
}

function bind(modelPath: string | undefined): IngestResources {
  const path = modelPath ?? DEFAULT_MODEL_PATH;
  const recogniser = existsSync(path) ? loadRecogniser(path) : undefined;
  const asGroup = (canonical: string): ResolvedGroup => ({ name: canonical, aliases: [] });
  const place = memo((key) => {
    const [name = '', countryHint] = key.split('\u0000');
    const context = countryHint !== undefined && countryHint !== '' ? { countryHint } : {};
    // "St Petersburg", "St. Louis": gazetteers spell the saint out.
    return lookupPlace(name, context)[0] ?? (/^St\.?\s/u.test(name) ? lookupPlace(name.replace(/^St\.?\s/u, 'Saint '), context)[0] : undefined);
  });
  const group = memo((text) => {
    const match = resolveGroup(text);
    return match === undefined ? undefined : asGroup(match.canonical);
  });
  const demonym = memo((word) => findCountryByDemonym(word));
  const person = memo((key) => {
    const [name = '', countries = '', regions = ''] = key.split('\u0000');
    const match = resolvePerson(name, { countryCodes: countries.split(',').filter(Boolean), regions: regions.split(',').filter(Boolean) });
    // Below this the gazetteer is guessing from a surname or a distant spelling.
    return match !== undefined && match.confidence >= MIN_PERSON_CONFIDENCE ? { name: match.canonical, aliases: match.person.aliases ?? [] } : undefined;
  });
  return {
    ...(recogniser !== undefined ? { recognise: (tokens: readonly string[]) => recogniser.recognise(tokens) } : {}),
    lookupPlace: (name, countryHint) => place(`${name}\u0000${countryHint ?? ''}`),
    countryOfDemonym: demonym,
    resolvePerson: (name, context) => person(`${name}\u0000${context.countries.join(',')}\u0000${context.regions.join(',')}`),
    resolveGroup: group,
    findGroupMentions: (text) => findGroupMentions(text).map((m) => ({ start: m.start, end: m.end, group: asGroup(m.canonical) })),
  };
}
