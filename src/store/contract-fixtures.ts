import { randomUUID } from 'node:crypto';
import type { IncomingObject, WriteMeta } from './object-store.js';

/** Test fixtures shared by the contract suite and the benchmark. */
export const meta: WriteMeta = { authorOrg: null, authorUser: null };

export function newId(type = 'indicator'): string {
  return `${type}--${randomUUID()}`;
}

/** A STIX 2.1 SDO version; `extra` lets a test set or remove properties. */
export function sdo(
  id: string,
  modified: string | undefined,
  extra: Record<string, unknown> = {},
): IncomingObject {
  const type = id.split('--')[0] ?? 'indicator';
  const object: Record<string, unknown> = {
    type,
    spec_version: '2.1',
    id,
    created: '2020-01-01T00:00:00.000Z',
    ...(modified === undefined ? {} : { modified }),
    name: `object ${id}`,
    ...extra,
  };
  for (const [key, value] of Object.entries(object)) if (value === undefined) delete object[key];
  return { object: object as IncomingObject['object'], json: JSON.stringify(object) };
}
