import type { StixObject } from '../stix/stix-object.js';
import { tlpLevelOf } from '../stix/tlp.js';
import type { RuleFilters } from './partners.js';

/**
 * Whether an object passes a rule's filters. Each non-empty list must match:
 * `types` the object's type; `markings` the object's TLP level (`none` when it
 * carries no marking, `unknown` when a marking is not TLP) or one of its
 * marking-definition ids; `labels` one of its labels.
 */
export function passesFilters(object: StixObject, filters: RuleFilters): boolean {
  if (filters.types.length > 0 && !filters.types.includes(object.type)) return false;
  if (filters.markings.length > 0) {
    const refs = stringList(object.object_marking_refs);
    const level = tlpLevelOf(refs) ?? 'none';
    if (!filters.markings.includes(level) && !refs.some((ref) => filters.markings.includes(ref.toLowerCase()))) return false;
  }
  if (filters.labels.length > 0) {
    const labels = stringList(object.labels);
    if (!labels.some((label) => filters.labels.includes(label))) return false;
  }
  return true;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
