/**
 * The yardstick from issue 2: a bare node:http server paging pre-serialised
 * JSON out of the same SQLite file (no auth, no validation, no TAXII rules).
 * Usage: node --import tsx bench/lib/bare-server.ts <sqlite-file> <collection-id> <port>
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [file = '', collection = '', port = '0'] = process.argv.slice(2);
const db = new Database(file, { readonly: true });
const page = db.prepare('SELECT date_added, json FROM objects WHERE collection_id = ? AND date_added > ? ORDER BY date_added LIMIT ?');
createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 1000), 1000);
  const rows = page.all(collection, Number(url.searchParams.get('next') ?? 0), limit + 1) as { date_added: number; json: string }[];
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  const next = more ? `,"next":"${shown[shown.length - 1]?.date_added}"` : '';
  res.writeHead(200, { 'content-type': 'application/taxii+json;version=2.1' });
  res.end(`{"more":${more}${next},"objects":[${shown.map((r) => r.json).join(',')}]}`);
}).listen(Number(port), '127.0.0.1');
