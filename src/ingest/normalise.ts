import { parse, HTMLElement, TextNode, type Node } from 'node-html-parser';
import { franc } from 'franc-min';
import { EntenteError } from '../errors.js';
import type { Language } from './types.js';

/**
 * Stage 1: input bytes or text → the plain text every later stage and the STIX
 * `report` refer to. HTML loses its tags and boilerplate (navigation, scripts,
 * footers); text is put in Unicode NFC with LF line ends. `toSource` maps an
 * offset in the normalised text back to the input, piecewise per line or HTML
 * text node (exact at each piece's start).
 */
export interface NormalisedText {
  readonly text: string;
  readonly language: Language;
  readonly format: 'text' | 'html';
  /** Title found in HTML (<title> or the first <h1>), if any. */
  readonly title?: string;
  toSource(offset: number): number;
}

export interface NormaliseOptions {
  /** ISO 639-1 code from the metadata; when given it overrides detection. */
  readonly language?: string;
  /** Force a format; otherwise HTML is recognised by its markup. */
  readonly format?: 'text' | 'html';
}

export const MAX_INPUT_BYTES = 1024 * 1024;
// Enough text for franc to tell languages apart reliably; detection cost grows with it.
const LANGUAGE_SAMPLE = 1200;
export const SUPPORTED_LANGUAGES: readonly Language[] = ['en'];

// franc answers in ISO 639-3; metadata and STIX use ISO 639-1.
const ISO3_TO_1: Readonly<Record<string, string>> = {
  eng: 'en', fra: 'fr', rus: 'ru', deu: 'de', spa: 'es', ita: 'it', por: 'pt', nld: 'nl', arb: 'ar',
  tur: 'tr', ukr: 'uk', pol: 'pl', cmn: 'zh', jpn: 'ja', hin: 'hi', urd: 'ur', pes: 'fa', ind: 'id',
  swe: 'sv', ron: 'ro', hun: 'hu', ces: 'cs', ell: 'el', bul: 'bg', srp: 'sr', hrv: 'hr',
};

// A page's own <header> is left alone: inside an <article> it holds the headline; the container choice drops the site's.
const BOILERPLATE = 'script, style, noscript, nav, footer, aside, form, iframe, svg, button, template, figure, menu';
// Class, id or role names of page furniture: sharing buttons, related links, adverts, newsletters, comments.
const BOILERPLATE_MARKER = /\b(share|sharing|social|related|advert\w*|ads?|promo\w*|newsletter|subscribe|comments?|cookie\w*|breadcrumbs?|navigation|navbar|menu|sidebar|footer|banner|complementary)\b/iu;
const BOILERPLATE_LINE = /^(advertisement|share( this( article| story)?)?|read more|related( articles| stories)?|sign up\b.*|follow us\b.*|copyright\b.*|©.*|all rights reserved.*)$/iu;
const BLOCK = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'article', 'section',
  'main', 'tr', 'table', 'ul', 'ol', 'pre', 'dd', 'dt', 'hr', 'body', 'html']);

interface Piece {
  readonly outStart: number;
  readonly srcStart: number;
}

/**
 * Normalises input for ingest.
 * @throws EntenteError('invalid_input') for empty, binary, undecodable or over-1-MB input.
 * @throws EntenteError('unsupported_language') when the language is not one the pipeline handles.
 */
export function normalise(input: string | Uint8Array, options: NormaliseOptions = {}): NormalisedText {
  const raw = decode(input);
  const format = options.format ?? (looksLikeHtml(raw) ? 'html' : 'text');
  const built = format === 'html' ? fromHtml(raw) : fromPlainText(raw);
  if (built.text.trim() === '') {
    throw new EntenteError('invalid_input', format === 'html'
      ? 'The HTML input holds no article text once markup and boilerplate are removed'
      : 'The input is empty', { problem: 'empty' });
  }
  const language = chooseLanguage(built.text, options.language);
  const pieces = built.pieces;
  return {
    text: built.text,
    language,
    format,
    ...(built.title !== undefined ? { title: built.title } : {}),
    toSource: (offset) => {
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((pieces[mid] as Piece).outStart <= offset) lo = mid; else hi = mid - 1;
      }
      const piece = pieces[lo];
      return piece === undefined ? offset : piece.srcStart + (offset - piece.outStart);
    },
  };
}

function decode(input: string | Uint8Array): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size === 0) throw new EntenteError('invalid_input', 'The input is empty', { problem: 'empty' });
  if (size > MAX_INPUT_BYTES) {
    throw new EntenteError('invalid_input', `The input is ${size} bytes; the limit is ${MAX_INPUT_BYTES} bytes (1 MB)`,
      { problem: 'too_large', size, limit: MAX_INPUT_BYTES });
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.includes(0) && !hasUtf16Bom(input)) {
      throw new EntenteError('invalid_input', 'The input looks binary (it contains NUL bytes), not text or HTML', { problem: 'binary' });
    }
    try {
      const encoding = hasUtf16Bom(input) ? (input[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8';
      text = new TextDecoder(encoding, { fatal: true }).decode(input);
    } catch {
      throw new EntenteError('invalid_input', 'The input is not valid UTF-8 (or UTF-16 with a byte-order mark); convert it to UTF-8 first',
        { problem: 'undecodable' });
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Control characters other than tab, LF, CR and FF do not occur in text; many of them mean binary data.
  let controls = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x08 || (code >= 0x0e && code <= 0x1f) || code === 0x7f) controls += 1;
  }
  if (controls > 0 && (text.includes('\u0000') || controls / text.length > 0.01)) {
    throw new EntenteError('invalid_input', 'The input looks binary (it contains control characters), not text or HTML', { problem: 'binary' });
  }
  const replacements = text.match(/\uFFFD/gu)?.length ?? 0;
  if (replacements > 0 && replacements / text.length > 0.001) {
    throw new EntenteError('invalid_input', 'The input was decoded with the wrong encoding (it contains U+FFFD replacement characters)',
      { problem: 'undecodable' });
  }
  return text;
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 2048).trimStart();
  return /^<(!doctype\s+html|html|head|body|article|main|div|p|section|meta|title)[\s>]/iu.test(head)
    || (/<\/(p|div|body|html|article)>/iu.test(text) && /<(p|div|br)[\s/>]/iu.test(text));
}

