import { describe, expect, it } from 'vitest';
import { acceptsTaxii, requireTaxiiContentType } from './media-types.js';

describe('acceptsTaxii (TAXII 2.1 §1.6.8)', () => {
  it('accepts the TAXII 2.1 type, the versionless TAXII type, wildcards and a missing header', () => {
    for (const accept of [
      'application/taxii+json;version=2.1',
      'application/taxii+json; version=2.1',
      'APPLICATION/TAXII+JSON;VERSION="2.1"',
      'application/taxii+json',
      '*/*',
      'application/*',
      'text/html, application/taxii+json;version=2.1;q=0.5',
      undefined,
      '',
    ]) {
      expect(acceptsTaxii(accept), String(accept)).toBe(true);
    }
  });

  it('refuses other versions, STIX-only, other types and q=0', () => {
    for (const accept of [
      'application/taxii+json;version=2.0',
      'application/vnd.oasis.taxii+json;version=2.0',
      'application/stix+json;version=2.1',
      'application/json',
      'text/*',
      'application/taxii+json;version=2.1;q=0',
    ]) {
      expect(acceptsTaxii(accept), accept).toBe(false);
    }
  });
});

describe('requireTaxiiContentType (TAXII 2.1 §5.5)', () => {
  it('accepts the TAXII 2.1 envelope type', () => {
    expect(() => requireTaxiiContentType('application/taxii+json;version=2.1')).not.toThrow();
    expect(() => requireTaxiiContentType('application/taxii+json; version=2.1; charset=utf-8')).not.toThrow();
    expect(() => requireTaxiiContentType('application/taxii+json')).not.toThrow();
  });

  it('refuses anything else with unsupported_media_type', () => {
    for (const type of [undefined, 'application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0']) {
      expect(() => requireTaxiiContentType(type)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    }
  });
});
