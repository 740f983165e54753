import { describe, expect, it } from 'vitest';
import { EntenteError } from '../../errors.js';
import { COLLECTION_QUERY, DELETE_QUERY, OBJECT_QUERY, VERSIONS_QUERY, parseObjectQuery } from './query-params.js';

const sizes = { maxPageSize: 1000, defaultPageSize: 100 };
const ID = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';

function rejection(fn: () => unknown): { code: string; parameter: unknown } {
  try {
    fn();
  } catch (error) {
    if (error instanceof EntenteError) return { code: error.code, parameter: error.details?.parameter };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseObjectQuery', () => {
  it('uses the default page size and no filters when nothing is given', () => {
    expect(parseObjectQuery({}, COLLECTION_QUERY, sizes)).toEqual({ query: { limit: 100 }, appliedLimit: 100 });
  });

  it('clamps limit to the maximum page size and reports the applied limit', () => {
    expect(parseObjectQuery({ limit: '5000' }, COLLECTION_QUERY, sizes).appliedLimit).toBe(1000);
    expect(parseObjectQuery({ limit: '7' }, COLLECTION_QUERY, sizes).query.limit).toBe(7);
  });

  it('reads comma lists and repeated parameters into filters', () => {
    const { query } = parseObjectQuery(
      {
        'match[type]': ['indicator,malware', 'report'],
        'match[id]': ID,
        'match[version]': 'first,2021-01-01T00:00:00.000Z',
        'match[spec_version]': '2.1,2.0',
        added_after: '2021-01-01T00:00:00.000001Z',
        next: 'abc',
      },
      COLLECTION_QUERY,
      sizes,
    );
    expect(query).toEqual({
      limit: 100,
      types: ['indicator', 'malware', 'report'],
      ids: [ID],
      versions: [{ kind: 'first' }, { kind: 'at', version: '2021-01-01T00:00:00.000Z' }],
      specVersions: ['2.1', '2.0'],
      addedAfter: Date.UTC(2021, 0, 1) * 1000 + 1,
      next: 'abc',
    });
  });

  it('answers invalid values with invalid_input naming the parameter', () => {
    expect(rejection(() => parseObjectQuery({ limit: '0' }, COLLECTION_QUERY, sizes))).toEqual({ code: 'invalid_input', parameter: 'limit' });
    expect(rejection(() => parseObjectQuery({ limit: '-3' }, COLLECTION_QUERY, sizes)).parameter).toBe('limit');
    expect(rejection(() => parseObjectQuery({ limit: 'ten' }, COLLECTION_QUERY, sizes)).parameter).toBe('limit');
    expect(rejection(() => parseObjectQuery({ limit: ['1', '2'] }, COLLECTION_QUERY, sizes)).parameter).toBe('limit');
    expect(rejection(() => parseObjectQuery({ added_after: 'yesterday' }, COLLECTION_QUERY, sizes)).parameter).toBe('added_after');
    expect(rejection(() => parseObjectQuery({ added_after: '2021-02-30T00:00:00Z' }, COLLECTION_QUERY, sizes)).parameter).toBe('added_after');
    expect(rejection(() => parseObjectQuery({ 'match[id]': 'indicator' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[id]');
    expect(rejection(() => parseObjectQuery({ 'match[type]': 'Indicator' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[type]');
    expect(rejection(() => parseObjectQuery({ 'match[type]': 'indicator,' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[type]');
    expect(rejection(() => parseObjectQuery({ 'match[version]': 'newest' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[version]');
    expect(rejection(() => parseObjectQuery({ 'match[spec_version]': 'two' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[spec_version]');
    expect(rejection(() => parseObjectQuery({ next: '' }, COLLECTION_QUERY, sizes)).parameter).toBe('next');
  });

  it('refuses parameters an endpoint does not support (TAXII 2.1 §5.6-5.8)', () => {
    expect(rejection(() => parseObjectQuery({ 'match[type]': 'indicator' }, OBJECT_QUERY, sizes)).parameter).toBe('match[type]');
    expect(rejection(() => parseObjectQuery({ 'match[id]': ID }, VERSIONS_QUERY, sizes)).parameter).toBe('match[id]');
    expect(rejection(() => parseObjectQuery({ 'match[version]': 'all' }, VERSIONS_QUERY, sizes)).parameter).toBe('match[version]');
    expect(rejection(() => parseObjectQuery({ limit: '5' }, DELETE_QUERY, sizes)).parameter).toBe('limit');
    expect(rejection(() => parseObjectQuery({ 'match[colour]': 'red' }, COLLECTION_QUERY, sizes)).parameter).toBe('match[colour]');
  });

  it('ignores parameters outside TAXII', () => {
    expect(parseObjectQuery({ _: '12345' }, DELETE_QUERY, sizes).query).toEqual({ limit: 100 });
  });
});
