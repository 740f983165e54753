import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stixPatternProblem } from './pattern.js';

describe('stixPatternProblem (STIX 2.1 §9)', () => {
  it('accepts patterns of the STIX patterning grammar', () => {
    for (const pattern of [
      "[domain-name:value = 'example-propaganda.org']",
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] AND [url:value LIKE '%amaq%']",
      "[network-traffic:dst_port IN (80, 443) AND network-traffic:protocols[*] = 'tcp']",
      "([file:size > 1024] OR [file:name MATCHES '^claim.*\\\\.pdf$']) FOLLOWEDBY [process:pid != -1] WITHIN 600 SECONDS",
      "[email-message:from_ref.value = 'a@example.org'] REPEATS 5 TIMES",
      "[x509-certificate:issuer = 'CA'] START t'2018-08-20T00:00:00Z' STOP t'2018-08-21T00:00:00.000Z'",
      "[artifact:payload_bin = b'aGVsbG8='] AND [file:magic_number_hex = h'ffd8']",
      "[user-account:is_privileged = true AND user-account:account_login NOT = 'root']",
      "[file:name = 'it\\'s'] /* comment */ // trailing",
      '[windows-registry-key:values[0].name = \'Run\']',
      "[x-acme-thing:x_score >= 7.5]",
      '[EXISTS software:name]',
      '[NOT EXISTS software:vendor]',
      "[file:name = 'a'] WITHIN +5 SECONDS",
      "[process:child_refs[-1].pid = 4]",
    ]) {
      expect(stixPatternProblem(pattern), pattern).toBeUndefined();
    }
  });

  it('explains what is wrong and where', () => {
    const cases: Array<[string, RegExp]> = [
      ["domain-name:value = 'x'", /expected "\[" or "\(", found "domain-name" at character 1/],
      ["[domain-name:value = 'x'", /expected "\]" but the pattern ended/],
      ["[domain-name:value = x]", /expected a literal, found "x"/],
      ["[domain-name:value == 'x'] AND", /expected "\[" or "\(" but the pattern ended/],
      ["[Domain-Name:value = 'x']", /not a STIX object type/],
      ["[domain-name:va = 'x']", /not a property name/],
      ["[file:size > true]", /orderable literal/],
      ["[file:name LIKE 5]", /quoted string/],
      ["[file:name = 'open]", /unterminated string/],
      ["[file:name = 'a\\b']", /may be escaped/],
      ["[file:ctime = t'2018-08-20']", /not a STIX timestamp/],
      ["[file:x_bin = b'abc']", /not base64/],
      ["[file:x_bin = b'']", /not base64/],
      ["[file:name = 'a'] WITHIN -5 SECONDS", /positive/],
      ["[file:name = 'a'] REPEATS 2.5 TIMES", /whole number/],
      ["[file:name = 'a'] extra", /unexpected "extra"/],
      ["[file:name ~ 'a']", /unexpected "~"/],
      ["[file:parent-ref.name = 'a']", /not a property name/],
      ["[NOT user-account:account_login = 'root']", /"NOT" is not a STIX object type/],
    ];
    for (const [pattern, why] of cases) {
      expect(stixPatternProblem(pattern), pattern).toMatch(why);
    }
  });
});

describe('stixPatternProblem on arbitrary input (property)', () => {
  it('never throws; it answers undefined or a reason', () => {
    const pieces = fc.constantFrom('[', ']', '(', ')', 'file', ':', 'name', ' = ', "'x'", ' AND ', ' OR ', 'NOT', ' IN ', ',',
      "t'2018-08-20T00:00:00Z'", "h'ff'", "b'aGk='", '5', '-1', '.5', 'WITHIN', 'SECONDS', '*', '.', "'", '\\', '/*');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 20 }).map((p) => p.join(''))), (text) => {
      const answer = stixPatternProblem(text);
      expect(answer === undefined || typeof answer === 'string').toBe(true);
    }));
  });
});
