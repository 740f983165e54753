import { describe, expect, it } from 'vitest';
import { FeatureExtractor } from './features.js';
import { GazetteerBuilder } from './gazetteer.js';
import { bilouLabels } from './labels.js';
import { LinearChainRecogniser } from './linear-chain-recogniser.js';
import type { LinearChainModel } from './linear-chain-model.js';
import { bilouConstraints, viterbi } from './viterbi.js';

/** A model with a pseudo-random weight for every feature of the given sentences. */
function randomModel(sentences: readonly string[][], resources: ConstructorParameters<typeof FeatureExtractor>[0]) {
  const labels = bilouLabels();
  const extractor = new FeatureExtractor(resources);
  const features = new Map<string, number>();
  for (const tokens of sentences) {
    for (const names of extractor.extract(tokens)) for (const name of names) if (!features.has(name)) features.set(name, features.size);
  }
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const weights = Float32Array.from({ length: features.size * labels.length }, next);
  const transitions = Float32Array.from({ length: (labels.length + 1) * labels.length }, next);
  return { labels, features, weights, transitions };
}

describe('LinearChainRecogniser', () => {
  it('scores exactly the features FeatureExtractor.extract lists, despite its per-word caching', () => {
    const builder = new GazetteerBuilder();
    builder.add('city', ['Moscow']);
    builder.add('PER', ['Le', 'Pen']);
    const gazetteer = builder.build();
    const clusters = new Map([['moscow', '0101']]);
    const sentences = [
      ['Marine', 'Le', 'Pen', 'visited', 'Moscow', 'on', 'Friday', '.'],
      ['MOSCOW', '1996-08-22'],
      ['Le', 'Pen', 'left', 'Moscow'],
      ['Moscow'],
    ];
    const base = randomModel(sentences, { gazetteer, clusters });
    const model: LinearChainModel = { ...base, gazetteer: gazetteer.toData(), clusters };
    const recogniser = new LinearChainRecogniser(model);
    const reference = new FeatureExtractor({ gazetteer, clusters });
    const { transitions, finals } = bilouConstraints(model.labels);
    const L = model.labels.length;
    for (const tokens of [...sentences, ...sentences]) {
      const emissions = new Float32Array(tokens.length * L);
      reference.extract(tokens).forEach((names, t) => {
        for (const name of names) {
          const row = model.features.get(name) as number;
          for (let y = 0; y < L; y += 1) emissions[t * L + y] = (emissions[t * L + y] as number) + (model.weights[row * L + y] as number);
        }
      });
      const combined = model.transitions.map((w, i) => w + (transitions[i] as number));
      const expected = Array.from(viterbi(emissions, tokens.length, L, combined, finals), (y) => model.labels[y]);
      expect(recogniser.tag(tokens)).toEqual(expected);
    }
  });
});
