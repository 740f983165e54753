import { describe, expect, it } from 'vitest';
import { bilouLabels, bilouToSpans, spansToBilou } from './labels.js';
import { bilouConstraints, viterbi } from './viterbi.js';

describe('viterbi', () => {
  it('finds the best path when transitions outweigh emissions', () => {
    // Two labels; emissions prefer 0,1,0 but switching costs 3, so staying on 0 wins.
    const emissions = Float32Array.from([2, 0, 0, 1, 2, 0]);
    const transitions = Float32Array.from([0, -3, -3, 0, 0, 0]);
    const path = viterbi(emissions, 3, 2, transitions, new Float32Array(2));
    expect(Array.from(path)).toEqual([0, 0, 0]);
  });

  it('follows emissions when transitions are free', () => {
    const emissions = Float32Array.from([2, 0, 0, 1, 2, 0]);
    const path = viterbi(emissions, 3, 2, new Float32Array(6), new Float32Array(2));
    expect(Array.from(path)).toEqual([0, 1, 0]);
  });

  it('never produces a BILOU sequence the constraints forbid', () => {
    const labels = bilouLabels(['PER']);
    const { transitions, finals } = bilouConstraints(labels);
    const index = (label: string): number => labels.indexOf(label);
    // Emissions alone would give I-PER, O, B-PER: all three moves are forbidden.
    const emissions = new Float32Array(3 * labels.length);
    emissions[index('I-PER')] = 5;
    emissions[labels.length + index('O')] = 5;
    emissions[2 * labels.length + index('B-PER')] = 5;
    emissions[2 * labels.length + index('U-PER')] = 4;
    const path = Array.from(viterbi(emissions, 3, labels.length, transitions, finals), (y) => labels[y]);
    expect(path).toEqual(['O', 'O', 'U-PER']);
  });

  it('returns an empty path for an empty sentence', () => {
    expect(viterbi(new Float32Array(0), 0, 3, new Float32Array(12), new Float32Array(3))).toHaveLength(0);
  });
});

describe('BILOU labels', () => {
  it('round-trips spans', () => {
    const spans = [
      { type: 'PER' as const, start: 0, end: 2 },
      { type: 'PER' as const, start: 3, end: 6 },
      { type: 'LOC' as const, start: 7, end: 8 },
    ];
    const labels = spansToBilou(spans, 9);
    expect(labels).toEqual(['B-PER', 'L-PER', 'O', 'B-PER', 'I-PER', 'L-PER', 'O', 'U-LOC', 'O']);
    expect(bilouToSpans(labels)).toEqual(spans);
  });

  it('reads an unconstrained path leniently', () => {
    expect(bilouToSpans(['I-ORG', 'L-ORG', 'B-LOC', 'I-PER'])).toEqual([
      { type: 'ORG', start: 0, end: 2 },
      { type: 'LOC', start: 2, end: 3 },
      { type: 'PER', start: 3, end: 4 },
    ]);
  });
});
