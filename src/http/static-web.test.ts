import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/cli-harness.js';
import { CONTENT_SECURITY_POLICY, registerStaticWeb } from './static-web.js';

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => temp?.remove());

function builtConsole(): string {
  temp = tempDir();
  const dir = join(temp.dir, 'web');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe('static web console', () => {
  it('answers client routes with index.html under a strict CSP, and never caches it', async () => {
    const app = Fastify();
    registerStaticWeb(app, builtConsole());
    for (const url of ['/', '/feed', '/incidents/incident--1b2c', '/admin/audit']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body).toContain('<title>console</title>');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('serves hashed assets with their type and a year-long immutable cache, gzipped when asked', async () => {
    const app = Fastify();
    registerStaticWeb(app, builtConsole());
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(plain.body);
    const refused = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('serves only files that were built: no traversal, unknown assets are 404', async () => {
    const app = Fastify();
    registerStaticWeb(app, builtConsole());
    for (const url of ['/assets/missing.js', '/assets/../index.html/..%2f..%2fetc/passwd', '/..%2f..%2fetc%2fpasswd', '/index.html/x']) {
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('explains how to build the console when it is not built', async () => {
    temp = tempDir();
    const app = Fastify();
    registerStaticWeb(app, join(temp.dir, 'absent'));
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build');
  });
});
