import { describe, expect, it } from 'vitest';
import { validateStixPattern } from './validate-stix-pattern.js';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';

function expectValid(patterns: readonly string[]): void {
  for (const pattern of patterns) expect(validateStixPattern(pattern), pattern).toBeUndefined();
}

function expectProblem(pattern: string, position: number, message: RegExp): void {
  const problem = validateStixPattern(pattern);
  expect(problem, pattern).toBeDefined();
  expect(problem?.message, pattern).toMatch(message);
  expect(problem?.position, pattern).toBe(position);
}

describe('validateStixPattern: the interoperability cases (stix2-validator verdicts)', () => {
  it('rejects the patterns stix2-validator reports as errors', () => {
    expectProblem('[ipv4-addr:value = ]', 19, /^expected a literal but found '\]' at offset 19$/);
    expectProblem("[ipv4-addr:value = '1.2.3.4'", 28, /^expected '\]'.* but found the end of the pattern at offset 28$/);
    expectProblem("ipv4-addr:value = '1.2.3.4'", 0, /^expected '\['.* but found 'ipv4-addr' at offset 0$/);
    expectProblem('[ipv4-addr:value = 1.2.3.4]', 22, /^expected '\]'.* but found '\.3' at offset 22$/);
    expectProblem("[ipv4-addr:value = '1.2.3.4'] AND", 33, /^expected '\['.* but found the end of the pattern at offset 33$/);
    expectProblem("[file:hashes.'SHA-256' = 'aa'] WITHIN 0 SECONDS", 25, /^'aa' is not a valid SHA-256 hash \(64 hex digits\) at offset 25$/);
    expectProblem("[IPV4-ADDR:value = '1.2.3.4']", 1, /^'IPV4-ADDR' is not a valid object type name/);
    expectProblem('', 0, /^the pattern is empty$/);
  });

  it('accepts the valid ones', () => {
    expectValid([
      "[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES",
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_port = 443]",
      "[foo:bar = 'x']",
      "[file:name = 'a.exe'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.000Z'",
      `[file:hashes.'SHA-256' = '${SHA256}'] WITHIN 0 SECONDS`,
    ]);
  });
});

describe('validateStixPattern: STIX 2.1 §9.9 examples', () => {
  it('accepts the examples of the specification', () => {
    expectValid([
      `[file:hashes.'SHA-256' = '${SHA256}']`,
      String.raw`[email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$']`,
      `[file:hashes.'SHA-256' = '${SHA256}' AND file:mime_type = 'application/x-pdf']`,
      `[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = '${SHA256}']`,
      String.raw`[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar'] WITHIN 300 SECONDS`,
      "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
      String.raw`[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00']`,
      String.raw`[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32']`,
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
      "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
      String.raw`[windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388']`,
      "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
      "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
      "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
      "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
      "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
      String.raw`([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']`,
      "[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_port = 22] REPEATS 5 TIMES WITHIN 1800 SECONDS",
      "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
      "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR ipv4-addr:value ISSUPERSET '198.51.100.7/32']",
      "[network-traffic:dst_port IN (80, 443, 8080) AND network-traffic:protocols[0] NOT = 'udp']",
      "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=' OR file:magic_number_hex = h'ffd8ffe0']",
      "[file:size >= 1024 AND file:size < 1048576] OR [file:name LIKE '%.scr']",
      "[process:pid = -1 OR process:x_score <= -0.5 OR process:is_hidden = false]",
      "[EXISTS windows-registry-key:values[*].data]",
      "[file:name = 'it\\'s'] /* a comment */ AND [file:name = 'x'] // the end",
      "([file:name = 'a'] OR [file:name = 'b']) WITHIN 60 SECONDS WITHIN 120 SECONDS",
      "[file:name = 'a'] WITHIN 5 SECONDS REPEATS 2 TIMES START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:01.5Z'",
      "[x-acme-widget:x_acme_ratio = +0.25 AND x-acme-widget:'quoted_name' == true]",
      '[process:id = \'process--f52a906a-0dfc-40bd-92f1-e7778ead38a9\']',
    ]);
  });
});

