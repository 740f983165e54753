import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EntenteError } from '../errors.js';
import type { StixObject } from '../stix/stix-object.js';
import type { DatabaseSchema } from '../store/schema.js';
import { nowMicros } from '../store/timestamps.js';
import { withCorrelation, type CorrelationDb } from './correlation-schema.js';
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
    const mentions = entityMentions(objects, reportId);
    if (mentions.length === 0) return new Map();
    // Most objects of a report (its places, outlet, known groups) are held already: one look-up and one alias write for all of them.
    const held = new Map((await this.cdb.selectFrom('entity_mentions').select(['mention_id', 'entity_id']).where('mention_id', 'in', mentions.map((m) => m.id)).execute())
      .map((r) => [r.mention_id, r.entity_id]));
    const at = nowMicros();
    await this.cdb.insertInto('entity_aliases').values(mentions.flatMap((m) => aliasRows(m, partner, at))).onConflict((oc) => oc.doNothing()).execute();
    const resolved = new Map(held);
    for (const mention of mentions) if (!held.has(mention.id)) resolved.set(mention.id, await this.add(mention, partner));
    return resolved;
  }

  /** Adds a mention (or, for one already held, the aliases it now brings); returns its entity. */
  async add(mention: EntityMention, partner: string | null): Promise<string> {
    const at = nowMicros();
    const held = await this.cdb.selectFrom('entity_mentions').select('entity_id').where('mention_id', '=', mention.id).executeTakeFirst();
    await this.cdb.insertInto('entity_aliases').values(aliasRows(mention, partner, at)).onConflict((oc) => oc.doNothing()).execute();
    if (held !== undefined) return held.entity_id;
    const keys = keysOf(mention);
    await this.cdb.transaction().execute(async (trx) => {
      await trx.insertInto('entity_mentions').values({
        mention_id: mention.id, entity_id: mention.id, kind: mention.kind, name: mention.name, role: mention.role ?? null, country: mention.country ?? null, added_at: at,
      }).execute();
      if (keys.length > 0) await trx.insertInto('entity_keys').values(keys.map((key) => ({ key, mention_id: mention.id }))).onConflict((oc) => oc.doNothing()).execute();
    });
    const match = await this.bestMatch(mention, keys);
    if (match === undefined) return mention.id;
    await this.merge(match.entityId, mention.id, match.reason, match.confidence);
    return match.entityId;
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

  private async bestMatch(m: EntityMention, keys: readonly string[]): Promise<{ entityId: string; reason: string; confidence: number } | undefined> {
    if (keys.length === 0) return undefined;
    const rows = await this.cdb
      .selectFrom('entity_keys as k')
      .innerJoin('entity_mentions as e', 'e.mention_id', 'k.mention_id')
      .select(['e.mention_id', 'e.entity_id', 'e.kind', 'e.name', 'e.role', 'e.country'])
      .where('k.key', 'in', [...keys])
      .where('e.mention_id', '!=', m.id)
      .limit(CANDIDATE_LIMIT)
      .execute();
    if (rows.length === 0) return undefined;
    const aliasRows = await this.cdb.selectFrom('entity_aliases').select(['mention_id', 'alias']).where('mention_id', 'in', rows.map((r) => r.mention_id)).execute();
    const forbidden = await this.forbiddenEntities(m.id, [...new Set(rows.map((r) => r.entity_id))]);
    let best: { entityId: string; reason: string; confidence: number } | undefined;
    for (const row of rows) {
      if (forbidden.has(row.entity_id)) continue;
      const other: EntityMention = {
        id: row.mention_id, kind: row.kind as EntityKind, name: row.name, reportId: '',
        aliases: aliasRows.filter((a) => a.mention_id === row.mention_id && a.alias !== row.name).map((a) => a.alias),
        ...(row.role !== null ? { role: row.role } : {}),
        ...(row.country !== null ? { country: row.country } : {}),
      };
      const found = compareMentions(m, other);
      if (found !== undefined && (best === undefined || found.confidence > best.confidence)) best = { entityId: row.entity_id, ...found };
    }
    return best;
  }

  /** Entities an analyst's split keeps apart from `mentionId`'s. */
  private async forbiddenEntities(mentionId: string, entityIds: readonly string[]): Promise<Set<string>> {
    const own = await this.cdb.selectFrom('entity_split_sides').select(['merge_id', 'side']).where('mention_id', '=', mentionId).execute();
    if (own.length === 0) return new Set();
    const opposite = await this.cdb
      .selectFrom('entity_split_sides as s')
      .innerJoin('entity_mentions as e', 'e.mention_id', 's.mention_id')
      .select(['e.entity_id', 's.merge_id', 's.side'])
      .where('s.merge_id', 'in', own.map((o) => o.merge_id))
      .where('e.entity_id', 'in', [...entityIds])
      .execute();
    return new Set(opposite.filter((o) => own.some((w) => w.merge_id === o.merge_id && w.side !== o.side)).map((o) => o.entity_id));
  }

  private async merge(entityId: string, mentionEntityId: string, reason: string, confidence: number): Promise<void> {
    const at = nowMicros();
    await this.cdb.transaction().execute(async (trx) => {
      const left = (await trx.selectFrom('entity_mentions').select('mention_id').where('entity_id', '=', entityId).execute()).map((r) => r.mention_id);
      const right = (await trx.selectFrom('entity_mentions').select('mention_id').where('entity_id', '=', mentionEntityId).execute()).map((r) => r.mention_id);
      await trx.updateTable('entity_mentions').set({ entity_id: entityId }).where('entity_id', '=', mentionEntityId).execute();
      await trx.insertInto('entity_merges').values({
        id: randomUUID(), entity_id: entityId, left_ids: JSON.stringify(left), right_ids: JSON.stringify(right), reason, confidence, at, split_at: null,
      }).execute();
    });
    await this.audit?.({ action: 'entity.merge', target: entityId, details: { joined: mentionEntityId, reason, confidence } });
  }
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
