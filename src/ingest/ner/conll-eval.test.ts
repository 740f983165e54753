import { describe, expect, it } from 'vitest';
import { chunksFromTags, parseConll } from './conll.js';
import { ChunkScorer, formatReport, score } from './conll-eval.js';

describe('chunksFromTags', () => {
  it('reads IOB2: B starts a chunk, I continues it', () => {
    expect(chunksFromTags(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'LOC', start: 4, end: 5 },
    ]);
  });

  it('reads IOB1: I after O starts a chunk, B only separates two adjacent chunks of one type', () => {
    expect(chunksFromTags(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-ORG'])).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'PER', start: 2, end: 3 },
      { type: 'LOC', start: 4, end: 5 },
      { type: 'ORG', start: 5, end: 6 },
    ]);
  });

  it('gives IOB1 and IOB2 encodings of the same chunks the same result', () => {
    const iob1 = ['O', 'I-ORG', 'I-ORG', 'B-ORG', 'I-ORG', 'O', 'I-MISC'];
    const iob2 = ['O', 'B-ORG', 'I-ORG', 'B-ORG', 'I-ORG', 'O', 'B-MISC'];
    expect(chunksFromTags(iob1)).toEqual(chunksFromTags(iob2));
    expect(chunksFromTags(iob2)).toHaveLength(3);
  });

  it('reads BILOU and closes a chunk at L and U', () => {
    expect(chunksFromTags(['B-PER', 'L-PER', 'I-PER', 'U-LOC', 'B-ORG', 'I-ORG'])).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'PER', start: 2, end: 3 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'ORG', start: 4, end: 6 },
    ]);
  });
});

describe('ChunkScorer', () => {
  it('counts only exact span-and-type matches, per type and micro-averaged', () => {
    // Gold: PER[0,2) LOC[3,4) ORG[5,7). Found: PER[0,2) correct, LOC[3,4) typed ORG,
    // ORG[5,6) too short, MISC[8,9) spurious.
    const scorer = new ChunkScorer();
    scorer.add(
      9,
      chunksFromTags(['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'B-ORG', 'I-ORG', 'O', 'O']),
      chunksFromTags(['B-PER', 'I-PER', 'O', 'B-ORG', 'O', 'B-ORG', 'O', 'O', 'B-MISC']),
    );
    const report = scorer.report();
    expect(report.overall).toMatchObject({ gold: 3, found: 4, correct: 1 });
    expect(report.overall.precision).toBeCloseTo(25);
    expect(report.overall.recall).toBeCloseTo(100 / 3);
    expect(report.overall.f1).toBeCloseTo((2 * 25 * (100 / 3)) / (25 + 100 / 3));
    expect(report.byType.get('PER')).toMatchObject({ precision: 100, recall: 100, f1: 100 });
    expect(report.byType.get('LOC')).toMatchObject({ gold: 1, found: 0, correct: 0, f1: 0 });
    expect(report.byType.get('ORG')).toMatchObject({ gold: 1, found: 2, correct: 0 });
    expect(report.byType.get('MISC')).toMatchObject({ gold: 0, found: 1, precision: 0, recall: 0 });
    // Tokens 3 (LOC vs ORG), 6 (I-ORG vs O) and 8 (O vs MISC) differ.
    expect(report.accuracy).toBeCloseTo((100 * 6) / 9);
  });

  it('scores an IOB1 gold file against IOB2 predictions by chunks, not tag strings', () => {
    const scorer = new ChunkScorer();
    scorer.add(3, chunksFromTags(['I-PER', 'I-PER', 'B-PER']), chunksFromTags(['B-PER', 'I-PER', 'B-PER']));
    expect(scorer.report().overall).toMatchObject({ correct: 2, precision: 100, recall: 100 });
    expect(scorer.report().accuracy).toBe(100);
  });

  it('defines empty precision and recall as 0, as conlleval does', () => {
    expect(score({ gold: 0, found: 0, correct: 0 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('prints the conlleval layout', () => {
    const scorer = new ChunkScorer();
    scorer.add(2, chunksFromTags(['B-LOC', 'O']), chunksFromTags(['B-LOC', 'O']));
    expect(formatReport(scorer.report())).toBe(
      [
        'processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1.',
        'accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00',
        '              LOC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1',
      ].join('\n'),
    );
  });
});

describe('parseConll', () => {
  it('takes the first column as token and the last as tag, skipping document markers', () => {
    const text = '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter B-PER\r\n';
    expect(parseConll(text)).toEqual([
      { tokens: ['EU', 'rejects'], tags: ['B-ORG', 'O'], middle: [['NNP', 'B-NP'], ['VBZ', 'B-VP']] },
      { tokens: ['Peter'], tags: ['B-PER'], middle: [[]] },
    ]);
  });

  it('rejects a line without a tag, naming the line', () => {
    expect(() => parseConll('EU B-ORG\nrejects\n', 'x.conll')).toThrow(/x\.conll:2/);
  });
});
