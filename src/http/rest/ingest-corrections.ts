import { z } from 'zod';
import { EntenteError } from '../../errors.js';
import { correctionRecord, incidentCorrection } from '../../stix/correction-record.js';
import {
  CORRECTION_EXTENSION,
  ENTENTE_IDENTITY,
  INCIDENT_EXTENSION_ID,
  PERSON_EXTENSION_ID,
  PROVENANCE_EXTENSION_ID,
  QUOTE_EXTENSION_ID,
  DATE_PRECISIONS,
  type Count,
  type IncidentCorrection,
  type IncidentCorrectionField,
  type IncidentExtension,
  type PersonExtension,
  type ProvenanceExtension,
  type QuoteExtension,
} from '../../stix/extensions.js';
import { GTD_ATTACK_TYPES, GTD_TARGET_TYPES, GTD_WEAPON_TYPES } from '../../stix/gtd-codebook.js';
import { deterministicId, randomId } from '../../stix/identifier.js';
import type { StixObject } from '../../stix/stix-object.js';
import { nextVersionTimestamp } from '../../stix/timestamp.js';
import { extensionOf } from '../../store/incident-index-projection.js';

/**
 * The analyst's corrections of an ingest preview (REST.md `POST /ingest/publish`):
 * every field the preview shows — incident fields, an entity's name and kind,
 * a quote's speaker, the outlet, which sources are credited — and dropping a
 * wrongly extracted entity, place, quote or incident. The extraction provenance
 * of each object stays; what the analyst changed is recorded in a STIX note
 * ("Corrected by the analyst", authored by the user) published with the bundle
 * — in words for people, and each incident field also as structured data
 * (`entente-correction`, stix/correction-record.ts) for the incident page —
 * and every corrected object is a new version (`modified`, STIX 2.1 §3.6).
 */

export const CORRECTION_FIELDS = [
  'name', 'description', 'event_date', 'date_precision', 'attack_types', 'target_types', 'weapon_types',
  'victims_killed', 'perpetrators_killed', 'wounded', 'claimed',
  'entity_type', 'speaker', 'outlet', 'credited', 'drop',
] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

export const Correction = z.object({
  objectId: z.string().max(200),
  field: z.enum(CORRECTION_FIELDS),
  value: z.union([z.string().max(10_000), z.number().int().min(0).max(10_000_000), z.boolean(), z.array(z.string().max(200)).max(50), z.null()]),
}).strict();
export type CorrectionInput = z.infer<typeof Correction>;

