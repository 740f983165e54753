import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markingRefsOf, markingsLevel, statementsOf, storedMarkingKinds, tightenedBy, type MarkedLevel, type ObjectMarkings } from './marking-rule.js';
import { OPENCTI_AMBER_STRICT_ID, TLP1_MARKING_IDS, TLP2_MARKING_IDS, TLP_LEVELS, tlpLevelOf, tlpLevelOfMarkingId, type TlpLevel } from './tlp.js';

const STATEMENT = 'marking-definition--11111111-1111-4111-8111-111111111111';
const OTHER_STATEMENT = 'marking-definition--22222222-2222-4222-8222-222222222222';
const CUSTOM = 'marking-definition--33333333-3333-4333-8333-333333333333';
const STATEMENTS: ReadonlySet<string> = new Set([STATEMENT, OTHER_STATEMENT]);
const TLP_IDS = [...Object.values(TLP2_MARKING_IDS), ...Object.values(TLP1_MARKING_IDS), OPENCTI_AMBER_STRICT_ID];

const granular = (...refs: string[]) => refs.map((ref) => ({ marking_ref: ref, selectors: ['description'] }));

/** Restrictiveness in the rule's order; `unknown` above RED. */
function rank(level: MarkedLevel): number {
  return level === 'unknown' ? TLP_LEVELS.length : TLP_LEVELS.indexOf(level);
}

