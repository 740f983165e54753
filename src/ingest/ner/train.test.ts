import { describe, expect, it } from 'vitest';
import { evaluateSpans } from './evaluation.js';
import { LinearChainRecogniser } from './linear-chain-recogniser.js';
import { decodeModel, encodeModel } from './model-file.js';
import { trainModel } from './train.js';
import type { TrainingSentence } from './training-data.js';

/** "Mr <name> visited <place> ." with the name a person and the place a location. */
function toySentences(names: readonly string[], places: readonly string[]): TrainingSentence[] {
  return names.flatMap((name, i) =>
    places.map((place) => ({
      tokens: i % 2 === 0 ? ['Mr', name, 'visited', place, '.'] : ['Yesterday', 'Mr', name, 'visited', place, '.'],
      spans:
        i % 2 === 0
          ? [
              { type: 'PER' as const, start: 1, end: 2 },
              { type: 'LOC' as const, start: 3, end: 4 },
            ]
          : [
              { type: 'PER' as const, start: 2, end: 3 },
              { type: 'LOC' as const, start: 4, end: 5 },
            ],
    })),
  );
}

describe('trainModel', () => {
  const train = toySentences(['Abel', 'Bruno', 'Carla', 'Dora', 'Emil', 'Fritz'], ['Aden', 'Bonn', 'Cork', 'Delft']);
  const unseen = toySentences(['Gustav', 'Hilde'], ['Essen', 'Faro']);
  const result = trainModel(train, { epochs: 5, folds: 2, minFeatureCount: 1, pruneBelow: 0, seed: 7, dev: unseen });

  it('learns the pattern well enough to tag names it never saw', () => {
    expect(result.dev?.overall.f1).toBe(100);
    expect(new LinearChainRecogniser(result.model).recognise(['Mr', 'Ivo', 'visited', 'Genk', '.'])).toEqual([
      { type: 'PER', start: 1, end: 2 },
      { type: 'LOC', start: 3, end: 4 },
    ]);
  });

  it('writes a model file that reads back to the same tagger', () => {
    const copy = new LinearChainRecogniser(decodeModel(encodeModel(result.model)));
    expect(evaluateSpans(copy, unseen).overall.f1).toBe(100);
    expect(copy.tag(['Yesterday', 'Mr', 'Abel', 'visited', 'Bonn', '.'])).toEqual(['O', 'O', 'U-PER', 'O', 'U-LOC', 'O']);
  });

  it('keeps the training entities as a gazetteer', () => {
    expect(result.model.gazetteer?.phrases).toEqual(expect.arrayContaining([['Abel', expect.any(Number)]]));
  });
});