/** The kinds of entity an analyst may choose; a group is an intrusion-set, the others identities of that class. */
export const ENTITY_TYPES = ['individual', 'organization', 'group'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

/** The coded values the pipeline gives incidents (GTD codebook names, date precisions), offered to the console as the only choices. */
export const CODEBOOK = { attackTypes: GTD_ATTACK_TYPES, targetTypes: GTD_TARGET_TYPES, weaponTypes: GTD_WEAPON_TYPES, datePrecisions: DATE_PRECISIONS } as const;
const CODEBOOK_OF = { attack_types: ['attack type', GTD_ATTACK_TYPES], target_types: ['target type', GTD_TARGET_TYPES], weapon_types: ['weapon type', GTD_WEAPON_TYPES] } as const;

const DROPPABLE = new Set(['identity', 'intrusion-set', 'location', 'note', 'incident']);

type Mutable = Record<string, unknown> & { id: string; type: string };

export interface Corrected {
  readonly objects: StixObject[];
  /** The STIX note recording the corrections, or undefined when there were none. */
  readonly record: StixObject | undefined;
}

/**
 * Applies the corrections in order, each on the object it names (by the id the
 * preview showed, even if an earlier correction re-identified it). A value the
 * field cannot take is refused with an error naming the correction, the field
 * and what to give instead; nothing is applied then.
 */
export function applyCorrections(objects: readonly StixObject[], corrections: readonly CorrectionInput[], analyst: string): Corrected {
  const state = new Bundle(objects);
  const lines: string[] = [];
  corrections.forEach((correction, index) => {
    const line = state.apply(correction, index);
    if (line !== undefined) lines.push(line);
  });
  const result = state.objects();
  if (lines.length === 0) return { objects: result, record: undefined };
  const report = result.find((o) => o.type === 'report');
  const refs = [...new Set([...state.touched].filter((id) => result.some((o) => o.id === id)))];
  // An incident dropped by a later correction has no corrected fields left to show.
  const recorded = correctionRecord(state.incidentCorrections.filter((c) => result.some((o) => o.id === c.incident_ref)));
  // The note's extension is defined in the same bundle, as ingest publishes the others (a bundle from an older preview may lack it).
  if (recorded !== undefined && !result.some((o) => o.id === CORRECTION_EXTENSION.id)) result.push(CORRECTION_EXTENSION);
  const now = new Date().toISOString();
  const noteId = randomId('note');
  // The report lists the note, so whoever reads the report's objects (the incident page) finds it, through the same access policy.
  if (report !== undefined) {
    const reportObject = report as unknown as Mutable;
    reportObject.object_refs = [...(Array.isArray(reportObject.object_refs) ? (reportObject.object_refs as string[]) : []), noteId];
    reportObject.modified = nextVersionTimestamp(String(reportObject.modified ?? reportObject.created ?? ''));
  }
  const record = {
    type: 'note',
    spec_version: '2.1',
    id: noteId,
    created: now,
    modified: now,
    abstract: 'Corrected by the analyst',
    content: lines.join('\n'),
    authors: [analyst],
    object_refs: refs.length > 0 ? refs : [report?.id ?? ENTENTE_IDENTITY.id],
    ...(recorded !== undefined ? { extensions: recorded } : {}),
  } as StixObject;
  return { objects: result, record };
}

class Bundle {
  private readonly byId = new Map<string, Mutable>();
  /** Preview id → current id, for objects an earlier correction re-identified. */
  private readonly renamedIds = new Map<string, string>();
  private readonly dropped = new Set<string>();
  readonly touched = new Set<string>();
  /** Each incident field corrected, with what the extraction had said, for the note's structured record. */
  readonly incidentCorrections: IncidentCorrection[] = [];

  constructor(objects: readonly StixObject[]) {
    // Mutable copies: the corrections are applied field by field.
    for (const object of objects) this.byId.set(object.id, structuredClone(object) as Mutable);
  }

  objects(): StixObject[] {
    return [...this.byId.values()] as unknown as StixObject[];
  }

  apply(correction: CorrectionInput, index: number): string | undefined {
    const currentId = this.resolve(correction.objectId);
    const object = this.byId.get(currentId);
    const fail = (why: string) =>
      new EntenteError('invalid_input', `Correction ${index + 1} (${label(correction.field)} of ${object === undefined ? correction.objectId : describe(object)}): ${why}`, {
        field: `corrections.${index}.${correction.field}`,
        objectId: correction.objectId,
      });
    if (this.dropped.has(currentId)) throw fail('that object was dropped by an earlier correction');
    if (object === undefined) throw fail('no object with that id is in the bundle');
    const value = correction.value;
    const before = describe(object);
    switch (correction.field) {
      case 'name':
        return this.rename(object, text(value, fail, 'give a non-empty name'), fail, before);
      case 'description': {
        const extracted = object.description;
        object.description = text(value, fail, 'give a non-empty text');
        return this.touch(object, this.record(object, 'description', extracted, object.description, `${before}: description corrected`));
      }
      case 'entity_type':
        return this.retype(object, value, fail, before);
      case 'speaker':
        return this.speaker(object, text(value, fail, 'give the name of the person quoted'), fail, before);
      case 'outlet':
        return this.outlet(object, text(value, fail, 'give the name of the outlet'), fail, before);
      case 'credited':
        if (value !== false) throw fail('give false to stop crediting this source (a source is credited only where the text credits it)');
        return this.uncredit(object, fail, before);
      case 'drop':
        if (value !== true) throw fail('give true to drop this object');
        if (!DROPPABLE.has(object.type)) throw fail('only an extracted entity, place, quote or incident can be dropped');
        this.drop(object.id);
        return `${before}: dropped by the analyst`;
      default:
        return this.incidentField(object, correction.field, value, fail, before);
    }
  }

  private resolve(id: string): string {
    let current = id;
    for (let hops = 0; hops < 1000 && this.renamedIds.has(current); hops += 1) current = this.renamedIds.get(current) as string;
    return current;
  }

  private touch(object: Mutable, line: string): string {
    object.modified = nextVersionTimestamp(String(object.modified ?? object.created ?? ''));
    this.touched.add(object.id);
    return line;
  }

  /**
   * Records an incident field's correction for the note's structured record,
   * and gives the note's line the value the extraction had, for whoever reads
   * the note. Only incidents' fields are recorded.
   */
  private record(object: Mutable, field: IncidentCorrectionField, extracted: unknown, corrected: unknown, line: string): string {
    if (object.type !== 'incident') return line;
    this.incidentCorrections.push(incidentCorrection(object.id, field, extracted, corrected));
    return `${line} (extracted: ${JSON.stringify(extracted ?? null)})`;
  }

  private incidentField(object: Mutable, field: CorrectionField, value: CorrectionInput['value'], fail: (why: string) => EntenteError, before: string): string {
    const ext = object.type === 'incident' ? extensionOf<IncidentExtension>(object as unknown as StixObject, INCIDENT_EXTENSION_ID) : undefined;
    if (ext === undefined) throw fail('only incidents have this field');
    const previous = field in ext ? (ext as unknown as Record<string, unknown>)[field] : undefined;
    const extracted = previous !== null && typeof previous === 'object' && !Array.isArray(previous) ? ((previous as Count).low ?? (previous as Count).high) : previous;
    const corrected = (name: IncidentCorrectionField, to: unknown, line: string) => this.touch(object, this.record(object, name, extracted, to, line));
    switch (field) {
      case 'event_date':
        if (typeof value !== 'string' || !isCalendarDate(value)) throw fail(`"${String(value)}" is not a date; give YYYY, YYYY-MM or YYYY-MM-DD`);
        ext.event_date = value;
        ext.date_precision = value.length === 10 ? 'day' : value.length === 7 ? 'month' : 'year';
        return corrected(field, value, `${before}: date corrected to ${value}`);
      case 'date_precision':
        if (typeof value !== 'string' || !(DATE_PRECISIONS as readonly string[]).includes(value)) throw fail(`give one of ${DATE_PRECISIONS.join(', ')}`);
        ext.date_precision = value as IncidentExtension['date_precision'];
        return corrected(field, value, `${before}: date precision corrected to ${value}`);
      case 'attack_types':
      case 'target_types':
      case 'weapon_types': {
        const [what, names] = CODEBOOK_OF[field];
        if (!Array.isArray(value) || value.length === 0) throw fail(`give at least one ${what} (use "Unknown" when not known)`);
        const unknown = value.filter((name) => !(names as readonly string[]).includes(name));
        if (unknown.length > 0) throw fail(`"${unknown[0]}" is not a GTD ${what}; choose from ${names.join(', ')}`);
        ext[field] = [...new Set(value)];
        return corrected(field, ext[field], `${before}: ${what}s corrected to ${ext[field].join(', ')}`);
      }
      case 'victims_killed':
      case 'perpetrators_killed':
      case 'wounded':
        if (value === null) delete ext[field];
        else if (typeof value === 'number') ext[field] = exact(ext[field], value);
        else throw fail('give a whole number of people, or null to remove the figure');
        return corrected(field, value, `${before}: ${label(field)} corrected to ${value === null ? 'no figure' : value}`);
      case 'claimed':
        if (typeof value !== 'boolean') throw fail('give true or false');
        ext.claimed = value;
        return corrected(field, value, `${before}: claimed corrected to ${value ? 'yes' : 'no'}`);
      default:
        throw fail('this field cannot be corrected');
    }
  }

  private rename(object: Mutable, name: string, fail: (why: string) => EntenteError, before: string): string {
    if (typeof object.name !== 'string') throw fail('this object has no name');
    if (object.type === 'identity' || object.type === 'intrusion-set') {
      const kind = entityTypeOf(object);
      this.reshape(object, name, kind, fail);
      return `${before}: renamed ${JSON.stringify(name)} by the analyst`;
    }
    const extracted = object.name;
    object.name = name;
    return this.touch(object, this.record(object, 'name', extracted, name, `${before}: renamed ${JSON.stringify(name)} by the analyst`));
  }

  private retype(object: Mutable, value: CorrectionInput['value'], fail: (why: string) => EntenteError, before: string): string {
    if (object.type !== 'identity' && object.type !== 'intrusion-set') throw fail('only a person, organisation or group has an entity type');
    if (typeof value !== 'string' || !(ENTITY_TYPES as readonly string[]).includes(value)) throw fail(`give one of ${ENTITY_TYPES.join(', ')}`);
    this.reshape(object, String(object.name), value as EntityType, fail);
    return `${before}: corrected to a${value === 'individual' ? 'n individual' : value === 'organization' ? 'n organization' : ' group'} by the analyst`;
  }

  /**
   * An entity renamed or re-typed takes the deterministic id of what it now is,
   * so that it never publishes a new version of another report's entity; every
   * reference follows, and if the bundle already holds that entity the two merge.
   */
  private reshape(object: Mutable, name: string, kind: EntityType, fail: (why: string) => EntenteError): void {
    const previousName = String(object.name);
    const newType = kind === 'group' ? 'intrusion-set' : 'identity';
    const newId = newType === 'intrusion-set' ? deterministicId('intrusion-set', { name }) : deterministicId('identity', { name, identity_class: kind });
    if (newType === 'identity' && object.type === 'identity' && object.description === 'News outlet' && this.isOutlet(object.id)) {
      throw fail('this is the outlet; correct it with the outlet field');
    }
    const aliases = aliasesOf(object);
    object.name = name;
    if (newType === 'intrusion-set') {
      delete object.identity_class;
      delete object.roles;
      const extensions = { ...(object.extensions as Record<string, unknown>) };
      delete extensions[PERSON_EXTENSION_ID];
      object.extensions = extensions;
      if (aliases.length > 0) object.aliases = aliases;
    } else {
      delete object.aliases;
      object.identity_class = kind;
      const extensions = { ...(object.extensions as Record<string, unknown>) };
      if (kind === 'individual' && aliases.length > 0) extensions[PERSON_EXTENSION_ID] = { extension_type: 'property-extension', aliases } satisfies PersonExtension;
      else delete extensions[PERSON_EXTENSION_ID];
      object.extensions = extensions;
    }
    object.type = newType;
    this.renameCredits(object.id, previousName, name);
    for (const other of this.byId.values()) {
      const quote = other.type === 'note' ? extensionOf<QuoteExtension>(other as unknown as StixObject, QUOTE_EXTENSION_ID) : undefined;
      if (quote?.speaker_ref === object.id) {
        quote.speaker_name = name;
        other.abstract = `${quote.kind === 'direct' ? 'Quote' : 'Reported speech'} of ${name}`;
        other.authors = [name];
        this.touch(other, '');
      }
    }
    if (newId === object.id) {
      this.touch(object, '');
      return;
    }
    const oldId = object.id;
    this.byId.delete(oldId);
    this.renamedIds.set(oldId, newId);
    this.touched.delete(oldId);
    if (!this.byId.has(newId)) {
      object.id = newId;
      this.byId.set(newId, object);
      this.touch(object, '');
    }
    this.rewriteReferences(oldId, newId);
  }

  private isOutlet(id: string): boolean {
    return [...this.byId.values()].some((o) => o.type === 'report' && o.created_by_ref === id);
  }

  private speaker(object: Mutable, name: string, fail: (why: string) => EntenteError, before: string): string {
    const quote = object.type === 'note' ? extensionOf<QuoteExtension>(object as unknown as StixObject, QUOTE_EXTENSION_ID) : undefined;
    if (quote === undefined) throw fail('only a quote has a speaker');
    const person = [...this.byId.values()].find((o) => o.type === 'identity' && o.identity_class === 'individual' && typeof o.name === 'string' && o.name.toLowerCase() === name.toLowerCase());
    const report = [...this.byId.values()].find((o) => o.type === 'report');
    quote.speaker_name = name;
    if (person !== undefined) quote.speaker_ref = person.id;
    else delete quote.speaker_ref;
    object.abstract = `${quote.kind === 'direct' ? 'Quote' : 'Reported speech'} of ${name}`;
    object.authors = [name];
    object.object_refs = [person?.id ?? report?.id ?? ENTENTE_IDENTITY.id];
    return this.touch(object, `${before}: speaker corrected to ${JSON.stringify(name)} by the analyst`);
  }

  private outlet(object: Mutable, name: string, fail: (why: string) => EntenteError, before: string): string {
    if (object.type !== 'report') throw fail('only the report has an outlet');
    if (name.length > 200) throw fail('give an outlet name of at most 200 characters');
    const references = Array.isArray(object.external_references) ? (object.external_references as Record<string, unknown>[]) : [];
    object.external_references = references.length === 0 ? [{ source_name: name }] : [{ ...references[0], source_name: name }, ...references.slice(1)];
    const outletId = deterministicId('identity', { name, identity_class: 'organization' });
    const previous = typeof object.created_by_ref === 'string' ? this.byId.get(object.created_by_ref) : undefined;
    if (!this.byId.has(outletId)) {
      const now = String(object.modified ?? object.created);
      this.byId.set(outletId, { type: 'identity', spec_version: '2.1', id: outletId, created: now, modified: now, name, identity_class: 'organization', description: 'News outlet' });
    }
    object.created_by_ref = outletId;
    if (previous !== undefined && previous.id !== outletId && previous.description === 'News outlet' && !this.isReferenced(previous.id, object.id)) {
      this.byId.delete(previous.id);
      this.rewriteReferences(previous.id, outletId);
    }
    return this.touch(object, `${before}: outlet corrected to ${JSON.stringify(name)} by the analyst`);
  }

  private uncredit(object: Mutable, fail: (why: string) => EntenteError, before: string): string {
    if (object.type !== 'identity' && object.type !== 'intrusion-set') throw fail('only a person, organisation or group is credited as a source');
    let credited = false;
    for (const other of this.byId.values()) {
      const provenance = extensionOf<ProvenanceExtension>(other as unknown as StixObject, PROVENANCE_EXTENSION_ID);
      if (provenance === undefined) continue;
      const refs = provenance.source_refs ?? [];
      const names = provenance.source_names ?? [];
      if (!refs.includes(object.id) && !names.includes(String(object.name))) continue;
      credited = true;
      setOrDelete(provenance, 'source_refs', refs.filter((ref) => ref !== object.id));
      setOrDelete(provenance, 'source_names', names.filter((n) => n !== object.name));
      this.touch(other, '');
    }
    if (!credited) throw fail('this entity is not credited as a source anywhere in the report');
    this.touched.add(object.id);
    return `${before}: no longer credited as a source, by the analyst`;
  }

  private drop(id: string): void {
    const object = this.byId.get(id);
    if (object === undefined) return;
    this.byId.delete(id);
    this.dropped.add(id);
    this.touched.delete(id);
    if (typeof object.name === 'string') this.renameCredits(id, object.name, undefined);
    for (const other of [...this.byId.values()]) {
      if (other.type === 'relationship' && (other.source_ref === id || other.target_ref === id)) {
        this.drop(other.id);
        continue;
      }
      if (replaceReferences(other, id, undefined)) {
        // A note that referred only to what was dropped has nothing left to be about.
        if (other.type === 'note' && (!Array.isArray(other.object_refs) || other.object_refs.length === 0)) {
          const report = [...this.byId.values()].find((o) => o.type === 'report');
          if (report === undefined) {
            this.drop(other.id);
            continue;
          }
          other.object_refs = [report.id];
        }
        if (other.type === 'report' && (!Array.isArray(other.object_refs) || other.object_refs.length === 0)) other.object_refs = [ENTENTE_IDENTITY.id];
        this.touch(other, '');
      }
    }
  }

  /** Every provenance crediting `id` names it by its new name (or no longer, when undefined). */
  private renameCredits(id: string, previous: string, next: string | undefined): void {
    for (const other of this.byId.values()) {
      const provenance = extensionOf<ProvenanceExtension>(other as unknown as StixObject, PROVENANCE_EXTENSION_ID);
      if (provenance === undefined || !(provenance.source_refs ?? []).includes(id)) continue;
      const names = (provenance.source_names ?? []).flatMap((n) => (n === previous ? (next === undefined ? [] : [next]) : [n]));
      setOrDelete(provenance, 'source_names', [...new Set(names)]);
      this.touch(other, '');
    }
  }

  /** Whether an object other than `id` and `except` refers to `id` (a text that merely names the id is no reference). */
  private isReferenced(id: string, except: string): boolean {
    return [...this.byId.values()].some((o) => o.id !== except && o.id !== id && refersTo(o, id));
  }

  private rewriteReferences(oldId: string, newId: string): void {
    for (const other of this.byId.values()) if (replaceReferences(other, oldId, newId)) this.touch(other, '');
  }
}

function text(value: CorrectionInput['value'], fail: (why: string) => EntenteError, why: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(why);
  return value.trim();
}

function label(field: string): string {
  return field.replace(/_/g, ' ');
}

function describe(object: Mutable): string {
  const kind = object.type === 'note' ? 'quote' : object.type === 'intrusion-set' ? 'group' : object.type === 'identity' ? String(object.identity_class ?? 'identity') : object.type;
  const name = typeof object.name === 'string' ? object.name : object.type === 'note' ? `of ${String((extensionOf<QuoteExtension>(object as unknown as StixObject, QUOTE_EXTENSION_ID))?.speaker_name ?? '')}` : '';
  return `${kind} ${JSON.stringify(name)} (${object.id})`;
}

function entityTypeOf(object: Mutable): EntityType {
  if (object.type === 'intrusion-set') return 'group';
  return object.identity_class === 'individual' ? 'individual' : 'organization';
}

function aliasesOf(object: Mutable): string[] {
  if (Array.isArray(object.aliases)) return object.aliases.filter((a): a is string => typeof a === 'string');
  return extensionOf<PersonExtension>(object as unknown as StixObject, PERSON_EXTENSION_ID)?.aliases ?? [];
}

function setOrDelete<K extends 'source_refs' | 'source_names'>(provenance: ProvenanceExtension, key: K, list: string[]): void {
  // The provenance lists are never empty (extension schema): an emptied one goes.
  if (list.length > 0) provenance[key] = list;
  else delete provenance[key];
}

interface ReferenceSite {
  readonly holder: Record<string, unknown>;
  readonly key: string;
}

/** Every `*_ref` and `*_refs` property of `value` at any depth (extensions, embedded objects), with the object holding it. */
function referenceSites(value: unknown): ReferenceSite[] {
  if (Array.isArray(value)) return value.flatMap(referenceSites);
  if (typeof value !== 'object' || value === null) return [];
  const holder = value as Record<string, unknown>;
  return Object.entries(holder).flatMap(([key, item]) => (key.endsWith('_ref') || key.endsWith('_refs') ? [{ holder, key }] : referenceSites(item)));
}

function refersTo(value: unknown, id: string): boolean {
  return referenceSites(value).some(({ holder, key }) => {
    const item = holder[key];
    return item === id || (Array.isArray(item) && item.includes(id));
  });
}

/**
 * Replaces `id` in every reference of `value` by `replacement`, or removes it
 * when that is undefined; true when something changed. An emptied list goes,
 * except `object_refs`, which is required: the caller gives it a new subject.
 */
function replaceReferences(value: unknown, id: string, replacement: string | undefined): boolean {
  let changed = false;
  for (const { holder, key } of referenceSites(value)) {
    const item = holder[key];
    if (item === id) {
      if (replacement === undefined) delete holder[key];
      else holder[key] = replacement;
      changed = true;
    } else if (Array.isArray(item) && item.includes(id)) {
      // A list may now name the same object twice.
      const rest = [...new Set(item.flatMap((ref: unknown) => (ref !== id ? [ref] : replacement === undefined ? [] : [replacement])))];
      if (rest.length > 0 || key === 'object_refs') holder[key] = rest;
      else delete holder[key];
      changed = true;
    }
  }
  return changed;
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (match === null) return false;
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(Number(match[1]), month, 0)).getUTCDate();
}

function exact(previous: Count | undefined, value: number): Count {
  return { low: value, high: value, qualifier: 'exact', text: previous?.text ?? '' };
}
