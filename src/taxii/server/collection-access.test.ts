import { describe, expect, it } from 'vitest';
import type { CollectionPermissions, Principal } from '../../access/principal.js';
import { EntenteError } from '../../errors.js';
import type { Collection } from '../../store/object-store.js';
import { readAuthorised } from './collection-access.js';
import type { TaxiiContext } from './taxii-context.js';

const ana: Principal = { userId: 'u1', username: 'ana', orgId: 'org-a', role: 'reader', scope: 'read', representsPartner: false, via: 'token' };
const collection = { id: 'c1', title: 'Shared' } as Collection;

/** A context with one collection, `c1`, on which the principal has `permissions`. */
function contextWith(permissions: CollectionPermissions): TaxiiContext {
  return {
    store: { getCollection: async (id: string) => (id === collection.id ? collection : undefined) },
    permissions: async () => permissions,
  } as unknown as TaxiiContext;
}

const reader = contextWith({ canRead: true, canWrite: false });
const outsider = contextWith({ canRead: false, canWrite: false });

describe('readAuthorised', () => {
  it('answers what the read found when the principal may read the collection', async () => {
    const { collection: found, result } = await readAuthorised(reader, ana, 'c1', async (id) => `objects of ${id}`);
    expect(found).toBe(collection);
    expect(result).toBe('objects of c1');
  });

  it('answers 404 when the principal may not read, never what the read found or threw', async () => {
    await expect(readAuthorised(outsider, ana, 'c1', async () => 'secret')).rejects.toMatchObject({ code: 'not_found' });
    const failing = readAuthorised(outsider, ana, 'c1', () => Promise.reject(new Error('database down')));
    await expect(failing).rejects.toMatchObject({ code: 'not_found' });
    await expect(readAuthorised(reader, ana, 'missing', async () => 'nothing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("throws the check's error before the read's, and a read's synchronous throw after both", async () => {
    const invalid = new EntenteError('invalid_input', 'not a STIX id');
    const read = () => Promise.reject(new Error('database down'));
    await expect(readAuthorised(reader, ana, 'c1', read, () => { throw invalid; })).rejects.toBe(invalid);
    const thrown = new Error('thrown at once');
    const sync = (): Promise<string> => {
      throw thrown;
    };
    await expect(readAuthorised(outsider, ana, 'c1', sync)).rejects.toMatchObject({ code: 'not_found' });
    await expect(readAuthorised(reader, ana, 'c1', sync)).rejects.toBe(thrown);
  });
});
