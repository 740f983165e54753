import { EntenteError } from '../errors.js';
import type { StixBundle } from '../stix/stix-object.js';
import { analyse } from './analyse.js';
import { parsePublished } from './dates.js';
import { loadResources } from './load-resources.js';
import { normalise } from './normalise.js';
import type { IngestResources } from './resources.js';
import { warmUpSegmenter } from './segment.js';
import { summarise, type IngestSummary } from './summary.js';
import { toStix } from './to-stix.js';

export type { IngestSummary } from './summary.js';

/** What is known about the text from outside it. */
export interface IngestMetadata {
  readonly outlet?: string;
  readonly url?: string;
  /** YYYY-MM-DD or an ISO 8601 timestamp; relative dates in the text are resolved against it. */
  readonly published?: string;
  /** ISO 639-1; when given, it overrides language detection. */
  readonly language?: string;
  readonly title?: string;
}

export interface IngestOptions {
  /** Resources to use instead of the shipped models and gazetteers (another language, another model). */
  readonly resources?: IngestResources;
  /** Treat the input as HTML or plain text instead of recognising it. */
  readonly format?: 'text' | 'html';
}

export interface IngestResult {
  readonly bundle: StixBundle;
  readonly summary: IngestSummary;
  /** The normalised text the report holds; every character span refers to it. */
  readonly text: string;
}

/**
 * Reads one report (news article, bulletin, transcript; plain text or HTML)
 * into a STIX 2.1 bundle with provenance on every extracted object, and a
 * summary for people. Synchronous: the work is CPU-bound and models and
 * gazetteers load once, on the first call (or on {@link warmUpIngest}).
 *
 * @throws EntenteError('invalid_input') for empty, binary, undecodable or over-1-MB input, or a bad date.
 * @throws EntenteError('unsupported_language') for text in a language the pipeline does not handle yet.
 */
export function ingestText(input: string | Uint8Array, metadata: IngestMetadata = {}, options: IngestOptions = {}): IngestResult {
  const published = parsePublished(metadata.published);
  if (metadata.published !== undefined && metadata.published.trim() !== '' && published === undefined) {
    throw new EntenteError('invalid_input', `The publication date "${metadata.published}" is not YYYY-MM-DD or an ISO 8601 timestamp`,
      { problem: 'published' });
  }
  const normalised = normalise(input, {
    ...(metadata.language !== undefined ? { language: metadata.language } : {}),
    ...(options.format !== undefined ? { format: options.format } : {}),
  });
  const resources = options.resources ?? loadResources(normalised.language);
  const analysis = analyse(normalised.text, normalised.language, published, resources);
  const title = metadata.title ?? normalised.title;
  const stix = toStix(normalised.text, analysis, {
    language: normalised.language,
    ...(metadata.outlet !== undefined ? { outlet: metadata.outlet } : {}),
    ...(metadata.url !== undefined ? { url: metadata.url } : {}),
    ...(published !== undefined ? { published: published.toISOString() } : {}),
    ...(title !== undefined ? { title } : {}),
  });
  return { bundle: stix.bundle, summary: summarise(analysis, stix, metadata), text: normalised.text };
}

/** Loads the tagger, models and gazetteers now rather than on the first report. */
export function warmUpIngest(language: 'en' = 'en'): void {
  warmUpSegmenter(language);
  loadResources(language, { warm: true });
}
