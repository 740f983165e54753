import type { StoredTlp } from '../access/marking-policy.js';
import { markingRefsOf, type ObjectMarkings } from '../stix/marking-rule.js';
import type { StixObject } from '../stix/stix-object.js';
import { isTlpMarkingId } from '../stix/tlp.js';
import type { RuleFilters } from './partners.js';

/**
 * Whether an object passes a rule's filters. Each non-empty list must match:
 * `types` the object's type; `markings` the object's level from its markings
 * (`none` when they give none, `unknown` when one cannot be read) or one of
 * its marking-definition ids (object-level or granular); `labels` one of its
 * labels.
 *
 * `level` is the level the one marking rule (stix/marking-rule.ts, applied by
 * access/marking-resolution.ts) gives the object's markings, `none` when they
 * give none: a pull resolves it with the statements of the page and those
 * stored for the partner, a push reads the level it is stored at
 * (storedFilterLevel), so a statement beside TLP:GREEN is GREEN here as it is
 * stored.
 */
export function passesFilters(object: StixObject, filters: RuleFilters, level: StoredTlp): boolean {
  if (filters.types.length > 0 && !filters.types.includes(object.type)) return false;
  if (filters.markings.length > 0) {
    const refs = markingRefsOf(markingsOf(object));
    if (!filters.markings.includes(level) && !refs.some((ref) => filters.markings.includes(ref.toLowerCase()))) return false;
  }
  if (filters.labels.length > 0) {
    const labels = stringList(object.labels);
    if (!labels.some((label) => filters.labels.includes(label))) return false;
  }
  return true;
}

/**
 * The level a rule's `markings` filter judges for a stored object, as a pull
 * judged it when it was written: the level it is stored at, or `none` when
 * its markings gave none (it took its publisher's default: no TLP marking,
 * statements only). A ref that is neither TLP nor a statement known when the
 * object was written stored it `unknown`, which is kept. Undefined `stored`
 * (the row is gone since its page was read) is `unknown`.
 */
export function storedFilterLevel(object: StixObject, stored: StoredTlp | undefined): StoredTlp {
  if (stored === undefined) return 'unknown';
  if (stored === 'unknown' || markingRefsOf(markingsOf(object)).some(isTlpMarkingId)) return stored;
  return 'none';
}

function markingsOf(object: StixObject): ObjectMarkings {
  return { object_marking_refs: stringList(object.object_marking_refs), granular_markings: object.granular_markings };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
