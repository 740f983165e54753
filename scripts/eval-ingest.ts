/**
 * `npm run eval:ingest [-- --articles DIR] [--labels FILE] [--details]`
 *
 * Runs the ingest pipeline (src/ingest/index.ts, `ingestText`) over every
 * article of the dev set and prints, as Markdown for BENCHMARKS.md, how often
 * each extracted field agrees with the labels. Defaults to the dev set at
 * ../shared/data/dev-articles beside the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isEntenteError } from '../src/errors.js';
import type { StixObject } from '../src/stix/stix-object.js';
import { expectationFor, parseArticle, type Article, type LabelFile } from './eval-ingest/labels.js';
import { incidentsFromBundle } from './eval-ingest/prediction.js';
import { renderTable, scoreArticle, summarise, type ArticleOutcome, type FieldResult, FIELD_LABELS } from './eval-ingest/scoring.js';
import { sharedFolder } from '../src/shared-folder.js';

const DEFAULT_SET = resolve(sharedFolder(), 'data/dev-articles');

type IngestText = (text: string, metadata: Record<string, string>) => unknown;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function loadPipeline(): Promise<IngestText> {
  const modulePath = '../src/ingest/index.js';
  const loaded: unknown = await import(modulePath);
  const ingestText = (loaded as { ingestText?: unknown }).ingestText;
  if (typeof ingestText !== 'function') throw new Error('src/ingest/index.ts does not export ingestText(text, metadata)');
  return ingestText as IngestText;
}

function bundleObjects(result: unknown): StixObject[] {
  const bundle = (result as { bundle?: { objects?: unknown } } | undefined)?.bundle;
  return Array.isArray(bundle?.objects) ? (bundle.objects as StixObject[]) : [];
}

/** Runs one article; an "unsupported language" answer, thrown or returned, is an outcome, not a failure. */
async function run(ingestText: IngestText, article: Article): Promise<ArticleOutcome> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(article.header)) if (value) metadata[key] = value;
  try {
    const result = await ingestText(article.body, metadata);
    const summary = (result as { summary?: { unsupportedLanguage?: unknown; languageSupported?: unknown } }).summary;
    const unsupported = Boolean(summary?.unsupportedLanguage) || summary?.languageSupported === false;
    return { unsupported, incidents: incidentsFromBundle(bundleObjects(result)) };
  } catch (error) {
    if (isEntenteError(error) && error.code === 'unsupported_language') return { unsupported: true, incidents: [] };
    throw error;
  }
}

async function main(): Promise<void> {
  const setDir = option('--set') ?? DEFAULT_SET;
  const articlesDir = option('--articles') ?? join(setDir, 'articles');
  const labelsFile = option('--labels') ?? join(setDir, 'labels.json');
  const labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as LabelFile;
  const ingestText = await loadPipeline();
  const files = readdirSync(articlesDir).filter((f) => f.endsWith('.txt')).sort();
  const results: FieldResult[] = [];
  const details: string[] = [];
  let languages = { en: 0, other: 0 };
  const started = performance.now();
  for (const file of files) {
    const id = basename(file, '.txt');
    const expectation = expectationFor(labels, id);
    if (!expectation) continue;
    const article = parseArticle(id, readFileSync(join(articlesDir, file), 'utf8'));
    const language = article.header.language ?? 'en';
    languages = language === 'en' ? { ...languages, en: languages.en + 1 } : { ...languages, other: languages.other + 1 };
    const outcome = await run(ingestText, article);
    const scored = scoreArticle(expectation, language, outcome, labels.other_incidents_mentioned[id]?.length ?? 0);
    results.push(...scored);
    for (const miss of scored.filter((r) => !r.correct)) {
      details.push(`| ${id} | ${FIELD_LABELS[miss.field]} | ${miss.expected} | ${miss.found} |`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`Ingest accuracy (\`npm run eval:ingest\`) on ${languages.en + languages.other} labelled articles of ${articlesDir}`);
  console.log(`(${languages.en} English, ${languages.other} in other languages), ${seconds.toFixed(1)} s:\n`);
  console.log(renderTable(summarise(results)));
  if (process.argv.includes('--details')) {
    console.log('\n| article | field | expected | found |\n|---|---|---|---|');
    console.log(details.join('\n'));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
