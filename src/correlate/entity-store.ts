import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { withCorrelation, writeAtomically, type CorrelationDb, type PendingWrite } from './correlation-schema.js';
import type { CorrelationAudit } from './correlator.js';
import { compareMentions, entityMentions, type EntityKind, type EntityMention } from './entity-resolution.js';
import { foldWord, nameKey, nameTokens } from './name-keys.js';

/**
 * Entity resolution (entity-resolution.ts rules) kept in the store: every
 * person, group, organisation and place object a report or partner brings is
 * a mention; mentions that name one entity are merged, each merge recorded
 * with why and how confident, and every alias with who introduced it (the
 * report, or the partner it came from). Merges are reversible: {@link
 * EntityStore.split} puts mentions back apart and forbids merging them again.
 * Look-up goes through name keys (`entity_keys`), never a scan.
 */
export interface EntityAlias {
  readonly alias: string;
  /** The object (mention) that carries it. */
  readonly mentionId: string;
  readonly introducedBy: { readonly report?: string; readonly partner?: string };
  /** When it was recorded, microseconds since the epoch. */
  readonly at: number;
}

export interface EntityMerge {
  readonly id: string;
  readonly members: { readonly left: readonly string[]; readonly right: readonly string[] };
  readonly reason: string;
  readonly confidence: number;
  readonly at: number;
  readonly splitAt: number | undefined;
}

export interface EntityRecord {
  readonly id: string;
  readonly type: EntityKind;
  readonly name: string;
  readonly mentions: readonly string[];
  readonly aliases: readonly EntityAlias[];
  readonly merges: readonly EntityMerge[];
}

/** Candidate mentions compared with one new mention; a block larger than this is a data problem, not a match. */
const CANDIDATE_LIMIT = 200;

export class EntityStore {
  private readonly cdb: CorrelationDb;

  constructor(db: Kysely<DatabaseSchema>, private readonly audit?: CorrelationAudit) {
    this.cdb = withCorrelation(db);
  }

  /** Resolves the entities of one report's objects; returns mention id → entity id. */
  async addReportObjects(objects: readonly StixObject[], reportId: string, partner: string | null): Promise<Map<string, string>> {
    return this.addMentions(entityMentions(objects, reportId), partner);
  }

  /** Adds a mention (or, for one already held, the aliases it now brings); returns its entity. */
  async add(mention: EntityMention, partner: string | null): Promise<string> {
    return (await this.addMentions([mention], partner)).get(mention.id) ?? mention.id;
  }

  private async addMentions(mentions: readonly EntityMention[], partner: string | null): Promise<Map<string, string>> {
    if (mentions.length === 0) return new Map();
    const plan = await this.plan(mentions, await this.heldEntities(mentions.map((m) => m.id)), partner);
    await writeAtomically(this.cdb, plan.writes);
    await this.auditMerges(plan);
    return new Map(plan.resolved);
  }

