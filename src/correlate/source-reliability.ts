import { v5 as uuidv5 } from 'uuid';
import { EntenteError } from '../errors.js';
import { STIX_UUIDV5_NAMESPACE } from '../stix/identifier.js';
import { nowMicros } from '../store/timestamps.js';
import type { CorrelationDb, PendingWrite } from './correlation-schema.js';
import { MapReliabilityRegistry, sourceKey, type ReliabilityRegistry, type SourceReliability } from './grading.js';

/**
 * Admiralty source reliability kept per source: the outlets that publish
 * reports, the agencies reports attribute facts to ("according to AFP") and
 * the partners intelligence is pulled from. Sources are recorded as the
 * correlator meets them, at F ("reliability cannot be judged"); an admin
 * grades them (`entente source grade`, `PUT /rest/v1/sources/:id/reliability`).
 */
export type SourceKind = 'outlet' | 'agency' | 'partner';

export interface Source {
  readonly id: string;
  readonly name: string;
  readonly kind: SourceKind;
  readonly reliability: SourceReliability;
}

export const RELIABILITY_GRADES: readonly SourceReliability[] = ['A', 'B', 'C', 'D', 'E', 'F'];
/** Largest page `listSources` returns. */
export const MAX_SOURCES_PAGE = 500;

export function isReliability(value: unknown): value is SourceReliability {
  return typeof value === 'string' && (RELIABILITY_GRADES as readonly string[]).includes(value);
}

/** A stable id per kind and normalised name, so that every instance names a source alike. */
export function sourceId(kind: SourceKind, name: string): string {
  return uuidv5(`entente-source:${kind}:${sourceKey(name)}`, STIX_UUIDV5_NAMESPACE);
}

/** Records sources not seen before (at F); a known source keeps its grade. */
export async function ensureSources(db: CorrelationDb, sources: readonly { name: string; kind: SourceKind }[]): Promise<void> {
  const write = ensureSourcesWrite(db, sourceRows(sources));
  if (write !== undefined) await db.executeQuery(write.compile());
}

export interface SourceRow {
  readonly id: string;
  readonly name: string;
  readonly name_key: string;
  readonly kind: SourceKind;
}

/** The rows `sources` are recorded as (one per kind and normalised name; blank and "unknown" names are none). */
export function sourceRows(sources: readonly { name: string; kind: SourceKind }[]): SourceRow[] {
  const wanted = new Map<string, SourceRow>();
  for (const s of sources) {
    const name = s.name.trim();
    if (name === '' || name === 'unknown') continue;
    const id = sourceId(s.kind, name);
    wanted.set(id, { id, name, name_key: sourceKey(name), kind: s.kind });
  }
  return [...wanted.values()];
}

/** The insert that records `rows` not held yet (at F), for the caller to run; undefined when there are none. */
export function ensureSourcesWrite(db: CorrelationDb, rows: readonly SourceRow[]): PendingWrite | undefined {
  if (rows.length === 0) return undefined;
  const at = nowMicros();
  return db
    .insertInto('correlation_sources')
    .values(rows.map((s) => ({ ...s, reliability: 'F', created_at: at, updated_at: at })))
    .onConflict((oc) => oc.doNothing());
}

export async function listSources(db: CorrelationDb, options: { after?: string; limit?: number } = {}): Promise<Source[]> {
  const limit = Math.min(Math.max(options.limit ?? MAX_SOURCES_PAGE, 1), MAX_SOURCES_PAGE);
  let query = db.selectFrom('correlation_sources').select(['id', 'name', 'kind', 'reliability']).orderBy('id').limit(limit);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  return (await query.execute()).map(toSource);
}

export async function getSource(db: CorrelationDb, id: string): Promise<Source | undefined> {
  const row = await db.selectFrom('correlation_sources').select(['id', 'name', 'kind', 'reliability']).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toSource(row);
}

/**
 * Sets a source's grade; returns the source before and after.
 *
 * @throws EntenteError('invalid_input') for a grade outside A–F, ('not_found') for an unknown source.
 */
export async function gradeSource(db: CorrelationDb, id: string, reliability: string): Promise<{ before: Source; after: Source }> {
  if (!isReliability(reliability)) {
    throw new EntenteError('invalid_input', `Reliability "${reliability}" is not an Admiralty grade: give one of ${RELIABILITY_GRADES.join(', ')}`, { reliability });
  }
  const before = await getSource(db, id);
  if (before === undefined) throw new EntenteError('not_found', `No source with id ${id}; "entente source list" shows them`, { id });
  await db.updateTable('correlation_sources').set({ reliability, updated_at: nowMicros() }).where('id', '=', id).execute();
  return { before, after: { ...before, reliability } };
}

/**
 * The grades of the sources named, as the registry reconcile.ts reads
 * (any kind: an outlet and an agency of one name are one source to the reader).
 * The most reliable grade wins when kinds disagree; unknown names are F.
 */
export async function reliabilityRegistry(db: CorrelationDb, names: readonly string[]): Promise<ReliabilityRegistry> {
  return registryOf(await gradesOf(db, names.map(sourceKey)));
}

/** The grades recorded under the normalised names `keys` (any kind). */
export async function gradesOf(db: CorrelationDb, keys: readonly string[]): Promise<{ name_key: string; reliability: string }[]> {
  const wanted = [...new Set(keys.filter((k) => k !== ''))];
  if (wanted.length === 0) return [];
  return db.selectFrom('correlation_sources').select(['name_key', 'reliability']).where('name_key', 'in', wanted).execute();
}

/** The registry of graded rows: the most reliable grade of a name wins; names without a row are F. */
export function registryOf(rows: readonly { name_key: string; reliability: string }[]): ReliabilityRegistry {
  const registry = new MapReliabilityRegistry();
  for (const row of [...rows].sort((a, b) => b.reliability.localeCompare(a.reliability))) {
    if (isReliability(row.reliability)) registry.set(row.name_key, row.reliability);
  }
  return registry;
}

function toSource(row: { id: string; name: string; kind: SourceKind; reliability: string }): Source {
  return { id: row.id, name: row.name, kind: row.kind, reliability: isReliability(row.reliability) ? row.reliability : 'F' };
}
