import { containsPoint } from './geo.js';
import type { NamedFeature, PlaceFeature, Subject } from './subjects.js';
import type { NamedTerm, WatchTerms } from './watchlist-input.js';

/**
 * Whether a subject matches a watchlist: every dimension the watchlist gives
 * (groups, persons, places, attack types) must match, by any of its values.
 * `visible` keeps only the features resting entirely on rows the user may
 * see (decided in SQL by the follower): rows of the subject's collection by
 * date_added, rows of other collections (`elsewhere`) by subjects.ts
 * elsewhereKey; without it every feature counts. Returns the reasons
 * ("group: Islamic State"), or undefined.
 */
export function matchSubject(terms: WatchTerms, subject: Subject, visible?: ReadonlySet<number>, visibleElsewhere?: ReadonlySet<string>): string[] | undefined {
  const seen = <F extends { rows: readonly number[]; elsewhere?: readonly string[] }>(features: readonly F[]): F[] =>
    visible === undefined
      ? [...features]
      : features.filter((f) => f.rows.every((row) => visible.has(row)) && (f.elsewhere ?? []).every((key) => visibleElsewhere?.has(key) === true));
  if (visible !== undefined && !visible.has(subject.row.dateAdded)) return undefined;
  const reasons: string[] = [];
  if (terms.groups !== undefined) {
    const hit = firstNamed(terms.groups, seen(subject.groups));
    if (hit === undefined) return undefined;
    reasons.push(`group: ${hit}`);
  }
  if (terms.persons !== undefined) {
    const hit = firstNamed(terms.persons, seen(subject.persons));
    if (hit === undefined) return undefined;
    reasons.push(`person: ${hit}`);
  }
  if (terms.places !== undefined) {
    const hit = firstPlace(terms.places, seen(subject.places));
    if (hit === undefined) return undefined;
    reasons.push(`place: ${hit}`);
  }
  if (terms.attackTypes !== undefined) {
    const hit = terms.attackTypes.find((type) => subject.attackTypes.includes(type));
    if (hit === undefined) return undefined;
    reasons.push(`attack type: ${hit}`);
  }
  return reasons;
}

/** The followed term a feature matches, as the user named it (never a name read from a row they may not see). */
function firstNamed(terms: readonly NamedTerm[], features: readonly NamedFeature[]): string | undefined {
  for (const feature of features) {
    const term = terms.find((t) => t.ids.includes(feature.id) || feature.names.some((name) => t.names.includes(name)));
    if (term !== undefined) return term.label;
  }
  return undefined;
}

function firstPlace(terms: NonNullable<WatchTerms['places']>, features: readonly PlaceFeature[]): string | undefined {
  for (const feature of features) {
    if (feature.country !== undefined && terms.countries.includes(feature.country)) return `${feature.label} (${feature.country})`;
    if (feature.regions.some((region) => terms.regions.includes(region))) return feature.label;
    if (terms.area !== undefined && feature.lat !== undefined && feature.lon !== undefined && containsPoint(terms.area, feature.lon, feature.lat)) {
      return `${feature.label} (in the drawn area)`;
    }
  }
  return undefined;
}
