import { describe, expect, it } from 'vitest';
import { openCredentials, sealCredentials } from './credentials.js';

const KEY = 'correct horse battery staple';

describe('partner credentials at rest', () => {
  it('round-trips Basic and token credentials, and never holds them in clear', () => {
    const basic = { kind: 'basic', username: 'paris-sync', password: 'p4ssw0rd-very-secret' } as const;
    const sealed = sealCredentials(KEY, basic, 'partner-1');
    expect(sealed).not.toContain('p4ssw0rd');
    expect(sealed).not.toContain('paris-sync');
    expect(Buffer.from(sealed.split('.')[4] ?? '', 'base64url').toString('latin1')).not.toContain('p4ssw0rd');
    expect(openCredentials(KEY, sealed, 'partner-1')).toEqual(basic);
    const token = { kind: 'token', token: 'tok_abc' } as const;
    expect(openCredentials(KEY, sealCredentials(KEY, token, 'p2'), 'p2')).toEqual(token);
  });

  it('uses a fresh salt and IV each time', () => {
    const credentials = { kind: 'token', token: 't' } as const;
    expect(sealCredentials(KEY, credentials, 'p')).not.toBe(sealCredentials(KEY, credentials, 'p'));
  });

  it('refuses without a key, naming the setting', () => {
    expect(() => sealCredentials(undefined, { kind: 'token', token: 't' }, 'p')).toThrow(/ENTENTE_SECRET_KEY/);
    const sealed = sealCredentials(KEY, { kind: 'token', token: 't' }, 'p');
    expect(() => openCredentials(undefined, sealed, 'p')).toThrow(/ENTENTE_SECRET_KEY/);
  });

  it('does not open under another key, another partner, or after tampering', () => {
    const sealed = sealCredentials(KEY, { kind: 'token', token: 'secret-token' }, 'p');
    expect(() => openCredentials('another key of 16+ chars', sealed, 'p')).toThrow(/not the key/);
    expect(() => openCredentials(KEY, sealed, 'q')).toThrow(/not the key/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => openCredentials(KEY, parts.join('.'), 'p')).toThrow(/not the key/);
    expect(() => openCredentials(KEY, 'garbage', 'p')).toThrow(/format/);
  });
});