const refArbitrary = fc.constantFrom(...TLP_IDS, STATEMENT, OTHER_STATEMENT, CUSTOM);
const objectArbitrary: fc.Arbitrary<ObjectMarkings> = fc.record(
  {
    object_marking_refs: fc.array(refArbitrary, { maxLength: 4 }),
    granular_markings: fc.array(fc.oneof(refArbitrary.map((ref) => ({ marking_ref: ref, selectors: ['name'] })), fc.constant({ lang: 'fr', selectors: ['name'] })), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);
const levelArbitrary = fc.constantFrom(...TLP_LEVELS);

describe('markingsLevel', () => {
  it('takes the most restrictive of the object-level and granular markings, statements passed over, anything else unknown', () => {
    const green = [TLP2_MARKING_IDS.green];
    expect(markingsLevel({ object_marking_refs: green, granular_markings: granular(TLP2_MARKING_IDS.red) }, STATEMENTS)).toBe('red');
    expect(markingsLevel({ object_marking_refs: [TLP2_MARKING_IDS.amber], granular_markings: granular(TLP2_MARKING_IDS.clear) }, STATEMENTS)).toBe('amber');
    expect(markingsLevel({ object_marking_refs: green, granular_markings: granular(TLP1_MARKING_IDS.amber) }, STATEMENTS)).toBe('amber');
    expect(markingsLevel({ object_marking_refs: [...green, STATEMENT], granular_markings: granular(OTHER_STATEMENT) }, STATEMENTS)).toBe('green');
    expect(markingsLevel({ object_marking_refs: green, granular_markings: granular(CUSTOM) }, STATEMENTS)).toBe('unknown');
    expect(markingsLevel({ object_marking_refs: [...green, CUSTOM], granular_markings: granular(TLP2_MARKING_IDS.clear) }, STATEMENTS)).toBe('unknown');
    // A statement known to the caller only: the same ref is unknown to one that does not know it.
    expect(markingsLevel({ object_marking_refs: [...green, STATEMENT] }, new Set())).toBe('unknown');
    expect(markingsLevel({ object_marking_refs: green, granular_markings: [{ lang: 'fr', selectors: ['name'] }] }, STATEMENTS)).toBe('green');
  });

  it('gives no level for no marking or statements only, and tightens the unmarked level by granular markings, never loosening it', () => {
    expect(markingsLevel({}, STATEMENTS)).toBeUndefined();
    expect(markingsLevel({ object_marking_refs: [STATEMENT], granular_markings: granular(OTHER_STATEMENT) }, STATEMENTS)).toBeUndefined();
    expect(markingsLevel({ granular_markings: granular(TLP2_MARKING_IDS.red) }, STATEMENTS, () => 'amber')).toBe('red');
    expect(markingsLevel({ granular_markings: granular(TLP2_MARKING_IDS.clear) }, STATEMENTS, () => 'amber')).toBe('amber');
    expect(markingsLevel({ object_marking_refs: [STATEMENT], granular_markings: granular(TLP2_MARKING_IDS.red) }, STATEMENTS, () => 'amber')).toBe('red');
    // An author-only default stays; without a default, the object is unknown.
    expect(markingsLevel({ granular_markings: granular(TLP2_MARKING_IDS.red) }, STATEMENTS, () => 'none')).toBe('none');
    expect(markingsLevel({ granular_markings: granular(TLP2_MARKING_IDS.red) }, STATEMENTS)).toBe('unknown');
    expect(markingsLevel({ granular_markings: granular(CUSTOM) }, STATEMENTS, () => 'none')).toBe('unknown');
  });

  it('is never less restrictive than any single marking, and unknown as soon as one is neither TLP nor a statement', () => {
    fc.assert(
      fc.property(objectArbitrary, fc.option(levelArbitrary, { nil: undefined }), (object, unmarked) => {
        const level = markingsLevel(object, STATEMENTS, unmarked === undefined ? undefined : () => unmarked);
        const refs = markingRefsOf(object);
        const unreadable = refs.some((ref) => tlpLevelOfMarkingId(ref) === undefined && !STATEMENTS.has(ref));
        if (unreadable) return level === 'unknown';
        const levels = refs.flatMap((ref) => tlpLevelOfMarkingId(ref) ?? []);
        if (levels.length === 0) return level === undefined;
        return level !== undefined && levels.every((single) => rank(level) >= rank(single));
      }),
    );
  });

  it('is one of the markings’ levels, or the unmarked level they tighten', () => {
    fc.assert(
      fc.property(objectArbitrary, levelArbitrary, (object, unmarked) => {
        const level = markingsLevel(object, STATEMENTS, () => unmarked);
        const levels: MarkedLevel[] = markingRefsOf(object).flatMap((ref) => tlpLevelOfMarkingId(ref) ?? []);
        return level === undefined || level === 'unknown' || levels.includes(level) || level === unmarked;
      }),
    );
  });

  it('is the markings read as one list when the unmarked level is CLEAR, and is not changed by a statement', () => {
    fc.assert(
      fc.property(objectArbitrary, fc.boolean(), (object, onProperty) => {
        const level = markingsLevel(object, STATEMENTS, () => 'clear');
        const withStatement: ObjectMarkings = onProperty
          ? { ...object, granular_markings: [...((object.granular_markings as unknown[] | undefined) ?? []), ...granular(STATEMENT)] }
          : { ...object, object_marking_refs: [...(object.object_marking_refs ?? []), STATEMENT] };
        return level === tlpLevelOf(markingRefsOf(object), STATEMENTS) && markingsLevel(withStatement, STATEMENTS, () => 'clear') === level;
      }),
    );
  });
});

describe('tightenedBy', () => {
  it('never loosens a level, and keeps an author-only level unless a marking is unknown', () => {
    fc.assert(
      fc.property(levelArbitrary, fc.option(fc.constantFrom<MarkedLevel>(...TLP_LEVELS, 'unknown'), { nil: undefined }), (base: TlpLevel, granularLevel) => {
        const level = tightenedBy(base, granularLevel);
        const least = granularLevel === undefined ? rank(base) : Math.max(rank(base), rank(granularLevel));
        return rank(level) === least;
      }),
    );
    expect(tightenedBy<'none'>('none', 'red')).toBe('none');
    expect(tightenedBy<'none'>('none', 'unknown')).toBe('unknown');
    expect(tightenedBy('unknown', 'clear')).toBe('unknown');
  });
});

describe('storedMarkingKinds', () => {
  it('knows an id as a statement when all its stored definitions are statements and one is ours, as other when one is not a statement', () => {
    const kinds = storedMarkingKinds([
      { id: 'ours', statement: true, ours: true },
      { id: 'ours', statement: true, ours: false },
      { id: 'theirs', statement: true, ours: false },
      { id: 'squatted', statement: true, ours: true },
      { id: 'squatted', statement: false, ours: false },
      { id: 'custom', statement: false, ours: true },
    ]);
    expect(kinds).toEqual(new Map([['ours', 'statement'], ['squatted', 'other'], ['custom', 'other']]));
    expect(statementsOf(kinds)).toEqual(new Set(['ours']));
  });
});
