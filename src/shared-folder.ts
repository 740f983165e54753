import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EntenteError } from './errors.js';

/**
 * The shared folder holding the seed article and the development articles:
 * ENTENTE_SHARED_DIR, or `shared` beside the checkout (src/ and dist/ both sit
 * one level below the package root, so one relative path serves both).
 */
export function sharedFolder(): string {
  return process.env.ENTENTE_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url));
}

/** The file name of the seed article, the document the project started from. */
export const SEED_ARTICLE = 'chechnya-attack-le-pen-moscow.txt';

/** Where the seed article is in `sharedDir` (default: the shared folder). */
export function seedArticlePath(sharedDir: string = sharedFolder()): string {
  return join(sharedDir, 'seed', SEED_ARTICLE);
}

/** The seed article's text; when it is missing, the error says where it was looked for and how to give it. */
export function readSeedArticle(): string {
  const path = seedArticlePath();
  if (!existsSync(path)) {
    throw new EntenteError('not_found', `The seed article is not at ${path}: clone entente beside the shared folder, or set ENTENTE_SHARED_DIR`, { path });
  }
  return readFileSync(path, 'utf8');
}
