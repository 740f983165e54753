import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { validatedBatches } from '../cli/import-batches.js';
import { pullRule } from '../federation/pull.js';
import { openFederationTestDb, openPullFeed } from '../federation/test-support.js';
import type { StixObject } from '../stix/stix-object.js';
import { markedNote as note, markingDefinition as marking, statementMarking as statement } from '../stix/test-marking-objects.js';
import { TLP1_MARKING_IDS, TLP2_MARKINGS, tlpMarkingId } from '../stix/tlp.js';
import type { TestStore } from '../store/test-backends.js';
import { isStatementMarking, OPENCTI_EXTENSION_ID, type MarkingKinds } from '../stix/marking-rule.js';
import { levelsInWrite, markingLevels, storedMarkings } from './marking-resolution.js';
import { createOrganization } from './organizations.js';
import { publishObjects } from './publication.js';
import { describeOnBothBackends } from './test-database.js';

const GREEN = tlpMarkingId('green');

/** `object` with a granular marking `ref` on its content. */
function granular(object: StixObject, ref: string): StixObject {
  return { ...object, granular_markings: [{ marking_ref: ref, selectors: ['content'] }] };
}

function unmarked(): StixObject {
  return note();
}

describe('isStatementMarking', () => {
  it('is a statement marking-definition: definition_type statement, a definition that is only the statement, no extension but OpenCTI’s', () => {
    expect(isStatementMarking(statement())).toBe(true);
    expect(isStatementMarking(marking({ definition: { statement: 'Copyright' }, extensions: { [OPENCTI_EXTENSION_ID]: { extension_type: 'property-extension' } } }))).toBe(true);
    expect(isStatementMarking(marking({ name: 'Copyright', definition_type: 'statement', extensions: { [OPENCTI_EXTENSION_ID]: { order: 1 } } }))).toBe(true);
  });

  it('is nothing else, failing closed', () => {
    expect(isStatementMarking(marking({ definition_type: 'statement', definition: { statement: 'x', rule: 'eyes only' } }))).toBe(false);
    expect(isStatementMarking(marking({ definition_type: 'statement', definition: { statement: 3 } }))).toBe(false);
    expect(isStatementMarking(marking({ definition_type: 'statement', definition: 'x' }))).toBe(false);
    expect(isStatementMarking(marking({ definition_type: 'handling', definition: { statement: 'x' } }))).toBe(false);
    expect(isStatementMarking(marking({ definition_type: 'statement', definition: { statement: 'x' }, extensions: { [`extension-definition--${randomUUID()}`]: {} } }))).toBe(false);
    expect(isStatementMarking(marking({ definition_type: 'statement', definition: { statement: 'x' }, extensions: [] }))).toBe(false);
    expect(isStatementMarking(marking({ name: 'no definition' }))).toBe(false);
    expect(isStatementMarking({ ...statement(), type: 'note' })).toBe(false);
    // A TLP id is never a statement, whatever the object says (the validator refuses such a look-alike anyway).
    expect(isStatementMarking(statement('x', TLP1_MARKING_IDS.red))).toBe(false);
    expect(isStatementMarking(TLP2_MARKINGS.green)).toBe(false);
  });
});

