import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DETERMINISTIC_TYPES,
  deterministicId,
  isIdOfType,
  isRandomId,
  isValidId,
  isValidTypeName,
  isValidUuid,
  normaliseName,
  parseId,
  randomId,
  typeOfId,
} from './identifier.js';

describe('identifier format (STIX 2.1 §2.9)', () => {
  it('accepts type--uuid with any RFC 4122 UUID version', () => {
    expect(isValidId('indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f')).toBe(true);
    expect(isValidId('identity--0de685c0-109a-5df3-a6b5-5173b55ba645')).toBe(true);
    expect(isValidId('x-custom-thing--6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(true);
    expect(parseId('malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f')).toEqual({ type: 'malware', uuid: '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' });
  });

  it('rejects malformed ids', () => {
    for (const id of [
      'indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      'indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F',
      'indicator--8e2e2d2b-17d4-4cbf-138f-98ee46b3cd3f',
      'indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f',
      'Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      'ab--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      '-bad--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      'indicator--00000000-0000-0000-0000-000000000000',
      'indicator--8e2e2d2b-17d4-7cbf-938f-98ee46b3cd3f',
      '1ndicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      'indicator---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f ',
    ]) {
      expect(isValidId(id), id).toBe(false);
    }
  });

  it('checks type names (§3.1)', () => {
    expect(isValidTypeName('attack-pattern')).toBe(true);
    expect(isValidTypeName('x-acme-widget')).toBe(true);
    expect(isValidTypeName('a--b')).toBe(false);
    expect(isValidTypeName('ab')).toBe(false);
    expect(isValidTypeName('Upper')).toBe(false);
    expect(isValidTypeName('trailing-')).toBe(false);
    expect(isValidTypeName('9lives')).toBe(false);
    expect(isValidTypeName('a'.repeat(250))).toBe(true);
    expect(isValidTypeName('a'.repeat(251))).toBe(false);
  });

  it('tells the type of an id', () => {
    expect(typeOfId('report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f')).toBe('report');
    expect(typeOfId('nonsense')).toBeUndefined();
    expect(isIdOfType('report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', ['report', 'note'])).toBe(true);
    expect(isIdOfType('report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', ['note'])).toBe(false);
  });
});

describe('UUID check (property)', () => {
  const reference = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('agrees with the RFC 4122 pattern on UUIDs and on one-character mutations of them', () => {
    const mutated = fc.tuple(fc.uuid(), fc.nat(35), fc.constantFrom('0', '4', '6', '8', 'a', 'c', 'A', 'g', '-', 'z'))
      .map(([u, i, c]) => u.slice(0, i) + c + u.slice(i + 1));
    fc.assert(fc.property(fc.oneof(fc.uuid(), mutated, fc.string()), (text) => {
      expect(isValidUuid(text)).toBe(reference.test(text));
      expect(isValidId(`report--${text}`)).toBe(reference.test(text));
    }));
  });
});

describe('randomId', () => {
  it('makes valid UUIDv4 ids, never the same twice', () => {
    const a = randomId('incident');
    expect(isValidId(a)).toBe(true);
    expect(isRandomId(a)).toBe(true);
    expect(a.startsWith('incident--')).toBe(true);
    expect(randomId('incident')).not.toBe(a);
  });

  it('refuses an invalid type name', () => {
    expect(() => randomId('Bad Type')).toThrowError(/not a valid STIX type name/);
  });
});

describe('deterministicId (OpenCTI standard ids)', () => {
  it('matches ids OpenCTI/pycti compute', () => {
    // uuid5(00abedb4-…, '{"name":"islamic state"}'), as pycti IntrusionSet.generate_id("Islamic State").
    expect(deterministicId('intrusion-set', { name: 'Islamic State' })).toBe('intrusion-set--805a39ee-5b9f-55b6-a744-59ee5abd4af6');
  });

  it('uses the fields OpenCTI uses per type', () => {
    const person = deterministicId('identity', { name: 'Ramzan Kadyrov', identity_class: 'individual' });
    expect(deterministicId('identity', { name: 'Ramzan Kadyrov', identity_class: 'organization' })).not.toBe(person);
    const city = deterministicId('location', { name: 'Moscow', x_opencti_location_type: 'City' });
    expect(deterministicId('location', { name: 'Moscow', x_opencti_location_type: 'Region' })).not.toBe(city);
    expect(deterministicId('location', { name: 'Spot', x_opencti_location_type: 'Position', latitude: 43.3, longitude: 45.7 }))
      .toBe(deterministicId('location', { name: 'Other', x_opencti_location_type: 'Position', latitude: 43.3, longitude: 45.7 }));
    expect(deterministicId('location', { name: 'Spot', x_opencti_location_type: 'Position' }))
      .not.toBe(deterministicId('location', { name: 'Other', x_opencti_location_type: 'Position' }));
    expect(deterministicId('attack-pattern', { name: 'Phishing', x_mitre_id: 'T1566' }))
      .toBe(deterministicId('attack-pattern', { name: 'Spearphishing', x_mitre_id: 'T1566' }));
    expect(deterministicId('threat-actor', { name: 'X' })).toBe(deterministicId('threat-actor', { name: 'X', opencti_type: 'Threat-Actor-Group' }));
    expect(deterministicId('threat-actor', { name: 'X', opencti_type: 'Threat-Actor-Individual' }))
      .not.toBe(deterministicId('threat-actor', { name: 'X' }));
    expect(deterministicId('malware', { name: 'X' }).split('--')[1]).toBe(deterministicId('tool', { name: 'X' }).split('--')[1]);
  });

  it('says which fields are missing', () => {
    expect(() => deterministicId('identity', { name: 'Someone' })).toThrowError(/needs name \+ identity_class/);
    expect(() => deterministicId('intrusion-set', { name: '   ' })).toThrowError(/needs name/);
    expect(() => deterministicId('location', { name: 'Moscow' })).toThrowError(/x_opencti_location_type/);
  });

  const word = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9'&.]{1,12}$/);
  const words = fc.array(word, { minLength: 1, maxLength: 5 });
  const space = fc.stringMatching(/^[ \t\n\u00a0]{1,4}$/);

  it('is stable and valid, and collides for spacing and case variants (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...DETERMINISTIC_TYPES), words, space, space, (type, parts, lead, gap) => {
      const canonical = parts.join(' ');
      const variant = lead + parts.map((p) => p.toUpperCase()).join(gap) + lead;
      const fields = { name: canonical, identity_class: 'organization', x_opencti_location_type: 'Country' };
      const variantFields = { ...fields, name: variant };
      const id = deterministicId(type, fields);
      expect(isValidId(id)).toBe(true);
      expect(typeOfId(id)).toBe(type);
      expect(deterministicId(type, fields)).toBe(id);
      if (normaliseName(variant) === normaliseName(canonical)) {
        expect(deterministicId(type, variantFields)).toBe(id);
      }
    }));
  });

  it('collides for the seed example', () => {
    expect(deterministicId('intrusion-set', { name: '  islamic   state ' })).toBe(deterministicId('intrusion-set', { name: 'Islamic State' }));
    expect(normaliseName('Cafe\u0301  X')).toBe(normaliseName('café x'));
  });
});
