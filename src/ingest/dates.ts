import * as chrono from 'chrono-node';
import type { DatePrecision } from '../stix/extensions.js';
import type { CharSpan, Language, SegmentedText } from './types.js';

/**
 * Stage 5: time expressions, resolved against the publication date ("on
 * Friday", "yesterday", "on 14 July", "in March", "last year", "in 2015"), each
 * with how precisely it fixes the date. Reports speak of the past, so a
 * weekday or a day-and-month that would fall after publication is taken as the
 * previous one. "On the day of the attack" is returned as an anchor to the
 * incident's own date.
 */
export interface DateMention extends CharSpan {
  readonly text: string;
  readonly sentence: number;
  /** YYYY, YYYY-MM or YYYY-MM-DD; undefined for anchors. */
  readonly date?: string;
  readonly precision: DatePrecision;
  /** True when the expression names the incident's day without giving it ("on the day of the attack"). */
  readonly anchor?: boolean;
  /** True for the date of a dateline ("SOUSSE, Tunisia, June 26 -"): when the report was filed. */
  readonly dateline?: boolean;
}

const DAY_MS = 86_400_000;
const WINDOW = 40;
const DATE_WORD_SOURCE = String.raw`\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(yesterday|today|tonight|last (week|month|year))\b`;
const DATE_WORD = new RegExp(DATE_WORD_SOURCE, 'iu');
const DATE_WORD_GLOBAL = new RegExp(DATE_WORD_SOURCE, 'giu');
const TIME_OF_DAY_OF = /\b(night|morning|evening|afternoon|early hours|weekend) of\b/giu;
const YEAR_RE = /\b(?:(in|since|of|during|until|from|the|by|before|after|early|late|mid-?)\s+)?((?:19|20)\d\d)\b(?:(\s*[-–]\s*(?:19|20)?\d\d))?(?:\s+(\p{L}+))?/giu;
const ANCHOR_RE = /\b(?:on|during)\s+the\s+(?:same\s+)?day\s+of\s+the\s+(?:attack|bombing|shooting|blast|assault|raid|explosion|massacre)\b|\bthe\s+same\s+day\b/giu;

const LETTER = /\p{L}/u;

/** Whether text[start, end) is part of a longer word: a letter touches it on either side. */
function withinWord(text: string, start: number, end: number): boolean {
  return LETTER.test(text.charAt(start - 1)) || LETTER.test(text.charAt(end));
}