/** Normalises one line (NFC, odd spaces to plain spaces) without changing anything else. */
function normaliseLine(line: string): string {
  return line.normalize('NFC').replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]/gu, ' ').replace(/[\u200b-\u200d\u2060\u00ad]/gu, '').trimEnd();
}

function fromPlainText(raw: string): { text: string; pieces: Piece[]; title?: string } {
  const pieces: Piece[] = [];
  const out: string[] = [];
  let length = 0;
  let blankRun = 0;
  const lineRe = /([^\r\n]*)(\r\n|\n|\r|$)/gu;
  for (let match = lineRe.exec(raw); match !== null && match.index < raw.length; match = lineRe.exec(raw)) {
    const line = normaliseLine(match[1] ?? '');
    if (line === '') {
      blankRun += 1;
      if (blankRun > 1 || length === 0) continue;
    } else {
      blankRun = 0;
    }
    if (length > 0) {
      out.push('\n');
      length += 1;
    }
    pieces.push({ outStart: length, srcStart: match.index });
    out.push(line);
    length += line.length;
  }
  return { text: out.join('').trimEnd(), pieces };
}

function fromHtml(raw: string): { text: string; pieces: Piece[]; title?: string } {
  const root = parse(raw, { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const titleText = root.querySelector('title')?.text.trim() || root.querySelector('h1')?.text.trim();
  for (const element of root.querySelectorAll(BOILERPLATE)) element.remove();
  for (const element of root.querySelectorAll('[class], [id], [role]')) {
    const marker = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''} ${element.getAttribute('role') ?? ''}`;
    if (BOILERPLATE_MARKER.test(marker)) element.remove();
  }
  const container = root.querySelector('article') ?? root.querySelector('main') ?? root.querySelector('body') ?? root;
  const pieces: Piece[] = [];
  let text = '';
  let pendingBreak = false;
  const visit = (node: Node): void => {
    if (node instanceof TextNode) {
      const content = normaliseLine(node.text.replace(/\s+/gu, ' '));
      if (content.trim() === '' || BOILERPLATE_LINE.test(content.trim())) {
        if (text !== '' && !pendingBreak && !text.endsWith(' ') && /\s/u.test(node.rawText)) text += ' ';
        return;
      }
      if (pendingBreak && text !== '') text = text.trimEnd() + '\n';
      pendingBreak = false;
      const piece = text.endsWith('\n') || text === '' ? content.trimStart() : content;
      pieces.push({ outStart: text.length, srcStart: node.range[0] + (content.length - piece.length) });
      text += piece;
      return;
    }
    if (node instanceof HTMLElement) {
      const tag = node.rawTagName?.toLowerCase() ?? '';
      const block = BLOCK.has(tag);
      if (block) pendingBreak = true;
      for (const child of node.childNodes) visit(child);
      if (block) pendingBreak = true;
    }
  };
  visit(container);
  return { text: text.trimEnd(), pieces, ...(titleText ? { title: titleText } : {}) };
}

function chooseLanguage(text: string, declared: string | undefined): Language {
  const code = declared?.trim().toLowerCase().slice(0, 2);
  if (code !== undefined && code !== '') {
    if (isSupported(code)) return code;
    throw new EntenteError('unsupported_language',
      `The metadata gives the language as "${declared}"; only ${SUPPORTED_LANGUAGES.join(', ')} is supported so far`,
      { language: code, supported: SUPPORTED_LANGUAGES });
  }
  const sample = text.slice(0, LANGUAGE_SAMPLE);
  // franc compares trigrams against dozens of languages (~10 ms); plain English shows itself by its function words.
  if (englishShare(sample) >= ENGLISH_SHARE) return 'en';
  const detected = franc(sample, { minLength: 40 });
  if (detected === 'und') return 'en';
  const iso1 = ISO3_TO_1[detected] ?? detected;
  if (isSupported(iso1)) return iso1;
  throw new EntenteError('unsupported_language',
    `The text appears to be in ${iso1} (detected "${detected}"); only ${SUPPORTED_LANGUAGES.join(', ')} is supported so far. Give the language in the metadata if the detection is wrong`,
    { language: iso1, detected, supported: SUPPORTED_LANGUAGES });
}

const ENGLISH_FUNCTION_WORDS = new Set(['the', 'of', 'and', 'to', 'in', 'is', 'was', 'that', 'for', 'on', 'with', 'as', 'by', 'at',
  'said', 'were', 'has', 'have', 'from', 'it', 'he', 'she', 'they', 'his', 'her', 'their', 'which', 'who', 'after', 'been', 'had']);
const ENGLISH_SHARE = 0.2;

function englishShare(sample: string): number {
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 20) return 0;
  return words.filter((w) => ENGLISH_FUNCTION_WORDS.has(w)).length / words.length;
}

function isSupported(code: string): code is Language {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(code);
}
