import { describe, expect, it } from 'vitest';
import { EntenteError } from '../errors.js';
import { AUTHENTICATE_CHALLENGE, mapError, routeNotFound } from './error-mapper.js';

describe('mapError (TAXII 2.1 §3.6.1)', () => {
  it('maps each client-side EntenteError code to its status with the message and details', () => {
    const cases = [
      ['invalid_input', 400],
      ['unauthenticated', 401],
      ['forbidden', 403],
      ['not_found', 404],
      ['not_acceptable', 406],
      ['too_large', 413],
      ['unsupported_media_type', 415],
      ['invalid_stix', 422],
    ] as const;
    for (const [code, status] of cases) {
      const mapped = mapError(new EntenteError(code, `because ${code}`, { parameter: 'x' }));
      expect(mapped.status).toBe(status);
      expect(mapped.internal).toBe(false);
      expect(mapped.body).toMatchObject({
        description: `because ${code}`,
        error_code: code,
        http_status: String(status),
        details: { parameter: 'x' },
      });
      expect(mapped.body.title.length).toBeGreaterThan(0);
      expect(mapped.body.error_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('challenges for Basic and Bearer on 401 only', () => {
    expect(mapError(new EntenteError('unauthenticated', 'no')).headers).toEqual({ 'www-authenticate': AUTHENTICATE_CHALLENGE });
    expect(mapError(new EntenteError('forbidden', 'no')).headers).toEqual({});
  });

  it('closes the connection after refusing an oversized body', () => {
    expect(mapError(new EntenteError('too_large', 'big')).headers).toEqual({ connection: 'close' });
  });

  it('gives each occurrence its own error_id', () => {
    expect(mapError(new EntenteError('not_found', 'a')).body.error_id).not.toBe(mapError(new EntenteError('not_found', 'a')).body.error_id);
  });

  it('recognises Fastify request errors by code', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(mapError(tooLarge).status).toBe(413);
    const mediaType = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    expect(mapError(mediaType).status).toBe(415);
    const badJson = Object.assign(new SyntaxError('Unexpected token } in JSON'), { statusCode: 400 });
    expect(mapError(badJson)).toMatchObject({ status: 400, body: { error_code: 'invalid_input' } });
  });

  it('answers anything else with a generic 500, and server-side codes with their 5xx, revealing nothing', () => {
    const cases: [unknown, number][] = [
      [new Error('SQLITE_CORRUPT at /srv/db.sqlite'), 500],
      ['thrown string', 500],
      [new EntenteError('unavailable', 'pool exhausted at host db1'), 503],
      [new EntenteError('invalid_config', 'ENTENTE_DB at /srv/secret'), 500],
    ];
    for (const [error, status] of cases) {
      const mapped = mapError(error);
      expect(mapped.status).toBe(status);
      expect(mapped.internal).toBe(true);
      expect(mapped.body.http_status).toBe(String(status));
      expect(JSON.stringify(mapped.body)).not.toMatch(/SQLITE|db1|secret|thrown|at /);
    }
  });

  it('answers an unknown route with 404 naming the method and path, not the query', () => {
    const mapped = routeNotFound('GET', '/nowhere/?token=secret');
    expect(mapped.status).toBe(404);
    expect(mapped.body.description).toBe('No TAXII endpoint answers GET /nowhere/');
  });
});
