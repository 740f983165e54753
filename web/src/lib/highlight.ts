/**
 * Cuts a report's plain text into pieces at the edges of highlighted spans, so
 * that the console renders it as React text nodes with <mark> around the spans.
 * The text is never parsed as HTML: whatever it contains stays text.
 */

export interface Span {
  start: number;
  end: number;
  /** CSS-friendly kind, e.g. 'entity', 'quote', 'evidence'. */
  kind: string;
  label?: string;
  /** The span the reader selected: drawn strongest, scrolled into view. */
  active?: boolean;
}

export interface Piece {
  start: number;
  end: number;
  text: string;
  /** Spans covering this piece, innermost (shortest) first. */
  spans: Span[];
}

export function cutIntoPieces(text: string, spans: readonly Span[]): Piece[] {
  const valid = spans
    .filter((span) => Number.isFinite(span.start) && Number.isFinite(span.end))
    .map((span) => ({ ...span, start: clamp(span.start, text.length), end: clamp(span.end, text.length) }))
    .filter((span) => span.end > span.start);
  const edges = new Set<number>([0, text.length]);
  for (const span of valid) {
    edges.add(span.start);
    edges.add(span.end);
  }
  const sorted = [...edges].sort((a, b) => a - b);
  const byStart = [...valid].sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  let next = 0;
  let open: Span[] = [];
  for (let index = 0; index + 1 < sorted.length; index += 1) {
    const start = sorted[index] as number;
    const end = sorted[index + 1] as number;
    open = open.filter((span) => span.end > start);
    while (next < byStart.length && (byStart[next] as Span).start <= start) {
      const span = byStart[next] as Span;
      if (span.end > start) open.push(span);
      next += 1;
    }
    const covering = [...open].sort((a, b) => Number(b.active ?? false) - Number(a.active ?? false) || a.end - a.start - (b.end - b.start));
    const previous = pieces[pieces.length - 1];
    if (previous && covering.length === 0 && previous.spans.length === 0) {
      previous.end = end;
      previous.text = text.slice(previous.start, end);
    } else {
      pieces.push({ start, end, text: text.slice(start, end), spans: covering });
    }
  }
  return pieces;
}

function clamp(value: number, length: number): number {
  return Math.max(0, Math.min(length, Math.trunc(value)));
}
