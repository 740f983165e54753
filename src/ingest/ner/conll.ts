import { readFileSync } from 'node:fs';
import { EntenteError } from '../../errors.js';

/** One sentence of a CoNLL-format file: its tokens and the tag of each (last column). */
export interface TaggedSentence {
  tokens: string[];
  tags: string[];
  /** The columns between token and tag (e.g. part of speech), per token. */
  middle: string[][];
}

/** A chunk as conlleval reads it: a type over token indices, `end` exclusive. */
export interface Chunk {
  type: string;
  start: number;
  end: number;
}

/**
 * Parses CoNLL-format text: one token per line with whitespace-separated columns,
 * the token first and the tag last, sentences separated by blank lines
 * (CoNLL-2003 shared task, §3). `-DOCSTART-` lines are document separators and
 * are skipped.
 */
export function parseConll(text: string, source = 'input'): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  let current: TaggedSentence = { tokens: [], tags: [], middle: [] };
  const flush = (): void => {
    if (current.tokens.length > 0) sentences.push(current);
    current = { tokens: [], tags: [], middle: [] };
  };
  text.split(/\r?\n/).forEach((line, index) => {
    const columns = line.trim().split(/\s+/);
    const token = columns[0] ?? '';
    if (token === '') return flush();
    if (token === '-DOCSTART-') return flush();
    if (columns.length < 2) {
      throw new EntenteError(
        'invalid_input',
        `${source}:${index + 1}: expected a token and a tag separated by whitespace, found "${line}".`,
        { line: index + 1 },
      );
    }
    current.tokens.push(token);
    current.tags.push(columns[columns.length - 1] as string);
    current.middle.push(columns.slice(1, -1));
  });
  flush();
  return sentences;
}

export function readConllFile(path: string): TaggedSentence[] {
  return parseConll(readFileSync(path, 'utf8'), path);
}

/**
 * Reads chunks from IOB1, IOB2, IOBES or BILOU tags the way conlleval does: a chunk
 * starts at B/S/U, or at I/E/L after O, after a chunk's end, or after a different
 * type (so IOB1's "I-PER I-PER B-PER" is two chunks and IOB2's "B-PER I-PER" is
 * one); it ends before a tag that does not continue it, and after E/L/S/U.
 */
export function chunksFromTags(tags: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let open: { type: string; start: number } | null = null;
  tags.forEach((tag, i) => {
    const { prefix, type } = splitTag(tag);
    if (prefix === 'O') {
      if (open) chunks.push({ ...open, end: i });
      open = null;
      return;
    }
    const continues = (prefix === 'I' || prefix === 'E' || prefix === 'L') && open?.type === type;
    if (!continues) {
      if (open) chunks.push({ ...open, end: i });
      open = { type, start: i };
    }
    if (prefix === 'E' || prefix === 'L' || prefix === 'S' || prefix === 'U') {
      chunks.push({ type, start: open?.start ?? i, end: i + 1 });
      open = null;
    }
  });
  if (open) chunks.push({ ...(open as { type: string; start: number }), end: tags.length });
  return chunks;
}

function splitTag(tag: string): { prefix: string; type: string } {
  if (tag === 'O' || tag === '') return { prefix: 'O', type: '' };
  const match = /^([BIESLU])-(.+)$/.exec(tag);
  if (match) return { prefix: match[1] as string, type: match[2] as string };
  // conlleval reads a bare type as an inside tag of that type.
  return { prefix: 'I', type: tag };
}