describe('validateStixPattern: syntax (STIX 2.1 §9.2, the STIXPattern grammar)', () => {
  it('explains what is wrong and where', () => {
    expectProblem("[file:name = 'abc]", 13, /a string that is not closed/);
    expectProblem(String.raw`[file:name = 'a\b']`, 13, /escape other than/);
    expectProblem("[file:name LIKE 5]", 16, /^expected a quoted string after LIKE but found '5'/);
    expectProblem("[file:size > true]", 13, /^expected a literal other than a boolean/);
    expectProblem("[file:size = 007]", 14, /^expected '\]'.* but found '0' at offset 14$/);
    expectProblem("[file:size = 5.]", 14, /but found '\.'/);
    expectProblem("[file:parent-ref.name = 'a']", 6, /a name with '-' must be quoted/);
    expectProblem("[file:LIKE = 'a']", 6, /^expected a property name.* but found 'LIKE'/);
    expectProblem("[file:name ~ 'a']", 11, /^expected a comparison operator/);
    expectProblem("[NOT EXISTS file:name]", 1, /^expected an object path, EXISTS or '\('/);
    expectProblem("[NOT file:name = 'a']", 1, /negate a comparison as type:property NOT = value/);
    expectProblem("[file:name = 'a'] WITHIN -5 SECONDS", 25, /^expected a number of seconds \(0 or more/);
    expectProblem("[file:name = 'a'] REPEATS 2.5 TIMES", 26, /^expected a whole number \(0 or more/);
    expectProblem("[file:name = 'a'] START t'2016-06-01T00:00:00Z'", 47, /^expected STOP/);
    expectProblem("[file:ctime = t'2016-06-01']", 14, /malformed timestamp literal/);
    expectProblem("[file:ctime = t'2021-02-29T00:00:00Z']", 14, /malformed timestamp literal/);
    expectProblem("[file:x_bin = b'abc']", 14, /malformed base64 literal/);
    expectProblem("[file:x_bin = b'']", 14, /malformed base64 literal/);
    expectProblem("[file:x_hex = h'abc']", 14, /malformed hex literal/);
    expectProblem("[file:name = 'a'] extra", 18, /^expected AND, OR, FOLLOWEDBY, a qualifier or the end/);
    expectProblem("[file:name = 'a' /* open", 17, /but found '\/'/);
    expectProblem("[file:names[1.5] = 'a']", 12, /^expected a list index or '\*'/);
    expectProblem("[file:name IN ('a' 'b')]", 19, /^expected ',' or '\)' in the set/);
    expectProblem("[file:name = 'a']\u200b", 17, /found '\u200b'/);
    expectProblem('[file:name = \'a\'] AND [file:name = \'b\'] OR', 42, /found the end of the pattern at offset 42/);
  });

  it('accepts what the grammar accepts', () => {
    expectValid([
      "[file:name IN ()]",
      "[file:size = 0 AND file:x_float = 00.5 AND file:x_int = +7]",
      "[file:x_ts = t'2016-02-29T23:59:60.123456789Z']",
      "[file:name\u00a0=\u2003'a']\u0085",
      "[file:hashes[*] = 'x' AND file:x_list[+1] = 'y']",
      "[file:name = 'a'] //",
      "((([file:name = 'a'])))",
      "[file:name = 'a'] AND([file:name = 'b'])OR[file:name = 'c']FOLLOWEDBY[file:name = 'd']",
      "[file:name = 'AND' AND file:x_word = 'FOLLOWEDBY']",
      "[my_type:abc = 1]".replace('my_type', 'my-type'),
    ]);
  });
});

describe('validateStixPattern: what the OASIS validator checks beyond the grammar', () => {
  it('checks object type and property names', () => {
    expectProblem("[ab:name = 'x']", 1, /'ab' is not a valid object type name/);
    expectProblem("[a--b:name = 'x']", 1, /not a valid object type name/);
    expectProblem("[a_b:name = 'x']", 1, /not a valid object type name/);
    expectProblem("[file:Name = 'x']", 6, /'Name' is not a valid property name/);
    expectProblem("[file:ab = 'x']", 6, /'ab' is not a valid property name/);
    expectProblem("[file:'with space' = 'x']", 6, /'with space' is not a valid property name/);
    expectProblem("[x-thing:id = 'x']", 9, /'id' is not a valid property name/);
    expectProblem('[EXISTS File:name]', 8, /'File' is not a valid object type name/);
    expectValid(["[file:id = 'file--f52a906a-0dfc-40bd-92f1-e7778ead38a9']", "[abc-:'name' = 'x']", "[file:name.AbC = 'x']"]);
  });

  it('checks hash values against the algorithm named in the path', () => {
    expectProblem(`[file:hashes.MD5 = '${SHA256}']`, 19, /is not a valid MD5 hash \(32 hex digits\)/);
    expectProblem("[file:hashes.sha1 = 'xyz']", 20, /'xyz' is not a valid SHA-1 hash \(40 hex digits\)/);
    expectProblem("[file:hashes.'SHA-512' LIKE '%ab%']", 28, /is not a valid SHA-512 hash/);
    expectProblem("[file:hashes.MD5 IN ('79054025255fb1a26e4bc422aef54eb4')]", 21, /'\(79054025255fb1a26e4bc422aef54eb4\)' is not a valid MD5 hash/);
    expectProblem("[file:hashes.SSDEEP = 'a b']", 22, /not a valid SSDEEP hash/);
    expectProblem("[file:hashes.MD6 = 'abcd']", 19, /not a valid MD6 hash \(32, 40, 56, 64, 96 or 128 hex digits\)/);
    expectProblem("[file:extensions.'archive-ext'.contains_refs[0].hashes.'SHA3-256' = 'ab']", 68, /not a valid SHA3-256 hash/);
    expectProblem("[file:hashes.MD5[0] = 'a']", 1, /must end with an algorithm name or \[\*\]/);
    expectValid([
      "[file:hashes.MD5 = '79054025255FB1A26E4BC422AEF54EB4' AND file:hashes.'x-custom' = 'anything']",
      "[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']",
      "[file:hashes[*] = 'anything' AND EXISTS file:hashes.MD5]",
      `[file:hashes.'sha-256' != '${SHA256.toUpperCase()}']`,
    ]);
  });

  it('rejects what makes the OASIS validator fail', () => {
    expectProblem("[process:child_refs[-1].pid = 4]", 20, /^list index -1 is negative at offset 20$/);
    expectProblem("[file:name = 'a'] WITHIN 1 SECONDS REPEATS 2 TIMES WITHIN 2 SECONDS", 51, /a second WITHIN qualifier/);
    expectProblem("/* lead */ [file:name = 'a']", 0, /^expected '\[' at offset 0: nothing but '\(' may come before/);
    expectProblem("( // lead\n[file:name = 'a'])", 2, /^expected '\[' at offset 2/);
    expectProblem('('.repeat(500) + "[file:name = 'a']" + ')'.repeat(500), 100, /nest deeper than 100/);
  });
});

describe('validateStixPattern with a pattern_version other than 2.1', () => {
  it('accepts only what both the STIX 2.0 and 2.1 grammars accept', () => {
    for (const version of ['2.0', '2.1.0']) {
      expect(validateStixPattern("[file:name = 'a'] WITHIN 1 SECONDS WITHIN 2 SECONDS", version)).toBeUndefined();
      expect(validateStixPattern(`[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [file:size > 5]`, version)).toBeUndefined();
      expect(validateStixPattern('[EXISTS file:name]', version)).toEqual({
        position: 1, message: `EXISTS is not in the STIX 2.0 patterning language (pattern_version "${version}") at offset 1`,
      });
      expect(validateStixPattern("[file:name = 'a'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", version)?.message)
        .toMatch(/^START … STOP cannot be written so that both STIX 2.0 and 2.1 accept it .* at offset 18$/);
      expect(validateStixPattern("[file:hashes.MD5 = 'aa']", version)?.message).toMatch(/not a valid MD5 hash/);
    }
  });
});
