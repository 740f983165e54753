import { randomUUID } from 'node:crypto';

/** A valid STIX 2.1 identity (STIX 2.1 §4.5). */
export function identity(name: string, modified = '2026-01-01T00:00:00.000Z', id = `identity--${randomUUID()}`): Record<string, unknown> {
  return {
    type: 'identity',
    spec_version: '2.1',
    id,
    created: '2026-01-01T00:00:00.000Z',
    modified,
    name,
    identity_class: 'organization',
  };
}

/** An identity without its required `name`. */
export function nameless(): Record<string, unknown> {
  const { name: _name, ...rest } = identity('x');
  return rest;
}

/** An object whose id is not a STIX identifier. */
export function badId(): Record<string, unknown> {
  return { ...identity('bad id'), id: 'identity--not-a-uuid' };
}
