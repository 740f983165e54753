import { levelsInWrite } from '../../access/marking-resolution.js';
import type { StixObject } from '../../stix/stix-object.js';
import { microsToTimestamp } from '../../stix/timestamp.js';
import { validateObject } from '../../stix/validate.js';
import type { IncomingObject, StatusDetail } from '../../store/object-store.js';
import type { RawEnvelopeElement } from './raw-envelope.js';

export interface SortedObjects {
  /** Valid objects, in envelope order, with their exact JSON text. */
  readonly accepted: IncomingObject[];
  /** TAXII 2.1 §4.3.1 status-details of the objects refused, each saying why. */
  readonly failures: StatusDetail[];
}

/**
 * Splits the objects of an Add Objects envelope (TAXII 2.1 §5.5) into those to
 * store and those refused. Every object is checked by the STIX 2.1 validator;
 * a refused object is named (its id, or its position when it has none) with
 * the validator's reasons, and does not stop the valid ones beside it. Each
 * level is what the markings give with the marking-definitions of the
 * envelope (access/marking-resolution.ts); the publisher resolves a level
 * left unknown with the stored ones too.
 */
export function sortIncomingObjects(elements: readonly RawEnvelopeElement[], requestTimestamp: number): SortedObjects {
  const accepted: IncomingObject[] = [];
  const failures: StatusDetail[] = [];
  const valid: { object: StixObject; json: string }[] = [];
  elements.forEach((element, index) => {
    const problems = validateObject(element.value);
    if (problems.length === 0) {
      valid.push({ object: element.value as StixObject, json: element.json });
      return;
    }
    // The validator's messages continue their property ("created is required"); "(object)" marks the object itself.
    const reasons = problems.map((p) => (p.property.startsWith('(') ? p.message : `${p.property} ${p.message}`)).join('; ');
    failures.push({
      id: stringProperty(element.value, 'id') ?? `objects[${index}]`,
      version: stringProperty(element.value, 'modified') ?? stringProperty(element.value, 'created') ?? microsToTimestamp(requestTimestamp),
      message: `objects[${index}] is not valid STIX 2.1: ${reasons}`,
    });
  });
  const levels = levelsInWrite(valid.map(({ object }) => object));
  valid.forEach(({ object, json }, i) => accepted.push({ object, json, tlp: levels[i] ?? 'none' }));
  return { accepted, failures };
}

function stringProperty(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const property = (value as Record<string, unknown>)[name];
  return typeof property === 'string' ? property : undefined;
}
