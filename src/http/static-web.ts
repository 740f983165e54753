import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` (vite build) writes the console: `dist/web/` at the package root, from src/ or dist/ alike. */
export const DEFAULT_WEB_DIR = resolve(import.meta.dirname, '../../dist/web');

/**
 * The console's pages, answered with index.html so that a reload or a shared
 * link on a client route works. Kept in step with web/src/routes.ts.
 */
const CLIENT_ROUTES = ['/', '/sign-in', '/feed', '/map', '/timeline', '/incidents/:id', '/actors/:id', '/reports/:id', '/ingest', '/watchlists', '/sharing', '/admin', '/admin/:section'];

/**
 * The console only loads its own scripts, styles and data, is never framed and
 * talks only to this origin. Report text is rendered as text (never HTML), and
 * this forbids inline scripts should that ever slip.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Files worth compressing; images and fonts already are. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);

interface WebFile {
  readonly body: Buffer;
  readonly type: string;
  readonly compressible: boolean;
  /** Compressed on first request, once per process. */
  gzipped?: Buffer;
  /** Vite names built assets by content hash: they never change, so clients keep them for a year. */
  readonly immutable: boolean;
}

/**
 * Serves the analyst console (web/, built by Vite into dist/web/) at `/`: its
 * files with their content types, index.html for client routes, a long cache
 * for hashed assets and a strict Content-Security-Policy. Files are read once at
 * start-up (once per process); a path that is not a built file is never read from disk.
 */
export function registerStaticWeb(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): void {
  const files = loadBuiltFiles(webDir);
  const index = files.get('/index.html') ?? notBuiltPage(webDir);

  for (const route of CLIENT_ROUTES) app.get(route, async (_request, reply) => send(reply, _request, index));
  for (const [path, file] of files) {
    if (path === '/index.html') continue;
    app.get(path, async (request, reply) => send(reply, request, file));
  }
}

function send(reply: FastifyReply, request: FastifyRequest, file: WebFile): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('vary', 'accept-encoding');
  if (file.compressible && acceptsGzip(request.headers['accept-encoding'])) {
    file.gzipped ??= gzipSync(file.body, { level: 9 });
    return reply.header('content-encoding', 'gzip').send(file.gzipped);
  }
  return reply.send(file.body);
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...parameters] = part.toLowerCase().split(';').map((piece) => piece.trim());
    if (coding !== 'gzip' && coding !== '*') return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

/** Built files by folder: every server a process builds (tests build many) shares one read of them. */
const loaded = new Map<string, Map<string, WebFile>>();

function loadBuiltFiles(webDir: string): Map<string, WebFile> {
  const known = loaded.get(webDir);
  if (known) return known;
  const files = new Map<string, WebFile>();
  if (!existsSync(join(webDir, 'index.html'))) return files;
  loaded.set(webDir, files);
  for (const path of listFiles(webDir)) {
    const urlPath = '/' + relative(webDir, path).split(sep).join('/');
    // Route paths are matched literally: a name with characters a router treats specially is not served.
    if (!/^[/A-Za-z0-9._-]+$/.test(urlPath)) continue;
    const extension = extname(path).toLowerCase();
    const body = readFileSync(path);
    files.set(urlPath, {
      body,
      type: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      compressible: COMPRESSIBLE.has(extension) && body.length > 1024,
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return files;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** What `/` answers on a checkout where the console was not built, instead of a bare 404. */
function notBuiltPage(webDir: string): WebFile {
  const text =
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>entente</title>' +
    `<p>The analyst console is not built (no index.html in ${escapeHtml(webDir)}). Run <code>npm run build</code>, then restart <code>entente serve</code>. ` +
    'The TAXII API is at <code>/taxii2/</code>.</p></html>';
  return { body: Buffer.from(text, 'utf8'), type: 'text/html; charset=utf-8', compressible: false, immutable: false };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