export function findDates(segmented: SegmentedText, published: Date | undefined, language: Language): DateMention[] {
  const found: DateMention[] = [];
  const parser = language === 'en' ? chrono.en.casual : chrono.casual;
  for (const sentence of segmented.sentences) {
    const text = segmented.text.slice(sentence.start, sentence.end).replace(TIME_OF_DAY_OF, (m) => ' '.repeat(m.length));
    const taken: CharSpan[] = [];
    const push = (mention: DateMention): void => {
      if (taken.some((span) => span.start < mention.end && mention.start < span.end)) return;
      taken.push(mention);
      found.push(mention);
    };
    for (const match of text.matchAll(ANCHOR_RE)) {
      const start = sentence.start + (match.index ?? 0);
      push({ text: match[0], start, end: start + match[0].length, sentence: sentence.index, precision: 'day', anchor: true });
    }
    // chrono is the costliest stage; sentences without a date word need not be parsed.
    if ((published !== undefined || /\b(19|20)\d\d\b/u.test(text)) && DATE_WORD.test(text)) {
      const reference = published ?? new Date();
      // chrono is the costliest stage: parse only a window around each date word, not the whole sentence.
      for (const window of dateWindows(text)) {
        if (!window.beyondYears) continue;
        for (const result of parser.parse(text.slice(window.start, window.end), { instant: reference, timezone: 0 }, { forwardDate: false })) {
          // Only expressions that name a day, month, year or weekday ("in the months that followed" does not).
          if (!DATE_WORD.test(result.text)) continue;
          // chrono's word boundaries are ASCII: "Marché" would give "March".
          if (withinWord(text, window.start + result.index, window.start + result.index + result.text.length)) continue;
          const resolved = resolveResult(result, reference, published !== undefined);
          if (resolved === undefined) continue;
          const start = sentence.start + window.start + result.index;
          const dateline = isDateline(segmented.text, start, start + result.text.length);
          push({ text: result.text, start, end: start + result.text.length, sentence: sentence.index, ...resolved, ...(dateline ? { dateline } : {}) });
        }
      }
    }
    for (const match of text.matchAll(YEAR_RE)) {
      const lead = match[1]?.toLowerCase();
      const following = match[4]?.toLowerCase() ?? '';
      // A number is not a year where it counts people ("2015 people were evacuated").
      if (/^(people|dead|killed|wounded|injured|troops|soldiers|police|residents|hostages|men|women|children|of)$/u.test(following)) continue;
      if (lead === undefined && /\b(at least|more than|about|some|over)\s*$/iu.test(text.slice(0, match.index ?? 0))) continue;
      const yearText = match[2] as string;
      const offset = (match.index ?? 0) + match[0].indexOf(yearText);
      const start = sentence.start + offset;
      push({ text: yearText, start, end: start + yearText.length, sentence: sentence.index, date: yearText, precision: 'year' });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A date between a paragraph's opening place name in capitals and its dash: "NAIROBI, Jan 16 -". */
function isDateline(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (start - lineStart > 60) return false;
  return /^\p{Lu}[\p{Lu} .'-]{2,}(?:\s*\([^)]*\))?,[^\n]*$/u.test(text.slice(lineStart, start)) && /^\s*[-–—]/u.test(text.slice(end, end + 4));
}

/** A bare year ("in 2015") is the year pattern's alone: chrono finds nothing in it but inside a numeric date ("2015-11-13"). */
const BARE_YEAR = /^(?:19|20)\d\d$/u;
const NUMERIC_DATE = /\d{4}[-./]\d|\d[-./]\d{4}/u;

interface DateWindow extends CharSpan {
  /** Something in it besides bare years that chrono can read; a window of years only is left to the year pattern. */
  readonly beyondYears: boolean;
}

/** Stretches of the sentence around its date words (merged where they touch), cut at word boundaries. */
function dateWindows(text: string): DateWindow[] {
  const windows: DateWindow[] = [];
  for (const match of text.matchAll(DATE_WORD_GLOBAL)) {
    const at = match.index ?? 0;
    let start = Math.max(0, at - WINDOW);
    let end = Math.min(text.length, at + match[0].length + WINDOW);
    while (start > 0 && /\S/u.test(text[start - 1] as string)) start -= 1;
    while (end < text.length && /\S/u.test(text[end] as string)) end += 1;
    const beyondYears = !BARE_YEAR.test(match[0]) || NUMERIC_DATE.test(text.slice(Math.max(0, at - 6), at + match[0].length + 6));
    const last = windows.at(-1);
    if (last !== undefined && start <= last.end) windows[windows.length - 1] = { start: last.start, end, beyondYears: last.beyondYears || beyondYears };
    else windows.push({ start, end, beyondYears });
  }
  return windows;
}

function resolveResult(result: chrono.ParsedResult, reference: Date, hasReference: boolean): { date: string; precision: DatePrecision } | undefined {
  const start = result.start;
  const certain = (component: 'year' | 'month' | 'day' | 'weekday'): boolean => start.isCertain(component);
  if (!certain('year') && !certain('month') && !certain('day') && !certain('weekday')) return undefined;
  if (!hasReference && !certain('year')) return undefined;
  let date = start.date();
  const future = date.getTime() - reference.getTime() > DAY_MS / 2;
  if (future && /\b(next|coming|upcoming|tomorrow|later)\b/iu.test(result.text)) return undefined;
  if (future && certain('weekday') && !certain('day')) date = new Date(date.getTime() - 7 * DAY_MS);
  else if (future && !certain('year')) date = new Date(Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate()));
  const iso = date.toISOString().slice(0, 10);
  if (certain('day') || certain('weekday')) return { date: iso, precision: 'day' };
  if (certain('month')) return { date: iso.slice(0, 7), precision: 'month' };
  if (certain('year')) return { date: iso.slice(0, 4), precision: 'year' };
  return undefined;
}

/** Parses metadata dates: YYYY-MM-DD or a full timestamp. */
export function parsePublished(value: string | undefined): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/u.test(trimmed) ? new Date(`${trimmed}T12:00:00Z`) : new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
