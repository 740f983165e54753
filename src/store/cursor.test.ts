import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('paging cursor', () => {
  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(1_700_000_000_123_456))).toBe(1_700_000_000_123_456);
  });

  it('refuses anything it did not issue', () => {
    const forged = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    for (const bad of ['', '!!', forged({ v: 2, d: 1 }), forged({ v: 1, d: 1.5 }), forged({ v: 1 }), forged([1]), 'bm90IGpzb24']) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });
});
