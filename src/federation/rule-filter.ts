import type { StoredTlp } from '../access/marking-policy.js';
import { markingRefsOf, markingsLevel } from '../stix/marking-rule.js';
import type { StixObject } from '../stix/stix-object.js';
import type { RuleFilters } from './partners.js';

/**
 * Whether an object passes a rule's filters. Each non-empty list must match:
 * `types` the object's type; `markings` the object's level from its markings
 * (`none` when they give none, `unknown` when one cannot be read) or one of
 * its marking-definition ids (object-level or granular); `labels` one of its
 * labels.
 *
 * `level` is the level the one marking rule (access/marking-resolution.ts)
 * gives the object's markings, `none` when they give none: a pull resolves
 * it with the statements of the page and those stored for the partner, so a
 * statement beside TLP:GREEN is GREEN here as it is stored. Without one (a
 * push reads stored objects without their level), the markings are read alone
 * by the same rule (stix/marking-rule.ts), knowing no statement and no
 * default: every ref that is not TLP makes the object `unknown`, and granular
 * markings alone give the level of an object without object-level ones.
 */
export function passesFilters(object: StixObject, filters: RuleFilters, level?: StoredTlp): boolean {
  if (filters.types.length > 0 && !filters.types.includes(object.type)) return false;
  if (filters.markings.length > 0) {
    const markings = { object_marking_refs: stringList(object.object_marking_refs), granular_markings: object.granular_markings };
    const refs = markingRefsOf(markings);
    // CLEAR, the least restrictive, as the unmarked level: granular markings are then the level, tightening no default.
    const named = level ?? markingsLevel(markings, NO_STATEMENTS, () => 'clear') ?? 'none';
    if (!filters.markings.includes(named) && !refs.some((ref) => filters.markings.includes(ref.toLowerCase()))) return false;
  }
  if (filters.labels.length > 0) {
    const labels = stringList(object.labels);
    if (!labels.some((label) => filters.labels.includes(label))) return false;
  }
  return true;
}

const NO_STATEMENTS: ReadonlySet<string> = new Set();

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