  /** mention id → entity id of the mentions of `ids` already held. */
  async heldEntities(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.cdb.selectFrom('entity_mentions').select(['mention_id', 'entity_id']).where('mention_id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((r) => [r.mention_id, r.entity_id]));
  }

  /**
   * Resolves one report's mentions without writing: `held` says which are
   * stored already (mention id → entity id). The mentions not held are looked
   * up together, with one statement over the name keys of all of them, and
   * each is compared, in order, with what it finds and with the report's
   * earlier new mentions (as if each had been stored before the next was
   * looked up). Returns the writes that record them (aliases with who
   * introduced them, mentions, keys, merges) for the caller to run, with its
   * own, as one atomic write; then {@link auditMerges}.
   */
  async plan(mentions: readonly EntityMention[], held: ReadonlyMap<string, string>, partner: string | null): Promise<EntityPlan> {
    const at = nowMicros();
    const writes: PendingWrite[] = [];
    const aliases = mentions.flatMap((m) => aliasRows(m, partner, at));
    if (aliases.length > 0) writes.push(this.cdb.insertInto('entity_aliases').values(aliases).onConflict((oc) => oc.doNothing()));
    const resolved = new Map(held);
    const fresh = [...new Map(mentions.filter((m) => !held.has(m.id)).map((m) => [m.id, m])).values()];
    if (fresh.length === 0) return { writes, resolved, merges: [] };

    const keyed = fresh.map((mention) => ({ mention, keys: keysOf(mention) }));
    const stored = await this.mentionsUnder([...new Set(keyed.flatMap((k) => k.keys))], fresh.length);
    const placed: (StoredMention & { readonly keys: readonly string[] })[] = [];
    const merges: PlannedMerge[] = [];
    for (const { mention, keys } of keyed) {
      const candidates = [
        ...stored.filter((r) => keys.includes(r.key)).slice(0, CANDIDATE_LIMIT),
        ...placed.filter((p) => p.keys.some((k) => keys.includes(k))),
      ];
      const match = bestMatch(mention, candidates);
      const entityId = match?.entityId ?? mention.id;
      placed.push({ key: '', mentionId: mention.id, entityId, kind: mention.kind, name: mention.name, role: mention.role, country: mention.country, aliases: mention.aliases, keys });
      resolved.set(mention.id, entityId);
      if (match !== undefined) {
        merges.push({ entityId, joined: mention.id, reason: match.reason, confidence: match.confidence, at: nowMicros(), earlier: placed.slice(0, -1).filter((p) => p.entityId === entityId).map((p) => p.mentionId) });
      }
    }
    writes.push(this.cdb.insertInto('entity_mentions').values(placed.map((p) => ({
      mention_id: p.mentionId, entity_id: p.entityId, kind: p.kind, name: p.name, role: p.role ?? null, country: p.country ?? null, added_at: at,
    }))));
    const keyRows = placed.flatMap((p) => p.keys.map((key) => ({ key, mention_id: p.mentionId })));
    if (keyRows.length > 0) writes.push(this.cdb.insertInto('entity_keys').values(keyRows).onConflict((oc) => oc.doNothing()));
    if (merges.length > 0) {
      // The merge record names both sides as they stood: the entity's mentions held before this report, and those of it the report brought first.
      const entityIds = [...new Set(merges.map((m) => m.entityId))];
      const members = await this.cdb.selectFrom('entity_mentions').select(['mention_id', 'entity_id']).where('entity_id', 'in', entityIds).execute();
      writes.push(this.cdb.insertInto('entity_merges').values(merges.map((m) => ({
        id: randomUUID(),
        entity_id: m.entityId,
        left_ids: JSON.stringify([...members.filter((r) => r.entity_id === m.entityId).map((r) => r.mention_id), ...m.earlier]),
        right_ids: JSON.stringify([m.joined]),
        reason: m.reason, confidence: m.confidence, at: m.at, split_at: null,
      }))));
    }
    return { writes, resolved, merges };
  }

  /** Records in the audit log the merges of a plan once it is written. */
  async auditMerges(plan: EntityPlan): Promise<void> {
    for (const m of plan.merges) await this.audit?.({ action: 'entity.merge', target: m.entityId, details: { joined: m.joined, reason: m.reason, confidence: m.confidence } });
  }

  /**
   * The mentions filed under `keys`, with their aliases, in one statement
   * (at most {@link CANDIDATE_LIMIT} per mention looked up). A new mention
   * was never on a side of an analyst's split, so none of them is forbidden.
   */
  private async mentionsUnder(keys: readonly string[], lookups: number): Promise<StoredMention[]> {
    if (keys.length === 0) return [];
    const found = this.cdb
      .selectFrom('entity_keys as k')
      .innerJoin('entity_mentions as e', 'e.mention_id', 'k.mention_id')
      .where('k.key', 'in', [...keys])
      .limit(CANDIDATE_LIMIT * lookups);
    const rows = await found
      .select(['k.key', 'e.mention_id', 'e.entity_id', 'e.kind', 'e.name', 'e.role', 'e.country', sql<string | null>`null`.as('alias')])
      .unionAll(this.cdb.selectFrom('entity_aliases as a')
        .where('a.mention_id', 'in', found.select('e.mention_id'))
        .select([sql<string>`''`.as('key'), 'a.mention_id', sql<string>`''`.as('entity_id'), sql<string>`''`.as('kind'), sql<string>`''`.as('name'),
          sql<string | null>`null`.as('role'), sql<string | null>`null`.as('country'), 'a.alias']))
      .execute();
    const aliasesOf = new Map<string, string[]>();
    for (const r of rows) if (r.alias !== null) aliasesOf.set(r.mention_id, [...(aliasesOf.get(r.mention_id) ?? []), r.alias]);
    return rows.filter((r) => r.alias === null).map((r) => ({
      key: r.key, mentionId: r.mention_id, entityId: r.entity_id, kind: r.kind as EntityKind, name: r.name,
      role: r.role ?? undefined, country: r.country ?? undefined,
      aliases: (aliasesOf.get(r.mention_id) ?? []).filter((a) => a !== r.name),
    }));
  }

  /** The entity a mention (or entity) id belongs to. */
  async entityIdOf(id: string): Promise<string | undefined> {
    return (await this.cdb.selectFrom('entity_mentions').select('entity_id').where('mention_id', '=', id).executeTakeFirst())?.entity_id;
  }

  /** The entity `id` (any of its mentions' ids) with aliases and merges, or undefined. */
  async entity(id: string): Promise<EntityRecord | undefined> {
    const entityId = await this.entityIdOf(id);
    if (entityId === undefined) return undefined;
    const mentions = await this.cdb.selectFrom('entity_mentions').selectAll().where('entity_id', '=', entityId).orderBy('added_at').orderBy('mention_id').execute();
    const ids = mentions.map((m) => m.mention_id);
    const aliases = await this.cdb.selectFrom('entity_aliases').selectAll().where('mention_id', 'in', ids).orderBy('added_at').orderBy('alias').execute();
    const merges = await this.cdb.selectFrom('entity_merges').selectAll().where('entity_id', '=', entityId).orderBy('at').execute();
    const founder = mentions.find((m) => m.mention_id === entityId) ?? mentions[0];
    return {
      id: entityId,
      type: (founder?.kind ?? 'person') as EntityKind,
      name: founder?.name ?? entityId,
      mentions: ids,
      aliases: aliases.map((a) => ({
        alias: a.alias,
        mentionId: a.mention_id,
        introducedBy: { ...(a.report_id !== '' ? { report: a.report_id } : {}), ...(a.partner !== '' ? { partner: a.partner } : {}) },
        at: Number(a.added_at),
      })),
      merges: merges.map((m) => ({
        id: m.id,
        members: { left: JSON.parse(m.left_ids) as string[], right: JSON.parse(m.right_ids) as string[] },
        reason: m.reason,
        confidence: m.confidence,
        at: Number(m.at),
        splitAt: m.split_at === null ? undefined : Number(m.split_at),
      })),
    };
  }

  /**
   * Takes `memberIds` (mention ids) out of entity `id` into an entity of their
   * own; without members, undoes the entity's latest merge not yet split (the
   * mentions that merge brought leave). The two sides are never merged again.
   * Returns the entity kept and the one created.
   *
   * @throws EntenteError('not_found') for an unknown entity; ('invalid_input')
   *   when the members are not some, but not all, of its mentions, or there is no merge to undo.
   */
  async split(id: string, memberIds: readonly string[] = []): Promise<{ kept: string; created: string; moved: string[]; undid: string | undefined }> {
    const entity = await this.entity(id);
    if (entity === undefined) throw new EntenteError('not_found', `No entity ${id}; "entente entity show" takes the id of one of its objects`, { id });
    let moving = [...new Set(memberIds)];
    let undid: string | undefined;
    if (moving.length === 0) {
      const last = [...entity.merges].reverse().find((m) => m.splitAt === undefined);
      if (last === undefined) throw new EntenteError('invalid_input', `Entity ${entity.id} has no merge left to split; name the mentions to take out with --member`, { id });
      moving = last.members.right.filter((m) => entity.mentions.includes(m));
      undid = last.id;
    }
    const staying = entity.mentions.filter((m) => !moving.includes(m));
    if (moving.length === 0 || staying.length === 0 || moving.some((m) => !entity.mentions.includes(m))) {
      throw new EntenteError('invalid_input', `Cannot split ${entity.id}: name some, but not all, of its mentions (${entity.mentions.join(', ')})`, {
        id: entity.id, mentions: entity.mentions, members: moving,
      });
    }
    const kept = staying.includes(entity.id) ? entity.id : (staying[0] as string);
    const created = moving.includes(entity.id) ? entity.id : (moving[0] as string);
    const splitId = undid ?? randomUUID();
    const at = nowMicros();
    await this.cdb.transaction().execute(async (trx) => {
      await trx.updateTable('entity_mentions').set({ entity_id: kept }).where('mention_id', 'in', staying).execute();
      await trx.updateTable('entity_mentions').set({ entity_id: created }).where('mention_id', 'in', moving).execute();
      await trx.insertInto('entity_split_sides').values([
        ...staying.map((m) => ({ mention_id: m, merge_id: splitId, side: 'left' as const })),
        ...moving.map((m) => ({ mention_id: m, merge_id: splitId, side: 'right' as const })),
      ]).onConflict((oc) => oc.doNothing()).execute();
      const undone = entity.merges.filter((m) => m.splitAt === undefined && (m.id === undid || m.members.right.some((r) => moving.includes(r)))).map((m) => m.id);
      if (undone.length > 0) await trx.updateTable('entity_merges').set({ split_at: at }).where('id', 'in', undone).execute();
      // The merge history stays with both entities: each keeps the records that mention its members.
      const history = entity.merges.filter((m) => [...m.members.left, ...m.members.right].some((x) => moving.includes(x)));
      if (created !== entity.id && history.length > 0) {
        await trx.insertInto('entity_merges').values(history.map((m) => ({
          id: randomUUID(), entity_id: created, left_ids: JSON.stringify(m.members.left), right_ids: JSON.stringify(m.members.right),
          reason: m.reason, confidence: m.confidence, at: m.at, split_at: m.splitAt ?? at,
        }))).execute();
      }
      if (kept !== entity.id) await trx.updateTable('entity_merges').set({ entity_id: kept }).where('entity_id', '=', entity.id).execute();
    });
    await this.audit?.({ action: 'entity.split', target: entity.id, details: { kept, created, moved: moving, undid: undid ?? null } });
    return { kept, created, moved: moving, undid };
  }
}

interface StoredMention {
  /** The name key it was found under ('' for a mention of the report itself). */
  readonly key: string;
  readonly mentionId: string;
  readonly entityId: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly role: string | undefined;
  readonly country: string | undefined;
  readonly aliases: readonly string[];
}

interface PlannedMerge {
  readonly entityId: string;
  readonly joined: string;
  readonly reason: string;
  readonly confidence: number;
  readonly at: number;
  /** Mentions of this report placed in the entity before this one. */
  readonly earlier: readonly string[];
}

export interface EntityPlan {
  readonly writes: readonly PendingWrite[];
  /** mention id → entity id. */
  readonly resolved: ReadonlyMap<string, string>;
  readonly merges: readonly PlannedMerge[];
}

/** The most confident match among `candidates` (the first of equals), or none. */
function bestMatch(m: EntityMention, candidates: readonly StoredMention[]): { entityId: string; reason: string; confidence: number } | undefined {
  let best: { entityId: string; reason: string; confidence: number } | undefined;
  for (const row of candidates) {
    if (row.mentionId === m.id) continue;
    const other: EntityMention = {
      id: row.mentionId, kind: row.kind, name: row.name, reportId: '', aliases: row.aliases,
      ...(row.role !== undefined ? { role: row.role } : {}),
      ...(row.country !== undefined ? { country: row.country } : {}),
    };
    const found = compareMentions(m, other);
    if (found !== undefined && (best === undefined || found.confidence > best.confidence)) best = { entityId: row.entityId, ...found };
  }
  return best;
}

/** Who introduced each of a mention's names: its report, or the partner it came from. */
function aliasRows(mention: EntityMention, partner: string | null, at: number): { mention_id: string; alias: string; report_id: string; partner: string; added_at: number }[] {
  return [...new Set([mention.name, ...mention.aliases])].map((alias) => ({
    mention_id: mention.id, alias, report_id: partner === null ? mention.reportId : '', partner: partner ?? '', added_at: at,
  }));
}

/** The name keys a mention is filed under (as entity-resolution.ts files them in memory). */
function keysOf(m: EntityMention): string[] {
  const keys = new Set<string>();
  for (const name of [m.name, ...m.aliases]) {
    const key = nameKey(name);
    if (key === '') continue;
    keys.add(`${m.kind}:name:${key}`);
    const surname = nameTokens(name).at(-1);
    if (m.kind === 'person' && surname !== undefined) keys.add(`person:prefix:${foldWord(surname).slice(0, 2)}`);
  }
  return [...keys];
}
