import { EntenteError } from '../errors.js';
import { ENTENTE_IDENTITY, PERSON_EXTENSION_ID, PROVENANCE_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { allowedEdits, editDistance, foldWord, nameKey, nameTokens } from './name-keys.js';

/**
 * Resolves the people, groups, organisations and places that reports name
 * into entities, keeping why each mention was merged, with a confidence, and
 * which report introduced each alias. Merges are reversible: {@link
 * EntityResolver.split} restores the two sets a merge joined and forbids
 * joining them again; the history keeps both the merge and the split.
 *
 * A mention joins an entity when (in decreasing confidence):
 * - `same name`: a name or alias of the mention folds to the same key as one
 *   of the entity's (case, accents, titles, Cyrillic/Latin transliteration and
 *   spelling variants such as Kadyrow/Kadyrov);
 * - `similar name with context`: persons only; the surname matches (or is
 *   within a small edit distance) and the given name is within a small edit
 *   distance or is an initial, AND the context agrees: the same role or the
 *   same country. A similar name without agreeing context is not merged.
 * Different kinds (a person and a group) never merge, nor do persons of one
 * name placed in different countries (namesakes), nor two full names whose
 * given names differ (Nawaz and Raheel Sharif), whatever aliases they share.
 */
export type EntityKind = 'person' | 'group' | 'organization' | 'place';

export interface EntityMention {
  /** The STIX id of the object the report produced (identity, intrusion-set, location). */
  readonly id: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly reportId: string;
  readonly role?: string;
  readonly country?: string;
}

export interface AliasProvenance {
  readonly alias: string;
  readonly introducedBy: readonly string[];
}

export interface ResolvedEntity {
  readonly id: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly AliasProvenance[];
  readonly mentions: readonly string[];
}

export interface MergeEvent {
  readonly action: 'merge' | 'split';
  readonly mergeId: number;
  readonly entityId: string;
  readonly left: readonly string[];
  readonly right: readonly string[];
  readonly reason: string;
  readonly confidence: number;
}

const SAME_NAME_CONFIDENCE = 0.95;
const SIMILAR_NAME_CONFIDENCE = 0.7;

export class EntityResolver {
  private readonly mentions = new Map<string, EntityMention>();
  private readonly entityOf = new Map<string, string>();
  private readonly members = new Map<string, string[]>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly forbidden: { a: ReadonlySet<string>; b: ReadonlySet<string> }[] = [];
  private readonly events: MergeEvent[] = [];

  /** Adds a mention; returns the entity it belongs to (the first mention's id names the entity). */
  add(mention: EntityMention): string {
    const known = this.entityOf.get(mention.id);
    if (known !== undefined) return known;
    this.mentions.set(mention.id, mention);
    this.entityOf.set(mention.id, mention.id);
    this.members.set(mention.id, [mention.id]);
    for (const key of this.keysOf(mention)) this.file(key, mention.id);
    const match = this.bestMatch(mention);
    return match === undefined ? mention.id : this.merge(match.entityId, mention.id, match.reason, match.confidence);
  }

  entity(entityId: string): ResolvedEntity {
    const ids = this.members.get(entityId);
    if (ids === undefined) throw new EntenteError('not_found', `No entity ${entityId}`, { entityId });
    const list = ids.map((id) => this.mentions.get(id) as EntityMention);
    const aliases = new Map<string, Set<string>>();
    for (const m of list) for (const alias of [m.name, ...m.aliases]) aliases.set(alias, (aliases.get(alias) ?? new Set()).add(m.reportId));
    const first = list[0] as EntityMention;
    return {
      id: entityId,
      kind: first.kind,
      name: first.name,
      aliases: [...aliases.entries()].map(([alias, reports]) => ({ alias, introducedBy: [...reports].sort() })),
      mentions: [...ids],
    };
  }

  entityIdOf(mentionId: string): string | undefined {
    return this.entityOf.get(mentionId);
  }

  history(): readonly MergeEvent[] {
    return this.events;
  }

  /**
   * Undoes merge `mergeId`: the entity goes back to the two sets that merge
   * joined (mentions that joined later are resolved again), and the two sets
   * are never merged again.
   *
   * @throws EntenteError('not_found') for an unknown merge; ('conflict') when it was already split.
   */
  split(mergeId: number): [string, string] {
    const merge = this.events.find((e) => e.action === 'merge' && e.mergeId === mergeId);
    if (merge === undefined) throw new EntenteError('not_found', `No merge ${mergeId} to split`, { mergeId });
    if (this.events.some((e) => e.action === 'split' && e.mergeId === mergeId)) {
      throw new EntenteError('conflict', `Merge ${mergeId} was already split`, { mergeId });
    }
    const current = this.entityOf.get(merge.left[0] as string) as string;
    const later = (this.members.get(current) ?? []).filter((id) => !merge.left.includes(id) && !merge.right.includes(id));
    this.members.delete(current);
    const [leftId, rightId] = [merge.left[0] as string, merge.right[0] as string];
    this.members.set(leftId, [...merge.left]);
    this.members.set(rightId, [...merge.right]);
    for (const id of merge.left) this.entityOf.set(id, leftId);
    for (const id of merge.right) this.entityOf.set(id, rightId);
    this.forbidden.push({ a: new Set(merge.left), b: new Set(merge.right) });
    this.events.push({ ...merge, action: 'split', entityId: current });
    for (const id of later) {
      const mention = this.mentions.get(id) as EntityMention;
      this.entityOf.delete(id);
      this.mentions.delete(id);
      this.add(mention);
    }
    return [leftId, rightId];
  }

  private keysOf(m: EntityMention): string[] {
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

  private file(key: string, mentionId: string): void {
    let set = this.byKey.get(key);
    if (set === undefined) this.byKey.set(key, (set = new Set()));
    set.add(mentionId);
  }

  private bestMatch(m: EntityMention): { entityId: string; reason: string; confidence: number } | undefined {
    let best: { entityId: string; reason: string; confidence: number } | undefined;
    for (const key of this.keysOf(m)) {
      for (const otherId of this.byKey.get(key) ?? []) {
        const entityId = this.entityOf.get(otherId);
        const other = this.mentions.get(otherId);
        if (entityId === undefined || other === undefined || entityId === this.entityOf.get(m.id) || this.isForbidden(entityId, m.id)) continue;
        const found = compareMentions(m, other);
        if (found !== undefined && (best === undefined || found.confidence > best.confidence)) best = { entityId, ...found };
      }
    }
    return best;
  }

  private isForbidden(entityId: string, mentionId: string): boolean {
    const entity = this.members.get(entityId) ?? [];
    const mentionEntity = this.members.get(this.entityOf.get(mentionId) ?? mentionId) ?? [mentionId];
    return this.forbidden.some(({ a, b }) =>
      (entity.some((id) => a.has(id)) && mentionEntity.some((id) => b.has(id))) || (entity.some((id) => b.has(id)) && mentionEntity.some((id) => a.has(id))));
  }

  private merge(entityId: string, mentionEntityId: string, reason: string, confidence: number): string {
    const left = [...(this.members.get(entityId) ?? [])];
    const right = [...(this.members.get(mentionEntityId) ?? [])];
    this.members.set(entityId, [...left, ...right]);
    this.members.delete(mentionEntityId);
    for (const id of right) this.entityOf.set(id, entityId);
    const mergeId = this.events.filter((e) => e.action === 'merge').length + 1;
    this.events.push({ action: 'merge', mergeId, entityId, left, right, reason, confidence });
    return entityId;
  }
}

/** Why two mentions name one entity, or undefined when they may not. */
export function compareMentions(a: EntityMention, b: EntityMention): { reason: string; confidence: number } | undefined {
  if (a.kind !== b.kind) return undefined;
  // Namesakes: one name, two people in different countries.
  if (a.kind === 'person' && a.country !== undefined && b.country !== undefined && a.country !== b.country) return undefined;
  if (a.kind === 'person' && givenNamesDiffer(a.name, b.name)) return undefined;
  const keysA = new Set([a.name, ...a.aliases].map(nameKey).filter((k) => k !== ''));
  if ([b.name, ...b.aliases].map(nameKey).some((k) => keysA.has(k))) return { reason: 'same name', confidence: SAME_NAME_CONFIDENCE };
  if (a.kind !== 'person') return undefined;
  const context = (a.role !== undefined && b.role !== undefined && a.role.toLowerCase() === b.role.toLowerCase()) ? 'same role'
    : (a.country !== undefined && a.country === b.country) ? 'same country' : undefined;
  if (context === undefined) return undefined;
  const left = nameTokens(a.name).map(foldWord);
  const right = nameTokens(b.name).map(foldWord);
  if (left.length < 2 || right.length < 2) return undefined;
  const surnameA = left.at(-1) as string;
  const surnameB = right.at(-1) as string;
  const givenA = left[0] as string;
  const givenB = right[0] as string;
  if (close(surnameA, surnameB) && compatibleGiven(givenA, givenB)) {
    return { reason: `similar name (${a.name} / ${b.name}) and ${context}`, confidence: SIMILAR_NAME_CONFIDENCE };
  }
  return undefined;
}

function close(x: string, y: string): boolean {
  return editDistance(x, y) <= allowedEdits(Math.min(x.length, y.length));
}

/** An initial stands for any given name starting with it; otherwise equal or a misspelling. */
function compatibleGiven(x: string, y: string): boolean {
  return ((x.length === 1 || y.length === 1) && x[0] === y[0]) || close(x, y);
}

/**
 * Two full names whose given names cannot be one (Nawaz and Raheel Sharif):
 * a shared surname, or a bare-surname alias, does not make them one person.
 */
function givenNamesDiffer(a: string, b: string): boolean {
  const left = nameTokens(a).map(foldWord);
  const right = nameTokens(b).map(foldWord);
  return left.length >= 2 && right.length >= 2 && !compatibleGiven(left[0] as string, right[0] as string);
}

const KIND_OF_TYPE: Readonly<Record<string, EntityKind>> = { 'intrusion-set': 'group', 'threat-actor': 'group', location: 'place' };

/**
 * The people, organisations, groups and places of one report's objects, as
 * mentions for {@link EntityResolver.add}: the report is the one their
 * provenance names (or `reportId`), aliases come from `aliases` and the
 * `entente-person` extension, a person's role from `roles`, and the country
 * from the report's one country when it names exactly one.
 */
export function entityMentions(objects: readonly StixObject[], reportId: string): EntityMention[] {
  const countries = new Set(objects.filter((o) => o.type === 'location' && typeof o.country === 'string').map((o) => String(o.country).toUpperCase()));
  const country = countries.size === 1 ? [...countries][0] : undefined;
  return objects.flatMap((o): EntityMention[] => {
    if (typeof o.name !== 'string' || o.id === ENTENTE_IDENTITY.id) return [];
    const kind = o.type === 'identity' ? (o.identity_class === 'individual' ? 'person' : 'organization') : KIND_OF_TYPE[o.type];
    if (kind === undefined) return [];
    const extensions = (o.extensions ?? {}) as Record<string, { aliases?: unknown; report_ref?: unknown } | undefined>;
    const aliases = [o.aliases, extensions[PERSON_EXTENSION_ID]?.aliases].flatMap((list) => (Array.isArray(list) ? list : []))
      .filter((a): a is string => typeof a === 'string' && a !== o.name);
    const reportRef = extensions[PROVENANCE_EXTENSION_ID]?.report_ref;
    const role = Array.isArray(o.roles) && typeof o.roles[0] === 'string' ? o.roles[0] : undefined;
    const where = kind === 'place' && typeof o.country === 'string' ? String(o.country).toUpperCase() : country;
    return [{
      id: o.id,
      kind,
      name: o.name,
      aliases: [...new Set(aliases)],
      reportId: typeof reportRef === 'string' ? reportRef : reportId,
      ...(role !== undefined ? { role } : {}),
      ...(where !== undefined ? { country: where } : {}),
    }];
  });
}
