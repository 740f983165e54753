/**
 * Formats of hash values for the algorithms of the STIX 2.1 hash-algorithm-ov
 * vocabulary (§10.11) and the others the OASIS pattern validator knows. A
 * pattern comparing `hashes.<algorithm>` with a value of the wrong form is
 * rejected there, so it is here.
 */

interface HashFormat {
  readonly name: string;
  readonly describe: string;
  readonly valid: (value: string) => boolean;
}

function isHex(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function hexDigits(name: string, ...lengths: number[]): HashFormat {
  const describe = `${lengths.join(', ').replace(/, (\d+)$/u, ' or $1')} hex digits`;
  return { name, describe, valid: (value) => lengths.includes(value.length) && isHex(value) };
}

// The characters of an ssdeep digest: base64 digits, ':' between the parts, '.' and '/'.
function isSsdeep(value: string): boolean {
  if (value.length < 1 || value.length > 128) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && c !== 0x2f && c !== 0x2b && c !== 0x3a && c !== 0x2e) return false;
  }
  return true;
}

/** Keyed by the algorithm name upper-cased without '-' (so 'SHA-256', 'sha256' and 'Sha-256' are one). */
const FORMATS: ReadonlyMap<string, HashFormat> = new Map([
  ['MD5', hexDigits('MD5', 32)],
  ['MD6', hexDigits('MD6', 32, 40, 56, 64, 96, 128)],
  ['RIPEMD160', hexDigits('RIPEMD-160', 40)],
  ['SHA1', hexDigits('SHA-1', 40)],
  ['SHA224', hexDigits('SHA-224', 56)],
  ['SHA256', hexDigits('SHA-256', 64)],
  ['SHA384', hexDigits('SHA-384', 96)],
  ['SHA512', hexDigits('SHA-512', 128)],
  ['SHA3224', hexDigits('SHA3-224', 56)],
  ['SHA3256', hexDigits('SHA3-256', 64)],
  ['SHA3384', hexDigits('SHA3-384', 96)],
  ['SHA3512', hexDigits('SHA3-512', 128)],
  ['WHIRLPOOL', hexDigits('WHIRLPOOL', 128)],
  ['SSDEEP', { name: 'SSDEEP', describe: '1 to 128 characters of A-Z a-z 0-9 / + : .', valid: isSsdeep }],
]);

/** The format of hash values for `algorithm` as written in a pattern, if it is a known algorithm. */
export function hashFormat(algorithm: string): HashFormat | undefined {
  return FORMATS.get(algorithm.toUpperCase().replace(/['-]/gu, ''));
}
