import { describe, expect, it } from 'vitest';
import { validateObject } from '../validate.js';

// The pattern check as the STIX validator applies it to indicators (STIX 2.1 §4.7).

const T = '2026-01-01T10:00:00.000Z';

function indicator(pattern: string, rest: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: T, modified: T,
    pattern, pattern_type: 'stix', valid_from: T, ...rest,
  };
}

function patternIssues(object: Record<string, unknown>): string[] {
  return validateObject(object).filter((issue) => issue.property === 'pattern').map((issue) => issue.message);
}

describe('indicator pattern (the interoperability cases)', () => {
  it('reports each pattern stix2-validator rejects on the pattern property, saying where', () => {
    for (const pattern of [
      '[ipv4-addr:value = ]',
      "[ipv4-addr:value = '1.2.3.4'",
      "ipv4-addr:value = '1.2.3.4'",
      '[ipv4-addr:value = 1.2.3.4]',
      "[ipv4-addr:value = '1.2.3.4'] AND",
      "[file:hashes.'SHA-256' = 'aa'] WITHIN 0 SECONDS",
      "[IPV4-ADDR:value = '1.2.3.4']",
      '',
    ]) {
      const issues = patternIssues(indicator(pattern));
      expect(issues, pattern).toHaveLength(1);
      expect(issues[0], pattern).toMatch(/^is not a valid STIX pattern: .*(at offset \d+|empty)$/);
    }
  });

  it('accepts the valid ones, and does not parse other pattern languages', () => {
    for (const object of [
      indicator("[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES"),
      indicator("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_port = 443]"),
      indicator("[foo:bar = 'x']"),
      indicator("[file:name = 'a'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"),
      indicator('alert tcp any any -> any 80 (msg:"x";)', { pattern_type: 'snort' }),
    ]) {
      expect(validateObject(object), String(object.pattern)).toEqual([]);
    }
  });

  it('holds a pattern with another pattern_version to the STIX 2.0 language too', () => {
    expect(patternIssues(indicator('[EXISTS file:name]'))).toEqual([]);
    expect(patternIssues(indicator('[EXISTS file:name]', { pattern_version: '2.0' }))).toEqual([
      'is not a valid STIX pattern: EXISTS is not in the STIX 2.0 patterning language (pattern_version "2.0") at offset 1',
    ]);
  });
});
