import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Page } from '../../store/object-store.js';
import { envelopeBytes, envelopeJson } from './taxii-reply.js';

function page(items: readonly string[], more: boolean, next?: string): Page<string> {
  return { items: [...items], more, ...(next === undefined ? {} : { next }) };
}

describe('envelopeBytes', () => {
  it('is the UTF-8 of envelopeJson over the joined items', () => {
    const items = ['{"id":"a"}', '{"name":"Zürich ✓ 𝄞"}', '{"pattern":"[x:y = \'\\\\\\"\']"}'];
    for (const [more, next] of [[false, undefined], [true, 'MTc5NTcxNzAyOTg4NDAwMA']] as const) {
      const p = page(items, more, next);
      expect(envelopeBytes(p, 'objects', items).toString('utf8')).toBe(envelopeJson(p, 'objects', items.join(',')));
    }
  });

  it('gives {} for an empty last page and an empty list when more is still to come', () => {
    expect(envelopeBytes(page([], false), 'objects', []).toString('utf8')).toBe('{}');
    expect(envelopeBytes(page([], true, 'abc'), 'objects', []).toString('utf8')).toBe('{"more":true,"next":"abc","objects":[]}');
  });

  it('agrees with envelopeJson for any texts', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), fc.boolean(), (items, more) => {
        const p = page(items, more, more ? 'n' : undefined);
        expect(envelopeBytes(p, 'objects', items).equals(Buffer.from(envelopeJson(p, 'objects', items.join(',')), 'utf8'))).toBe(true);
      }),
    );
  });
});
