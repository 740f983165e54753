import { describe, expect, it } from 'vitest';
import { filterQuery } from './object-filter.js';

describe('filterQuery', () => {
  it('is empty without filters', () => {
    expect(filterQuery()).toBe('');
    expect(filterQuery({ type: [] })).toBe('');
  });

  it('encodes TAXII 2.1 §3.4 parameters with comma lists', () => {
    const query = filterQuery({
      addedAfter: '2026-01-01T00:00:00.000Z',
      limit: 10,
      next: 'abc',
      id: 'indicator--1',
      type: ['indicator', 'malware'],
      version: 'all',
      specVersion: '2.1',
    });
    const params = new URLSearchParams(query.slice(1));
    expect(params.get('added_after')).toBe('2026-01-01T00:00:00.000Z');
    expect(params.get('limit')).toBe('10');
    expect(params.get('next')).toBe('abc');
    expect(params.get('match[id]')).toBe('indicator--1');
    expect(params.get('match[type]')).toBe('indicator,malware');
    expect(params.get('match[version]')).toBe('all');
    expect(params.get('match[spec_version]')).toBe('2.1');
  });
});
