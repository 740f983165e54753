/**
 * The shape every STIX 2.1 object shares (STIX 2.1 §3.2 common properties).
 * Type-specific properties are described declaratively in `object-types.ts` and
 * checked by `validate.ts`; this type only names what the store and the server
 * need to read.
 */
export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly spec_version?: string;
  readonly created?: string;
  readonly modified?: string;
  readonly object_marking_refs?: readonly string[];
  readonly [property: string]: unknown;
}

export interface StixBundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: readonly StixObject[];
}

/** An object as received, with its JSON text kept exactly as it arrived. */
export interface RawStixObject {
  readonly object: StixObject;
  readonly json: string;
}
