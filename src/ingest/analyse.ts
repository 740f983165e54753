import { findAttributions, type AttributionResult } from './attribution.js';
import { findDates, type DateMention } from './dates.js';
import { findIncidents, type Incident } from './events.js';
import { findMentions } from './mentions.js';
import type { IngestResources } from './resources.js';
import { resolveEntities, type ResolvedText } from './resolve.js';
import { findQuotedSpans, findQuotes, type Quote } from './quotes.js';
import { segment } from './segment.js';
import { findSources, type Credit } from './sources.js';
import type { Language, Mention, SegmentedText } from './types.js';

/** Everything the stages read from one normalised text, before it becomes STIX. */
export interface Analysis {
  readonly segmented: SegmentedText;
  readonly mentions: readonly Mention[];
  readonly resolved: ResolvedText;
  readonly dates: readonly DateMention[];
  readonly quotes: readonly Quote[];
  readonly incidents: readonly Incident[];
  readonly credits: readonly Credit[];
  readonly attribution: AttributionResult;
}

/** Runs stages 2–9 (segment → attribution) on normalised text. */
export function analyse(text: string, language: Language, published: Date | undefined, resources: IngestResources): Analysis {
  const segmented = segment(text, language);
  const mentions = findMentions(segmented, resources);
  const resolved = resolveEntities(mentions, resources);
  const dates = findDates(segmented, published, language);
  const quoted = findQuotedSpans(text);
  const quotes = findQuotes(segmented, mentions, resolved);
  const incidents = findIncidents({ segmented, mentions, resolved, dates, quoted, ...(published !== undefined ? { published } : {}) });
  const credits = findSources(segmented, mentions, resolved, quoted);
  const attribution = findAttributions(segmented, mentions, resolved, incidents, credits);
  return { segmented, mentions, resolved, dates, quotes, incidents, credits, attribution };
}
