import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutIntoPieces, type Span } from '../../web/src/lib/highlight.js';

describe('cutting report text into highlighted pieces (web/src/lib/highlight.ts)', () => {
  it('marks the spans and keeps the rest as plain text, innermost or chosen span first', () => {
    const text = 'According to Deutsche Welle, at least six Russians were killed.';
    const pieces = cutIntoPieces(text, [
      { start: 13, end: 27, kind: 'source' },
      { start: 29, end: 62, kind: 'casualty' },
      { start: 38, end: 41, kind: 'evidence', active: true },
    ]);
    expect(pieces.map((piece) => [piece.text, piece.spans.map((span) => span.kind)])).toEqual([
      ['According to ', []],
      ['Deutsche Welle', ['source']],
      [', ', []],
      ['at least ', ['casualty']],
      ['six', ['evidence', 'casualty']],
      [' Russians were killed', ['casualty']],
      ['.', []],
    ]);
  });

  it('keeps markup in the text as text and ignores spans outside it', () => {
    const text = '<img src=x onerror=alert(1)> claimed';
    const pieces = cutIntoPieces(text, [
      { start: 0, end: 28, kind: 'entity' },
      { start: 50, end: 60, kind: 'quote' },
      { start: 5, end: 5, kind: 'empty' },
      { start: Number.NaN, end: 3, kind: 'broken' },
    ]);
    expect(pieces.map((piece) => piece.text).join('')).toBe(text);
    expect(pieces[0]?.text).toBe('<img src=x onerror=alert(1)>');
  });

  it('always gives back the whole text, in order, whatever the spans', () => {
    const span = fc.record({ start: fc.integer({ min: -5, max: 60 }), end: fc.integer({ min: -5, max: 60 }), kind: fc.constantFrom('a', 'b'), active: fc.boolean() });
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.array(span, { maxLength: 12 }), (text, spans: Span[]) => {
        const pieces = cutIntoPieces(text, spans);
        expect(pieces.map((piece) => piece.text).join('')).toBe(text);
        for (const piece of pieces) {
          for (const covering of piece.spans) expect(covering.start <= piece.start && covering.end >= piece.end).toBe(true);
          expect(piece.end).toBeGreaterThan(piece.start);
        }
      }),
    );
  });
});
