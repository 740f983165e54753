import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EntenteError } from '../../errors.js';
import { readModelFile } from './model-file.js';
import { LinearChainRecogniser } from './linear-chain-recogniser.js';

/** The four CoNLL-2003 entity types (Tjong Kim Sang & De Meulder 2003, §2). */
export type EntityType = 'PER' | 'LOC' | 'ORG' | 'MISC';

/** A named entity over token indices; `end` is exclusive. */
export interface EntitySpan {
  type: EntityType;
  start: number;
  end: number;
}

/**
 * Finds named entities in one tokenised sentence. Tokens are expected in CoNLL-2003
 * style: punctuation split off, abbreviations such as "U.S." kept whole, the
 * possessive "'s" a token of its own.
 */
export interface EntityRecogniser {
  recognise(tokens: readonly string[]): EntitySpan[];
}

/** The model shipped in the repository, trained by `npm run train:ner`. */
export const DEFAULT_MODEL_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../models/ner-en.bin.gz',
);

const loaded = new Map<string, EntityRecogniser>();

/**
 * Loads a recogniser from a model file (default: the shipped English model), once per
 * path: later calls return the same instance, so callers need not cache it.
 */
export function loadRecogniser(modelPath: string = DEFAULT_MODEL_PATH): EntityRecogniser {
  const path = resolve(modelPath);
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new EntenteError(
      'unavailable',
      `No named-entity model at ${path}. Train one with \`npm run train:ner\` or pass the path of an existing model.`,
      { path },
    );
  }
  const recogniser = new LinearChainRecogniser(readModelFile(path));
  loaded.set(path, recogniser);
  return recogniser;
}