describe('levels of one write', () => {
  it('passes over the statements of the write, keeps TLP 1.0 and 2.0 levels, and leaves any other ref unknown', () => {
    const s = statement();
    const custom = marking({ definition_type: 'handling', definition: { handling: 'NOFORN' } });
    const twice = statement('same id twice');
    const twiceOther = marking({ definition_type: 'handling', definition: { handling: 'x' } }, twice.id);
    const objects = [
      note([GREEN, s.id]),
      note([TLP1_MARKING_IDS.amber, s.id]),
      note([s.id]),
      note([GREEN, custom.id]),
      note([GREEN, `marking-definition--${randomUUID()}`]),
      note([GREEN, twice.id]),
      s,
      custom,
      twice,
      twiceOther,
    ];
    expect(levelsInWrite(objects).slice(0, 6)).toEqual(['green', 'amber', undefined, 'unknown', 'unknown', 'unknown']);
  });

  it('takes the most restrictive of the object-level and granular markings, statements passed over, anything else unknown', () => {
    const s = statement();
    const lang = { ...note([GREEN]), granular_markings: [{ lang: 'fr', selectors: ['content'] }] };
    const objects = [
      granular(note([GREEN]), tlpMarkingId('red')),
      granular(note([tlpMarkingId('amber')]), tlpMarkingId('clear')),
      granular(note([GREEN]), TLP1_MARKING_IDS.amber),
      granular(note([GREEN]), s.id),
      granular(note([GREEN]), `marking-definition--${randomUUID()}`),
      granular(note([GREEN, `marking-definition--${randomUUID()}`]), tlpMarkingId('clear')),
      lang,
      granular(unmarked(), s.id),
      s,
    ];
    expect(levelsInWrite(objects).slice(0, 8)).toEqual(['red', 'amber', 'amber', 'green', 'unknown', 'unknown', 'green', undefined]);
  });

  it('tightens the unmarked default with the granular markings of an object whose own markings give no level, never loosens it', () => {
    const s = statement();
    const objects = [granular(unmarked(), tlpMarkingId('red')), granular(unmarked(), tlpMarkingId('clear')), granular(note([s.id]), tlpMarkingId('red')), s];
    expect(levelsInWrite(objects, () => 'amber').slice(0, 3)).toEqual(['red', 'amber', 'red']);
    expect(levelsInWrite(objects, () => 'none').slice(0, 3)).toEqual(['none', 'none', 'none']);
    // Without the default, the writer that knows it must resolve again.
    expect(levelsInWrite(objects).slice(0, 3)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('asks the store about granular refs too', async () => {
    const storedStatement = `marking-definition--${randomUUID()}`;
    const asked: string[][] = [];
    const stored = (ids: readonly string[]): Promise<MarkingKinds> => {
      asked.push([...ids]);
      return Promise.resolve(new Map([[storedStatement, 'statement']]));
    };
    const absent = `marking-definition--${randomUUID()}`;
    expect(await markingLevels([granular(note([GREEN]), storedStatement), granular(note([GREEN]), absent)], stored)).toEqual(['green', 'unknown']);
    expect(asked).toEqual([[storedStatement, absent].sort()]);
  });

  it('resolves with the stored definitions, a stored definition that is not a statement overriding the write', async () => {
    const storedStatement = `marking-definition--${randomUUID()}`;
    const storedOther = statement('sent as a statement');
    const absent = `marking-definition--${randomUUID()}`;
    const asked: string[][] = [];
    const stored = (ids: readonly string[]): Promise<MarkingKinds> => {
      asked.push([...ids]);
      return Promise.resolve(new Map([[storedStatement, 'statement'], [storedOther.id, 'other']]));
    };
    const objects = [note([GREEN, storedStatement]), note([GREEN, storedOther.id]), note([GREEN, absent]), note([GREEN]), storedOther];
    expect((await markingLevels(objects, stored)).slice(0, 4)).toEqual(['green', 'unknown', 'unknown', 'green']);
    expect(asked).toEqual([[storedStatement, storedOther.id, absent].sort()]);
    asked.length = 0;
    expect(await markingLevels([note([GREEN]), note([])], stored)).toEqual(['green', undefined]);
    expect(asked).toEqual([]);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function bothBackends(open: () => Promise<TestStore>): void {
  async function setUp() {
    const fixture = await openFederationTestDb(open);
    cleanups.push(fixture.dispose);
    const other = await createOrganization(fixture.db, { name: `other ${randomUUID()}` });
    const level = async (id: string) =>
      (await fixture.db.selectFrom('objects').select('tlp').where('id', '=', id).executeTakeFirstOrThrow()).tlp;
    return { fixture, other, level };
  }

  it('counts a stored statement for the organisation that stored it only, and any stored non-statement for everybody', async () => {
    const { fixture, other } = await setUp();
    const ours = statement();
    const theirs = statement('theirs');
    const theirCustom = marking({ definition_type: 'handling', definition: { handling: 'NOFORN' } });
    const write = (orgId: string, objects: readonly StixObject[]) =>
      publishObjects(fixture.db, fixture.store, fixture.collectionId, { orgId, userId: null }, objects.map((object) => ({ object, json: JSON.stringify(object) })), { address: 'test', path: 'test' });
    await write(fixture.orgId, [ours]);
    await write(other.id, [theirs, theirCustom]);
    const ids = [ours.id, theirs.id, theirCustom.id, `marking-definition--${randomUUID()}`];
    expect(await storedMarkings(fixture.db, fixture.orgId)(ids)).toEqual(new Map([[ours.id, 'statement'], [theirCustom.id, 'other']]));
    expect(await storedMarkings(fixture.db, other.id)(ids)).toEqual(new Map([[theirs.id, 'statement'], [theirCustom.id, 'other']]));
    expect(await storedMarkings(fixture.db, null)(ids)).toEqual(new Map([[theirCustom.id, 'other']]));
  });

  it('entente import: a statement later in the same batch, or in an earlier batch, is known; one never written is not', async () => {
    const { fixture, level } = await setUp();
    const s = statement();
    const before = note([GREEN, s.id]);
    const after = note([tlpMarkingId('amber'), s.id]);
    const unknown = note([GREEN, `marking-definition--${randomUUID()}`]);
    const text = [before, s, after, unknown].map((o) => JSON.stringify(o)).join('\n');
    for (const batchSize of [1, 10]) {
      const collection = await fixture.store.createCollection({ title: `import ${batchSize}` });
      for await (const batch of validatedBatches(Readable.from([Buffer.from(text)]), 'test', batchSize)) {
        if (batch.objects.length > 0) {
          await publishObjects(fixture.db, fixture.store, collection.id, { orgId: fixture.orgId, userId: null }, batch.objects, { address: 'test', path: 'import' });
        }
      }
    }
    // Batches of one, first: the statement is stored before `after`, not before `before` (unknown there). One batch,
    // then: the statement is in the same write (and stored by the same organisation too).
    const rows = await fixture.db.selectFrom('objects').select(['id', 'tlp', 'collection_id']).where('id', 'in', [before.id, after.id, unknown.id]).execute();
    const byCollection = (id: string) => rows.filter((r) => r.id === id).map((r) => r.tlp).sort();
    expect(byCollection(before.id)).toEqual(['green', 'unknown']);
    expect(byCollection(after.id)).toEqual(['amber', 'amber']);
    expect(byCollection(unknown.id)).toEqual(['unknown', 'unknown']);
    // A statement definition written unmarked is CLEAR, not the default: whoever reads an object it marks may look it up.
    expect(await level(s.id)).toBe('clear');
  });

  it('entente import and federation pull: a granular marking tightens the whole object, a granular statement does not', async () => {
    const { fixture, level } = await setUp();
    const s = statement();
    const redDescription = granular(note([GREEN]), tlpMarkingId('red'));
    const statementDescription = granular(note([GREEN]), s.id);
    const unknownDescription = granular(note([GREEN]), `marking-definition--${randomUUID()}`);
    // No object-level marking: the default of the organisation (AMBER), tightened to RED; a CLEAR one loosens nothing.
    const onlyRed = granular(unmarked(), tlpMarkingId('red'));
    const onlyClear = granular(unmarked(), tlpMarkingId('clear'));
    const imported = [s, redDescription, statementDescription, unknownDescription, onlyRed, onlyClear];
    const text = imported.map((o) => JSON.stringify(o)).join('\n');
    for await (const batch of validatedBatches(Readable.from([Buffer.from(text)]), 'test', 10)) {
      if (batch.objects.length > 0) {
        await publishObjects(fixture.db, fixture.store, fixture.collectionId, { orgId: fixture.orgId, userId: null }, batch.objects, { address: 'test', path: 'import' });
      }
    }
    expect(await Promise.all(imported.slice(1).map((o) => level(o.id)))).toEqual(['red', 'green', 'unknown', 'red', 'amber']);

    const { server, client, partner, rule, source } = await openPullFeed(fixture, cleanups, { pageSize: 10, name: 'granular-feed' });
    const pulledStatement = statement('from the feed');
    const pulled = [
      granular(note([GREEN]), tlpMarkingId('red')),
      granular(note([GREEN]), pulledStatement.id),
      granular(note([GREEN]), `marking-definition--${randomUUID()}`),
      granular(unmarked(), tlpMarkingId('amber')),
      granular(unmarked(), tlpMarkingId('green')),
    ];
    for (const object of [pulledStatement, ...pulled]) server.add(JSON.stringify(object));
    await pullRule(
      { store: fixture.store, client, pageSize: 10, unmarkedTlp: 'green', storedMarkings: storedMarkings(fixture.db, fixture.orgId) },
      partner,
      rule,
      source,
    );
    expect(await Promise.all(pulled.map((o) => level(o.id)))).toEqual(['red', 'green', 'unknown', 'amber', 'green']);
  });

  it('federation pull: a statement on the same page or stored from the same partner is known; one from another organisation is not', async () => {
    const { fixture, other, level } = await setUp();
    const { server, client, partner, rule, source } = await openPullFeed(fixture, cleanups, { pageSize: 3, name: 'feed' });
    const theirs = statement('stored by another organisation');
    await publishObjects(fixture.db, fixture.store, fixture.collectionId, { orgId: other.id, userId: null }, [{ object: theirs, json: JSON.stringify(theirs) }], { address: 'test', path: 'test' });
    const s = statement('from the feed');
    // Pages of three: [samePage, s, statementOnly], then, from just before the last, [statementOnly, later, squatted].
    const samePage = note([GREEN, s.id]);
    const statementOnly = note([s.id]);
    const later = note([GREEN, s.id]);
    const squatted = note([GREEN, theirs.id]);
    for (const object of [samePage, s, statementOnly, later, squatted]) server.add(JSON.stringify(object));
    await pullRule(
      { store: fixture.store, client, pageSize: 3, unmarkedTlp: 'amber+strict', storedMarkings: storedMarkings(fixture.db, fixture.orgId) },
      partner,
      rule,
      source,
    );
    expect(await level(samePage.id)).toBe('green');
    expect(await level(statementOnly.id)).toBe('amber+strict');
    expect(await level(later.id)).toBe('green');
    expect(await level(squatted.id)).toBe('unknown');
  });
}

await describeOnBothBackends(bothBackends);
