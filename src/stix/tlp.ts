import type { StixObject } from './stix-object.js';

/**
 * Traffic Light Protocol markings. TLP 2.0 marking-definitions are the five
 * objects OASIS publishes in cti-stix-common-objects (extension
 * `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`); TLP 1.0 ids
 * (STIX 2.1 §7.2.1.4) are accepted on input and mapped to the 2.0 levels
 * (WHITE → clear).
 */

export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** From least to most restrictive. */
export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP2_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** STIX 2.1 §7.2.1.4 TLP 1.0 marking ids. */
export const TLP1_MARKING_IDS = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

/**
 * OpenCTI marks TLP:AMBER+STRICT with its own id (TLP 1.0 had no such level);
 * objects from OpenCTI carry it, so it is read as amber+strict.
 */
export const OPENCTI_AMBER_STRICT_ID = 'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37';

export interface TlpMarkingDefinition extends StixObject {
  readonly type: 'marking-definition';
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: string;
  readonly name: string;
}

const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

function tlp2(level: TlpLevel): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[level],
    created: TLP2_CREATED,
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

function tlp1(colour: keyof typeof TLP1_MARKING_IDS): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP1_MARKING_IDS[colour],
    created: TLP1_CREATED,
    definition_type: 'tlp',
    name: `TLP:${colour.toUpperCase()}`,
    definition: { tlp: colour },
  };
}

/** The five TLP 2.0 marking-definition objects as OASIS publishes them. */
export const TLP2_MARKINGS: Readonly<Record<TlpLevel, TlpMarkingDefinition>> = {
  clear: tlp2('clear'),
  green: tlp2('green'),
  amber: tlp2('amber'),
  'amber+strict': tlp2('amber+strict'),
  red: tlp2('red'),
};

/** The four TLP 1.0 marking-definition objects of STIX 2.1 §7.2.1.4. */
export const TLP1_MARKINGS: readonly TlpMarkingDefinition[] = [tlp1('white'), tlp1('green'), tlp1('amber'), tlp1('red')];

const LEVEL_BY_ID: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level): [string, TlpLevel] => [TLP2_MARKING_IDS[level], level]),
  [TLP1_MARKING_IDS.white, 'clear'],
  [TLP1_MARKING_IDS.green, 'green'],
  [TLP1_MARKING_IDS.amber, 'amber'],
  [TLP1_MARKING_IDS.red, 'red'],
  [OPENCTI_AMBER_STRICT_ID, 'amber+strict'],
]);

/** The TLP 2.0 marking-definition id for a level. */
export function tlpMarkingId(level: TlpLevel): string {
  return TLP2_MARKING_IDS[level];
}

/** The TLP level a marking-definition id stands for (2.0, 1.0 or OpenCTI's AMBER+STRICT). */
export function tlpLevelOfMarkingId(id: string): TlpLevel | undefined {
  return LEVEL_BY_ID.get(id);
}

export function isTlpMarkingId(id: string): boolean {
  return LEVEL_BY_ID.has(id);
}

/** Negative when `a` is less restrictive than `b`. */
export function compareTlp(a: TlpLevel, b: TlpLevel): number {
  return TLP_LEVELS.indexOf(a) - TLP_LEVELS.indexOf(b);
}

const NO_STATEMENTS: ReadonlySet<string> = new Set();

/**
 * The most restrictive TLP level among `markingRefs` (an object's
 * `object_marking_refs`). A ref in `statements` (marking-definitions known to
 * be statements, which grant no access rule: access/marking-resolution.ts
 * decides which) restricts nothing and is passed over. 'unknown' as soon as
 * one other ref is not a known TLP marking: a marking we cannot interpret must
 * never be treated as permissive, so callers handle 'unknown' as at least as
 * strict as red. Undefined when no ref gives a level (none, or statements
 * only): the object is as one that carries no marking, and the publisher's
 * default applies.
 */
export function tlpLevelOf(markingRefs: readonly string[] | undefined, statements: ReadonlySet<string> = NO_STATEMENTS): TlpLevel | 'unknown' | undefined {
  if (markingRefs === undefined) return undefined;
  let strictest = -1;
  for (const ref of markingRefs) {
    const level = LEVEL_BY_ID.get(ref);
    if (level !== undefined) strictest = Math.max(strictest, TLP_LEVELS.indexOf(level));
    else if (!statements.has(ref)) return 'unknown';
  }
  return TLP_LEVELS[strictest];
}

/**
 * The `marking_ref` of each of an object's `granular_markings` (STIX 2.1
 * §7.2.3). One with `lang` instead marks the language of its properties, not
 * who may read them, and is passed over.
 */
export function granularMarkingRefs(granularMarkings: unknown): string[] {
  if (!Array.isArray(granularMarkings)) return [];
  return granularMarkings.flatMap((marking: unknown) => {
    if (typeof marking !== 'object' || marking === null) return [];
    const ref = (marking as Record<string, unknown>).marking_ref;
    return typeof ref === 'string' ? [ref] : [];
  });
}
