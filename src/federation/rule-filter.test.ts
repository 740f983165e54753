import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { storedMarkings } from '../access/marking-resolution.js';
import { describeOnBothBackends } from '../access/test-database.js';
import { markedNote as note, statementMarking as statement } from '../stix/test-marking-objects.js';
import { tlpMarkingId } from '../stix/tlp.js';
import type { TestStore } from '../store/test-backends.js';
import type { RuleFilters } from './partners.js';
import { pullRule } from './pull.js';
import { passesFilters, storedFilterLevel } from './rule-filter.js';
import { openFederationTestDb, openPullFeed } from './test-support.js';

const GREEN = tlpMarkingId('green');

function markings(...names: string[]): RuleFilters {
  return { types: [], markings: names, labels: [] };
}

describe('passesFilters', () => {
  it('judges `markings` by the level given, `none` when the markings give none', () => {
    const s = statement();
    const greenStatement = note([GREEN, s.id]);
    expect(passesFilters(greenStatement, markings('green'), 'green')).toBe(true);
    expect(passesFilters(greenStatement, markings('unknown'), 'green')).toBe(false);
    expect(passesFilters(note([s.id]), markings('none'), 'none')).toBe(true);
    expect(passesFilters(note([GREEN]), markings('clear', 'green'), 'red')).toBe(false);
  });

  it('matches marking-definition ids, granular ones too', () => {
    const s = statement();
    const statementDescription = note([GREEN], { granular_markings: [{ marking_ref: s.id, selectors: ['content'] }] });
    expect(passesFilters(statementDescription, markings(s.id), 'green')).toBe(true);
    expect(passesFilters(note([GREEN]), markings(s.id), 'green')).toBe(false);
  });
});

describe('storedFilterLevel', () => {
  it('is the stored level of an object whose markings gave one, `none` for one that took the default', () => {
    const s = statement();
    const redDescription = note([GREEN], { granular_markings: [{ marking_ref: tlpMarkingId('red'), selectors: ['content'] }] });
    expect(storedFilterLevel(redDescription, 'red')).toBe('red');
    expect(storedFilterLevel(note([GREEN, s.id]), 'green')).toBe('green');
    // Granular markings alone tighten the default: the level they gave is the stored one.
    expect(storedFilterLevel(note(undefined, { granular_markings: [{ marking_ref: GREEN, selectors: ['content'] }] }), 'amber')).toBe('amber');
    expect(storedFilterLevel(note(), 'amber')).toBe('none');
    expect(storedFilterLevel(note([s.id], { granular_markings: [{ marking_ref: s.id, selectors: ['content'] }] }), 'amber')).toBe('none');
    // A statement not known when the object was written left it unknown.
    expect(storedFilterLevel(note([s.id]), 'unknown')).toBe('unknown');
    expect(storedFilterLevel(note([GREEN]), undefined)).toBe('unknown');
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function bothBackends(open: () => Promise<TestStore>): void {
  it('a pull rule filtered to `markings: green` keeps a GREEN object with a statement beside it or on a property, as it is stored', async () => {
    const fixture = await openFederationTestDb(open);
    cleanups.push(fixture.dispose);
    const { server, client, partner, rule, source } = await openPullFeed(fixture, cleanups, { pageSize: 10, name: 'green-feed', filters: { markings: ['green'] } });
    const s = statement();
    const greenStatement = note([GREEN, s.id]);
    const statementDescription = note([GREEN], { granular_markings: [{ marking_ref: s.id, selectors: ['content'] }] });
    const redDescription = note([GREEN], { granular_markings: [{ marking_ref: tlpMarkingId('red'), selectors: ['content'] }] });
    const unknown = note([GREEN, `marking-definition--${randomUUID()}`]);
    for (const object of [s, greenStatement, statementDescription, redDescription, unknown]) server.add(JSON.stringify(object));
    const counts = await pullRule(
      { store: fixture.store, client, pageSize: 10, unmarkedTlp: 'amber', storedMarkings: storedMarkings(fixture.db, fixture.orgId) },
      partner,
      rule,
      source,
    );
    const rows = await fixture.db.selectFrom('objects').select(['id', 'tlp']).execute();
    expect(new Map(rows.map((r) => [r.id, r.tlp]))).toEqual(new Map([[greenStatement.id, 'green'], [statementDescription.id, 'green']]));
    // The statement itself carries no marking (`none`), the RED property and the unknown marking are not GREEN.
    expect(counts.filtered).toBe(3);
  });
}

await describeOnBothBackends(bothBackends);
