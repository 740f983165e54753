import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import { addObjects } from './add-objects.js';
import { newCollectionRow, toCollection } from './collection-rows.js';
import type { DialectSql } from './dialect-sql.js';
import { storeMigrations } from './migrations/index.js';
import type {
  AddOptions,
  AddResult,
  Collection,
  IncomingObject,
  ManifestRecord,
  NewCollection,
  NewStatus,
  ObjectQuery,
  ObjectStore,
  JoinedTextPage,
  ObjectText,
  Page,
  ReadScope,
  StatusDetail,
  StatusRecord,
  StoredObject,
  VersionSelector,
  WriteMeta,
} from './object-store.js';
import { deleteMatching, queryJoinedTexts, queryManifest, queryObjects, queryObjectTexts, resolveFilter } from './read-pages.js';
import type { DatabaseSchema, StatusesTable } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** How many collections `getCollection` keeps in memory. */
const CACHED_COLLECTIONS = 1000;

/** The ObjectStore on SQLite or PostgreSQL, through one Kysely query layer. */
export class KyselyObjectStore implements ObjectStore {
  /**
   * Collections already read. Every TAXII request looks its collection up
   * first; a collection's id, title, description and alias never change once
   * created and collections are never deleted, so a row once found stays
   * true (one round trip less per request). A miss is never remembered: a
   * collection another server creates is found on the next request.
   */
  private readonly collections = new Map<string, Collection>();

  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly dialect: DialectSql,
  ) {}

  async migrate(): Promise<void> {
    // Kysely looks for its bookkeeping tables in every schema unless told which:
    // on a PostgreSQL shared with other schemas it must be the current one.
    const schema =
      this.dialect.name === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db)).rows[0]?.schema
        : undefined;
    const migrator = new Migrator({
      db: this.db,
      provider: storeMigrations(this.dialect),
      // Each area numbers its migrations in its own range (0100 sharing, 0200 federation, 0300 store, …), so a
      // database can already hold a later range when an earlier range gains a migration: run it, do not refuse.
      allowUnorderedMigrations: true,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      const reason = error instanceof Error ? error.message : String(error);
      throw new EntenteError('unavailable', `Database migration ${failed} failed: ${reason}`, { migration: failed });
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async createCollection(input: NewCollection): Promise<Collection> {
    const row = newCollectionRow(input);
    try {
      await this.db.insertInto('collections').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EntenteError('conflict', `A collection with id ${row.id} or alias ${row.alias ?? '(none)'} already exists`, {
          id: row.id,
          alias: row.alias,
        });
      }
      throw error;
    }
    return toCollection(row);
  }

  async getCollection(id: string): Promise<Collection | undefined> {
    const cached = this.collections.get(id);
    if (cached !== undefined) return cached;
    const row = await this.db.selectFrom('collections').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const collection = toCollection(row);
    if (this.collections.size >= CACHED_COLLECTIONS) this.collections.clear();
    this.collections.set(id, collection);
    return collection;
  }

  async listCollections(): Promise<Collection[]> {
    const rows = await this.db.selectFrom('collections').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toCollection);
  }

  async addObjects(collectionId: string, objects: readonly IncomingObject[], meta: WriteMeta, options: AddOptions = {}): Promise<AddResult[]> {
    return await addObjects(this.db, this.dialect, collectionId, objects, meta, options);
  }

  async getWatermark(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('watermarks').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async queryObjects(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<StoredObject>> {
    return await queryObjects(this.db, resolveFilter(collectionId, query, scope), query.limit);
  }

  async queryObjectTexts(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ObjectText>> {
    return await queryObjectTexts(this.db, resolveFilter(collectionId, query, scope), query.limit);
  }

  async queryJoinedTexts(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<JoinedTextPage> {
    return await queryJoinedTexts(this.db, this.dialect.name, resolveFilter(collectionId, query, scope), query.limit);
  }

  async queryManifest(collectionId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ManifestRecord>> {
    return await queryManifest(this.db, resolveFilter(collectionId, query, scope), query.limit);
  }

  /** TAXII 2.1 §5.8: every version of one object (match[version] does not apply), in date_added order. */
  async queryVersions(collectionId: string, objectId: string, query: ObjectQuery, scope: ReadScope): Promise<Page<ManifestRecord>> {
    const filter = resolveFilter(collectionId, { ...query, ids: [objectId], types: [] }, scope, [{ kind: 'all' }]);
    return await queryManifest(this.db, filter, query.limit);
  }

  /** TAXII 2.1 §5.7: the same selection as a query (§3.4.2), then deleted in one statement. */
  async deleteObject(
    collectionId: string,
    objectId: string,
    versions: readonly VersionSelector[],
    specVersions?: readonly string[],
  ): Promise<number> {
    const query = { ids: [objectId], ...(specVersions ? { specVersions } : {}) };
    return await deleteMatching(this.db, resolveFilter(collectionId, query, { kind: 'all' }, versions));
  }

  async countObjects(collectionId?: string): Promise<number> {
    let query = this.db.selectFrom('objects').select((eb) => eb.fn.countAll<number>().as('n'));
    if (collectionId !== undefined) query = query.where('collection_id', '=', collectionId);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** TAXII 2.1 §4.3 Status: kept in the database so any server can answer for it. */
  async createStatus(status: NewStatus): Promise<StatusRecord> {
    const row: StatusesTable = {
      id: randomUUID(),
      collection_id: status.collectionId,
      request_timestamp: status.requestTimestamp,
      status: status.pendings.length > 0 ? 'pending' : 'complete',
      total_count: status.successes.length + status.failures.length + status.pendings.length,
      success_count: status.successes.length,
      failure_count: status.failures.length,
      pending_count: status.pendings.length,
      successes: JSON.stringify(status.successes),
      failures: JSON.stringify(status.failures),
      pendings: JSON.stringify(status.pendings),
      owner_user: status.owner?.userId ?? null,
      owner_org: status.owner?.orgId ?? null,
    };
    await this.db.insertInto('statuses').values(row).execute();
    return toStatus(row);
  }

  async getStatus(id: string): Promise<StatusRecord | undefined> {
    const row = await this.db.selectFrom('statuses').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStatus(row) : undefined;
  }
}

function toStatus(row: StatusesTable): StatusRecord {
  return {
    id: row.id,
    collectionId: row.collection_id,
    requestTimestamp: Number(row.request_timestamp),
    status: row.status,
    successes: JSON.parse(row.successes) as StatusDetail[],
    failures: JSON.parse(row.failures) as StatusDetail[],
    pendings: JSON.parse(row.pendings) as StatusDetail[],
    ...(row.owner_org === null ? {} : { owner: { userId: row.owner_user, orgId: row.owner_org } }),
  };
}
