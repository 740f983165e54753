import { describe, expect, it } from 'vitest';
import { ImportSummary } from './import-summary.js';

describe('ImportSummary', () => {
  it('counts and groups rejections by reason, most frequent first, with a few examples', () => {
    const summary = new ImportSummary();
    summary.addAccepted(5);
    summary.addDuplicate(2);
    for (let i = 0; i < 4; i += 1) summary.addRejected('identity: name: required', `identity--${i}`);
    summary.addRejected('not valid JSON', 'line 9');
    expect(summary.counts()).toEqual({ read: 12, accepted: 5, duplicate: 2, rejected: 5 });
    expect(summary.rejections()).toEqual([
      { reason: 'identity: name: required', count: 4, examples: ['identity--0', 'identity--1', 'identity--2'] },
      { reason: 'not valid JSON', count: 1, examples: ['line 9'] },
    ]);
    const text = summary.render('c1');
    expect(text).toContain('Imported into collection c1: 5 accepted, 2 duplicate, 5 rejected');
    expect(text).toContain('4 × identity: name: required');
  });

  it('pools reasons beyond a hundred so hostile input cannot grow it without bound', () => {
    const summary = new ImportSummary();
    for (let i = 0; i < 150; i += 1) summary.addRejected(`reason ${i}`, `line ${i}`);
    const groups = summary.rejections();
    expect(groups).toHaveLength(101);
    expect(groups[0]).toMatchObject({ reason: 'other reasons', count: 50 });
    expect(summary.counts().rejected).toBe(150);
  });
});
