/**
 * Data passed between the ingest pipeline stages. Every stage takes the output
 * of the one before and returns plain data, so each can be tested alone.
 * Character offsets always refer to the normalised text that the STIX `report`
 * object holds (see normalise.ts).
 */

/** Languages the pipeline has resources for. French and Russian follow. */
export type Language = 'en';

export interface CharSpan {
  readonly start: number;
  readonly end: number;
}

export interface Token extends CharSpan {
  readonly index: number;
  /** The text exactly as written. */
  readonly text: string;
  /** Lower case, curly quotes and apostrophes folded to straight ones. */
  readonly lower: string;
  /** Universal part of speech from the tagger (NOUN, PROPN, VERB, …). */
  readonly pos: string;
  readonly lemma: string;
  readonly sentence: number;
}

export interface Sentence extends CharSpan {
  readonly index: number;
  readonly paragraph: number;
  /** Token range [tokenStart, tokenEnd). */
  readonly tokenStart: number;
  readonly tokenEnd: number;
}

export interface SegmentedText {
  readonly text: string;
  readonly language: Language;
  readonly tokens: readonly Token[];
  readonly sentences: readonly Sentence[];
  readonly paragraphs: readonly CharSpan[];
}

export type MentionKind = 'person' | 'organization' | 'group' | 'place';

/** A stretch of text naming (or describing) a person, organisation, group or place. */
export interface Mention extends CharSpan {
  readonly kind: MentionKind;
  readonly text: string;
  /** Token range [tokenStart, tokenEnd). */
  readonly tokenStart: number;
  readonly tokenEnd: number;
  readonly sentence: number;
  /** Role or title the text gives in apposition or as a premodifier. */
  readonly role?: RoleMention;
  /** True for descriptions without a name ("the Russian president", "Ms Le Pen" keeps false). */
  readonly nominal?: boolean;
  /** Honorific before the name (Ms, Mr, President …), used for coreference. */
  readonly honorific?: string;
  /** Where the mention came from, for debugging and confidence. */
  readonly via: 'ner' | 'gazetteer' | 'group' | 'title' | 'capitalisation';
}

export interface RoleMention extends CharSpan {
  readonly text: string;
}
