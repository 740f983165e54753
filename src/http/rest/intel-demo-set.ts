import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedArticlePath } from '../../shared-folder.js';
import type { Kysely } from 'kysely';
import { publishObjects, type Publisher } from '../../access/publication.js';
import { EntenteError, isEntenteError } from '../../errors.js';
import { ingestText, type IngestMetadata } from '../../ingest/index.js';
import type { StixObject } from '../../stix/stix-object.js';
import { tlpMarkingId } from '../../stix/tlp.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { DatabaseSchema } from '../../store/schema.js';

/**
 * The demo set a newcomer can load into an empty instance (issue 7 "The
 * first start shows something real"): the seed article and the development
 * articles (shared folder: `seed/` and `data/dev-articles/articles/`), each
 * ingested and published as TLP:GREEN by the administrator's organisation.
 * Articles in a language ingest does not handle yet are skipped and counted.
 *
 * `entente serve --empty` records that the offer is declined
 * (`DEMO_DECLINED_KEY`), so the console does not show it.
 */
export const DEMO_DECLINED_KEY = 'demo:declined';

export interface DemoSetResult {
  readonly reports: number;
  readonly objects: number;
  readonly skipped: { file: string; reason: string }[];
}

/** The article files of the demo set, seed first; throws not_found when the shared folder is missing. */
export function demoArticles(sharedDir: string): string[] {
  const seed = seedArticlePath(sharedDir);
  if (!existsSync(seed)) throw new EntenteError('not_found', `The demo set is not available: no seed article at ${seed}`);
  const folder = join(sharedDir, 'data', 'dev-articles', 'articles');
  const articles = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.txt')).sort().map((f) => join(folder, f)) : [];
  return [seed, ...articles];
}

/**
 * An article file: optional `key: value` header lines (outlet, published,
 * language, url, title) up to the first blank line, then the text.
 */
export function readArticle(path: string): { text: string; metadata: IngestMetadata } {
  const raw = readFileSync(path, 'utf8');
  const lines = raw.split('\n');
  const header: Record<string, string> = {};
  let bodyStart = 0;
  for (const [index, line] of lines.entries()) {
    const match = /^(outlet|published|language|url|title):\s*(.+)$/u.exec(line.trim());
    if (match === null) {
      bodyStart = line.trim() === '' && Object.keys(header).length > 0 ? index + 1 : Object.keys(header).length > 0 ? index : 0;
      break;
    }
    header[match[1] as string] = (match[2] as string).trim();
  }
  const metadata: IngestMetadata = {
    ...(header.outlet !== undefined ? { outlet: header.outlet } : {}),
    ...(header.published !== undefined ? { published: header.published } : {}),
    ...(header.language !== undefined ? { language: header.language } : {}),
    ...(header.url !== undefined ? { url: header.url } : {}),
    ...(header.title !== undefined ? { title: header.title } : {}),
  };
  return { text: lines.slice(bodyStart).join('\n'), metadata };
}

export async function loadDemoSet(
  db: Kysely<DatabaseSchema>,
  store: ObjectStore,
  collectionId: string,
  publisher: Publisher,
  sharedDir: string,
): Promise<DemoSetResult> {
  const skipped: { file: string; reason: string }[] = [];
  let reports = 0;
  let objects = 0;
  for (const file of demoArticles(sharedDir)) {
    const { text, metadata } = readArticle(file);
    let bundle: readonly StixObject[];
    try {
      bundle = ingestText(text, metadata).bundle.objects;
    } catch (error) {
      if (!isEntenteError(error)) throw error;
      skipped.push({ file: file.split('/').pop() ?? file, reason: error.message });
      continue;
    }
    const marked = bundle.map((o) => (o.type === 'extension-definition' ? o : { ...o, object_marking_refs: [tlpMarkingId('green')] }));
    const outcome = await publishObjects(db, store, collectionId, publisher, marked.map((object) => ({ object, json: JSON.stringify(object) })), {
      address: null,
      path: 'demo set',
    });
    reports += 1;
    objects += outcome.results.filter((r) => r.status === 'added').length;
  }
  return { reports, objects, skipped };
}

/** `entente serve --empty`: the console does not offer the demo set on this database. */
export async function declineDemoSet(db: Kysely<DatabaseSchema>): Promise<void> {
  const now = Date.now() * 1000;
  await db
    .insertInto('watermarks')
    .values({ key: DEMO_DECLINED_KEY, value: '1', updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: '1', updated_at: now }))
    .execute();
}
