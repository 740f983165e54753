import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSeedArticle } from '../../shared-folder.js';
import { CORRECTION_EXTENSION_ID, INCIDENT_EXTENSION_ID, PROVENANCE_EXTENSION_ID, QUOTE_EXTENSION_ID, type CorrectionExtension } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import type { TestStore } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { expectRestError, signIn, type RestClient } from './rest-test-client.js';

/**
 * Every correction the ingest page offers (REST.md `POST /ingest/publish`
 * `corrections`), over real HTTP on the seed article: incident fields,
 * entities renamed, re-typed and dropped, a quote's speaker, the outlet and a
 * credited source; each lands in the published STIX with the extraction
 * provenance kept and a note saying the analyst corrected it, whose structured
 * record (entente-correction) the incident page reads. Each bad value
 * is refused with an error naming the correction's field and what to give.
 */

interface FieldCorrection {
  field: string;
  by: string;
  extracted: unknown;
  noteId: string;
}

interface Preview {
  report: { id: string };
  bundle: { type: 'bundle'; id: string; objects: StixObject[] };
  incidents: { id: string; place: { name?: string } }[];
  choices: { attackTypes: string[]; targetTypes: string[]; weaponTypes: string[]; datePrecisions: string[]; entityTypes: string[] };
}

export function ingestCorrectionsSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer;
  let writer: RestClient;
  let preview: Preview;
  let incidentId: string;
  const named = (name: string): StixObject => {
    const found = preview.bundle.objects.find((o) => o.name === name);
    if (found === undefined) throw new Error(`the seed preview has no object named ${name}`);
    return found;
  };
  const quoteOf = (speaker: string): StixObject => {
    const found = preview.bundle.objects.find((o) => o.type === 'note' && (o.extensions as Record<string, { speaker_name?: string }>)[QUOTE_EXTENSION_ID]?.speaker_name === speaker);
    if (found === undefined) throw new Error(`the seed preview has no quote of ${speaker}`);
    return found;
  };
  const publish = (corrections: unknown[]) => writer.post('/ingest/publish', { bundle: preview.bundle, collection: server.sharedId, marking: 'green', corrections });
  const stored = async (): Promise<StixObject[]> => {
    const rows = await server.db.selectFrom('objects').select('json').where('collection_id', '=', server.sharedId).execute();
    return rows.map((r) => JSON.parse(r.json) as StixObject);
  };

  beforeAll(async () => {
    server = await startTestServer(open);
    writer = await signIn(server, 'writer');
    const answer = await writer.post('/ingest/preview', { text: readSeedArticle(), outlet: 'Deutsche Welle digest', published: '2017-03-24' });
    expect(answer.status, answer.text).toBe(200);
    preview = answer.body as Preview;
    incidentId = preview.incidents.find((i) => i.place.name === 'Chechnya')?.id as string;
    expect(incidentId).toMatch(/^incident--/);
  }, 120_000);
  afterAll(async () => server.close());

  it('offers the GTD codebook names and the entity kinds as the only choices', () => {
    expect(preview.choices.attackTypes).toContain('Bombing/Explosion');
    expect(preview.choices.targetTypes).toContain('Military');
    expect(preview.choices.weaponTypes).toContain('Firearms');
    expect(preview.choices.entityTypes).toEqual(['individual', 'organization', 'group']);
    expect(preview.choices.datePrecisions).toEqual(['exact', 'day', 'month', 'year', 'approximate', 'unknown']);
  });

  it('publishes every correction into the STIX, keeps the extraction provenance and records that the analyst corrected it', async () => {
    const obama = named('Barack Obama').id;
    const guard = named('National Guard').id;
    const zolotovQuote = quoteOf('Viktor Zolotov').id;
    const dw = named('Deutsche Welle').id;
    const answer = await publish([
      { objectId: incidentId, field: 'description', value: 'Gunmen attacked a National Guard base in Chechnya.' },
      { objectId: incidentId, field: 'event_date', value: '2017-03-24' },
      { objectId: incidentId, field: 'date_precision', value: 'exact' },
      { objectId: incidentId, field: 'attack_types', value: ['Bombing/Explosion', 'Armed Assault'] },
      { objectId: incidentId, field: 'target_types', value: ['Police'] },
      { objectId: incidentId, field: 'weapon_types', value: ['Explosives', 'Firearms'] },
      { objectId: incidentId, field: 'perpetrators_killed', value: 6 },
      { objectId: incidentId, field: 'claimed', value: false },
      { objectId: obama, field: 'drop', value: true },
      { objectId: guard, field: 'entity_type', value: 'group' },
      { objectId: guard, field: 'name', value: 'Rosgvardia' },
      { objectId: zolotovQuote, field: 'speaker', value: 'Ramzan Kadyrov' },
      { objectId: preview.report.id, field: 'outlet', value: 'DW' },
      { objectId: dw, field: 'credited', value: false },
    ]);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.rejected).toEqual([]);
    const objects = await stored();
    const byId = new Map(objects.map((o) => [o.id, o]));

    const incident = byId.get(incidentId) as StixObject;
    expect(incident.description).toBe('Gunmen attacked a National Guard base in Chechnya.');
    expect(String(incident.modified) > String(incident.created)).toBe(true);
    const ext = (incident.extensions as Record<string, Record<string, unknown>>)[INCIDENT_EXTENSION_ID];
    expect(ext).toMatchObject({
      event_date: '2017-03-24', date_precision: 'exact', attack_types: ['Bombing/Explosion', 'Armed Assault'], target_types: ['Police'],
      weapon_types: ['Explosives', 'Firearms'], perpetrators_killed: { low: 6, high: 6, qualifier: 'exact' }, claimed: false,
    });
    const provenance = (incident.extensions as Record<string, { report_ref: string; evidence: unknown[]; source_refs?: string[]; source_names?: string[] }>)[PROVENANCE_EXTENSION_ID];
    expect(provenance?.report_ref).toBe(preview.report.id);
    expect(provenance?.evidence.length).toBeGreaterThan(0);
    expect(provenance?.source_refs ?? []).not.toContain(dw);
    expect(provenance?.source_names ?? []).not.toContain('Deutsche Welle');

    // Dropped: the entity and everything that pointed at it.
    expect(byId.has(obama)).toBe(false);
    expect(objects.some((o) => JSON.stringify(o).includes(`"${obama}"`))).toBe(false);
    // Re-typed and renamed: a group with its own id, every reference following it.
    expect(byId.has(guard)).toBe(false);
    const rosgvardia = objects.find((o) => o.name === 'Rosgvardia');
    expect(rosgvardia?.type).toBe('intrusion-set');
    expect(objects.some((o) => JSON.stringify(o).includes(`"${guard}"`))).toBe(false);
    // The quote's speaker, linked to the person the bundle already holds.
    const quote = (byId.get(zolotovQuote)?.extensions as Record<string, { speaker_name: string; speaker_ref?: string }>)[QUOTE_EXTENSION_ID];
    expect(quote).toMatchObject({ speaker_name: 'Ramzan Kadyrov', speaker_ref: named('Ramzan Kadyrov').id });
    const report = byId.get(preview.report.id) as StixObject & { external_references: { source_name: string }[]; created_by_ref: string };
    expect(report.external_references[0]?.source_name).toBe('DW');
    expect(byId.get(report.created_by_ref)?.name).toBe('DW');

    const record = objects.find((o) => o.type === 'note' && o.abstract === 'Corrected by the analyst') as StixObject & { content: string; authors: string[]; object_refs: string[] };
    expect(record.authors).toEqual(['writer']);
    expect(record.object_refs).toContain(incidentId);
    expect(record.content).toContain('attack types corrected to Bombing/Explosion, Armed Assault');
    expect(record.content).toContain('"Barack Obama"');
    expect(record.content).toContain('dropped by the analyst');
    expect(record.content).toContain('speaker corrected to "Ramzan Kadyrov"');
    const recorded = (record.extensions as Record<string, CorrectionExtension> | undefined)?.[CORRECTION_EXTENSION_ID];
    expect(recorded?.incident_corrections.map((c) => c.field)).toEqual([
      'description', 'event_date', 'date_precision', 'attack_types', 'target_types', 'weapon_types', 'perpetrators_killed', 'claimed',
    ]);
    expect(recorded?.incident_corrections.every((c) => c.incident_ref === incidentId)).toBe(true);
    expect(recorded?.incident_corrections.find((c) => c.field === 'attack_types')).toMatchObject({ extracted_value: ['Armed Assault'], corrected_value: ['Bombing/Explosion', 'Armed Assault'] });
    expect(recorded?.incident_corrections.find((c) => c.field === 'claimed')).toMatchObject({ corrected_value: false });
    // The note's extension is published with it.
    expect(byId.get(CORRECTION_EXTENSION_ID)?.name).toBe('entente-correction');

    const detail = await writer.get(`/incidents/${incidentId}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.attackTypes ?? detail.body.fields.find((f: { field: string }) => f.field === 'attackType')?.chosen.value).toEqual(expect.arrayContaining(['Bombing/Explosion']));
    expect(detail.body.quotes.filter((q: { speaker: { name: string } }) => q.speaker.name === 'Viktor Zolotov')).toEqual([]);
    const corrected = detail.body.corrections as FieldCorrection[];
    expect(corrected.map((c) => c.field).sort()).toEqual(['attackType', 'claimed', 'date', 'datePrecision', 'description', 'perpetratorsKilled', 'targetType', 'weaponType']);
    expect(corrected.find((c) => c.field === 'attackType')).toMatchObject({ by: 'writer', extracted: ['Armed Assault'], noteId: record.id });
  });

  it('shows the corrected fields on the incident page from the note\'s structured record, however its text is worded', async () => {
    const notes = (await stored()).filter((o) => o.type === 'note' && o.abstract === 'Corrected by the analyst');
    for (const note of notes) {
      await server.db.updateTable('objects').set({ json: JSON.stringify({ ...note, content: 'The analyst put a few things right.' }) }).where('id', '=', note.id).execute();
    }
    const detail = await writer.get(`/incidents/${incidentId}`);
    expect(detail.status, detail.text).toBe(200);
    const corrected = detail.body.corrections as FieldCorrection[];
    expect(corrected.find((c) => c.field === 'attackType')).toMatchObject({ by: 'writer', extracted: ['Armed Assault'] });
    expect(corrected.find((c) => c.field === 'claimed')).toBeDefined();
    const attackType = (detail.body.fields as { field: string; values: { corrected?: FieldCorrection }[] }[]).find((f) => f.field === 'attackType');
    expect(attackType?.values[0]?.corrected).toMatchObject({ by: 'writer', extracted: ['Armed Assault'] });
  });

  it('refuses each bad correction with an error naming the field and what to give', async () => {
    const guard = named('National Guard').id;
    const quote = quoteOf('Ramzan Kadyrov').id;
    const refusals: [unknown, RegExp][] = [
      [{ objectId: incidentId, field: 'attack_types', value: ['Drone strike'] }, /attack types.*"Drone strike" is not a GTD attack type; choose from Assassination/],
      [{ objectId: incidentId, field: 'target_types', value: [] }, /target types.*give at least one target type/],
      [{ objectId: incidentId, field: 'weapon_types', value: 'Firearms' }, /weapon types.*give at least one weapon type/],
      [{ objectId: incidentId, field: 'event_date', value: '2017-02-30' }, /event date.*"2017-02-30" is not a date/],
      [{ objectId: incidentId, field: 'date_precision', value: 'week' }, /date precision.*give one of exact, day/],
      [{ objectId: incidentId, field: 'perpetrators_killed', value: 'six' }, /perpetrators killed.*whole number/],
      [{ objectId: incidentId, field: 'claimed', value: 'yes' }, /claimed.*true or false/],
      [{ objectId: incidentId, field: 'description', value: '  ' }, /description.*non-empty text/],
      [{ objectId: guard, field: 'name', value: '' }, /name.*non-empty name/],
      [{ objectId: guard, field: 'entity_type', value: 'terrorist' }, /entity type.*give one of individual, organization, group/],
      [{ objectId: incidentId, field: 'entity_type', value: 'group' }, /entity type.*only a person, organisation or group/],
      [{ objectId: quote, field: 'speaker', value: '' }, /speaker.*name of the person quoted/],
      [{ objectId: guard, field: 'speaker', value: 'Kadyrov' }, /speaker.*only a quote has a speaker/],
      [{ objectId: incidentId, field: 'outlet', value: 'DW' }, /outlet.*only the report has an outlet/],
      [{ objectId: guard, field: 'credited', value: false }, /credited.*not credited as a source/],
      [{ objectId: named('Deutsche Welle').id, field: 'credited', value: true }, /credited.*give false/],
      [{ objectId: preview.report.id, field: 'drop', value: true }, /drop.*only an extracted entity, place, quote or incident/],
      [{ objectId: guard, field: 'drop', value: 'yes' }, /drop.*give true/],
      [{ objectId: 'identity--00000000-0000-4000-8000-000000000000', field: 'drop', value: true }, /no object with that id/],
    ];
    for (const [correction, message] of refusals) {
      const error = expectRestError(await publish([correction]), 400, 'validation');
      expect(error.message, JSON.stringify(correction)).toMatch(message);
      expect(error.details?.field, JSON.stringify(correction)).toMatch(/^corrections\.0\./);
    }
    const twice = expectRestError(await publish([{ objectId: guard, field: 'drop', value: true }, { objectId: guard, field: 'name', value: 'Rosgvardia' }]), 400, 'validation');
    expect(twice.message).toMatch(/Correction 2 .*dropped by an earlier correction/);
    const unknownField = expectRestError(await publish([{ objectId: incidentId, field: 'colour', value: 'red' }]), 400, 'validation');
    expect(unknownField.message).toMatch(/corrections\.0\.field/);
  });
}
