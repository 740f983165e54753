import { describe, expect, it } from 'vitest';
import { resolvePerson } from './persons.js';
import { editDistance } from './edit-distance.js';

describe('editDistance', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('razman', 'ramzan')).toBe(1);
    expect(editDistance('kadyrov', 'kadyrow')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('resolvePerson', () => {
  it('resolves a misspelt given name when the surname is known and the context agrees', () => {
    const match = resolvePerson('Razman Kadyrov', { regions: ['Chechnya'] });
    expect(match).toMatchObject({ canonical: 'Ramzan Kadyrov', alias: 'Razman Kadyrov', reason: 'given-name-edit' });
    expect(match?.confidence).toBeGreaterThan(0.7);
  });

  it('resolves a misspelt surname when the given name is exact and the context agrees', () => {
    expect(resolvePerson('Ramzan Kadyrof', { countryCodes: ['RU'] })).toMatchObject({ canonical: 'Ramzan Kadyrov', reason: 'surname-edit' });
    expect(resolvePerson('Ramzan Kadyrof')).toBeUndefined();
  });

  it('does not guess a misspelt name without agreeing context', () => {
    expect(resolvePerson('Razman Kadyrov')).toBeUndefined();
    expect(resolvePerson('Razman Kadyrov', { countryCodes: ['FR'] })).toBeUndefined();
  });

  it('knows transliterations and native spellings', () => {
    expect(resolvePerson('Ramzan Kadyrow')?.canonical).toBe('Ramzan Kadyrov');
    expect(resolvePerson('Кадыров')?.canonical).toBe('Ramzan Kadyrov');
    expect(resolvePerson('Wladimir Putin')?.canonical).toBe('Vladimir Putin');
  });

  it('resolves a surname alone only when one known person fits', () => {
    expect(resolvePerson('Kadyrov', { countryCodes: ['RU'] })?.canonical).toBe('Ramzan Kadyrov');
    expect(resolvePerson('Putin', { countryCodes: ['RU'] })?.canonical).toBe('Vladimir Putin');
    expect(resolvePerson('Khan', { countryCodes: ['GB'] })).toBeUndefined();
    expect(resolvePerson('May', { countryCodes: ['GB'] })).toBeUndefined();
    expect(resolvePerson('Theresa May')?.canonical).toBe('Theresa May');
  });

  it('ranks an exact name above every fuzzy one', () => {
    expect(resolvePerson('Marine Le Pen')).toMatchObject({ canonical: 'Marine Le Pen', confidence: 1, reason: 'name' });
    expect(resolvePerson('V. Putin')?.reason).toBe('initial');
    expect(resolvePerson('Unknown Person')).toBeUndefined();
  });
});
