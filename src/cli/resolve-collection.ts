import { EntenteError } from '../errors.js';
import type { Collection, ObjectStore } from '../store/object-store.js';

/**
 * The collection a command acts on: the one named by id or alias, or, when
 * none is named, the instance's only collection or the one titled "default".
 */
export async function resolveCollection(store: ObjectStore, idOrAlias: string | undefined): Promise<Collection> {
  const collections = await store.listCollections();
  if (idOrAlias !== undefined) {
    const found = collections.find((c) => c.id === idOrAlias) ?? collections.find((c) => c.alias === idOrAlias);
    if (found === undefined) {
      throw new EntenteError('not_found', `No collection with id or alias "${idOrAlias}" (see: entente collection list)`);
    }
    return found;
  }
  if (collections.length === 1 && collections[0] !== undefined) return collections[0];
  const fallback = collections.filter((c) => c.title === 'default');
  if (fallback.length === 1 && fallback[0] !== undefined) return fallback[0];
  if (collections.length === 0) {
    throw new EntenteError('not_found', 'This database has no collection yet: create one with "entente collection add NAME"');
  }
  throw new EntenteError('invalid_input', `This database has ${collections.length} collections: choose one with --collection ID`);
}
