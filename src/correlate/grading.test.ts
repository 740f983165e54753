import { describe, expect, it } from 'vitest';
import {
  MapReliabilityRegistry,
  credibilityToConfidence,
  estimateJaccard,
  independentGroups,
  informationCredibility,
  minHash,
  type Testimony,
} from './grading.js';

const WIRE_STORY = 'A car bomb exploded outside the ministry in the capital on Monday morning, killing at least twelve people and wounding dozens, officials said.';

function testimony(reportId: string, text: string, extra: Partial<Testimony> = {}): Testimony {
  return { reportId, outlet: reportId, reliability: 'F', wire: undefined, signature: minHash(text), ...extra };
}

describe('Admiralty grading', () => {
  it('maps credibility to STIX confidence as STIX 2.1 Appendix A does', () => {
    expect([1, 2, 3, 4, 5, 6].map((c) => credibilityToConfidence(c as 1 | 2 | 3 | 4 | 5 | 6))).toEqual([90, 70, 50, 30, 10, undefined]);
  });

  it('grades an unknown source F and keeps grades per source, whatever the spelling', () => {
    const registry = new MapReliabilityRegistry({ 'Agence Example': 'B' });
    expect(registry.get('agence  example')).toBe('B');
    expect(registry.get('Somebody')).toBe('F');
    registry.set('Somebody', 'C');
    expect(registry.get('SOMEBODY')).toBe('C');
  });

  it('estimates the similarity of copies high and of unrelated texts low', () => {
    const copy = `${WIRE_STORY} The attack was not immediately claimed.`;
    expect(estimateJaccard(minHash(WIRE_STORY), minHash(copy))).toBeGreaterThan(0.6);
    expect(estimateJaccard(minHash(WIRE_STORY), minHash('Parliament voted on the budget after a long debate about farm subsidies and pensions.'))).toBeLessThan(0.2);
    expect(minHash('too short')).toEqual([]);
  });

  it('counts copies of one wire story once: not confirmed by independent sources', () => {
    const copies = [testimony('r1', WIRE_STORY), testimony('r2', `${WIRE_STORY} More follows.`)];
    expect(independentGroups(copies)).toHaveLength(1);
    expect(informationCredibility(copies, [])).toBe(3);
  });

  it('counts reports attributing the fact to the same wire once', () => {
    const viaWire = [testimony('r1', 'first outlet words about the blast today', { wire: 'AFP' }), testimony('r2', 'another outlet writes differently on it', { wire: 'afp' })];
    expect(informationCredibility(viaWire, [])).toBe(3);
  });

  it('confirms a fact two independent reports give (1), and doubts one as contradicted as supported (4)', () => {
    const a = testimony('r1', 'the first outlet writes its own account of the explosion');
    const b = testimony('r2', 'a second newspaper had a reporter at the scene near the market');
    const c = testimony('r3', 'a third account from a local radio station gives another toll');
    expect(informationCredibility([a, b], [])).toBe(1);
    expect(informationCredibility([a, b], [c])).toBe(2);
    expect(informationCredibility([a], [c])).toBe(4);
    expect(informationCredibility([a], [b, c])).toBe(5);
    expect(informationCredibility([], [a])).toBe(6);
  });

  it('rates a single uncontradicted report from a usually reliable source probably true (2)', () => {
    expect(informationCredibility([testimony('r1', WIRE_STORY, { reliability: 'B' })], [])).toBe(2);
    expect(informationCredibility([testimony('r1', WIRE_STORY, { reliability: 'C' })], [])).toBe(3);
  });
});
