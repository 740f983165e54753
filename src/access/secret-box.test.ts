import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretBoxError } from './secret-box.js';

const KEY = 'a key of at least sixteen characters';

function failure(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof SecretBoxError ? error.reason : 'other';
  }
}

describe('secret box', () => {
  it('opens what it sealed, and never shows the plaintext in the sealed value', () => {
    const sealed = sealSecret(KEY, 't1', 'hunter2 hunter2', 'row-1');
    expect(sealed.startsWith('t1.')).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(openSecret(KEY, 't1', sealed, 'row-1')).toBe('hunter2 hunter2');
  });

  it('does not open under another row, another key, another format or an altered body', () => {
    const sealed = sealSecret(KEY, 't1', 'secret', 'row-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const altered = [...parts.slice(0, 4), body.toString('base64url')].join('.');
    expect(failure(() => openSecret(KEY, 't1', sealed, 'row-2'))).toBe('wrong_key');
    expect(failure(() => openSecret(`${KEY}!`, 't1', sealed, 'row-1'))).toBe('wrong_key');
    expect(failure(() => openSecret(KEY, 't2', sealed, 'row-1'))).toBe('bad_format');
    expect(failure(() => openSecret(KEY, 't1', altered, 'row-1'))).toBe('wrong_key');
    expect(failure(() => openSecret(KEY, 't1', 'not sealed', 'row-1'))).toBe('bad_format');
  });

  it('refuses to seal or open without a key', () => {
    expect(failure(() => sealSecret(undefined, 't1', 'secret', 'row-1'))).toBe('no_key');
    expect(failure(() => openSecret('', 't1', 't1.a.b.c.d', 'row-1'))).toBe('no_key');
  });
});
