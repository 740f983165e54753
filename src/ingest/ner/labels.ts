import type { EntitySpan, EntityType } from './recogniser.js';

/**
 * BILOU label scheme (Ratinov & Roth 2009, §3): Begin, Inside, Last, Unit-length, Outside.
 * It lets a linear model learn the last token of a name separately from its inside.
 */
export const ENTITY_TYPES: readonly EntityType[] = ['PER', 'LOC', 'ORG', 'MISC'];

export const OUTSIDE = 'O';

/** All BILOU labels over the given entity types, `O` first. */
export function bilouLabels(types: readonly string[] = ENTITY_TYPES): string[] {
  const labels = [OUTSIDE];
  for (const type of types) {
    for (const prefix of ['B', 'I', 'L', 'U']) labels.push(`${prefix}-${type}`);
  }
  return labels;
}

/** Encodes spans over `length` tokens as one BILOU label per token. */
export function spansToBilou(spans: readonly EntitySpan[], length: number): string[] {
  const labels: string[] = new Array<string>(length).fill(OUTSIDE);
  for (const span of spans) {
    if (span.end - span.start === 1) {
      labels[span.start] = `U-${span.type}`;
      continue;
    }
    labels[span.start] = `B-${span.type}`;
    for (let i = span.start + 1; i < span.end - 1; i += 1) labels[i] = `I-${span.type}`;
    labels[span.end - 1] = `L-${span.type}`;
  }
  return labels;
}

/**
 * Reads spans from BILOU labels. Decoding is lenient, as a Viterbi path over a model
 * without hard constraints may contain an `I` or `L` without its `B`: any change of
 * type or an explicit B/U starts a new span, and an L/U closes it.
 */
export function bilouToSpans(labels: readonly string[]): EntitySpan[] {
  const spans: EntitySpan[] = [];
  let open: { type: EntityType; start: number } | null = null;
  const close = (end: number): void => {
    if (open) spans.push({ type: open.type, start: open.start, end });
    open = null;
  };
  labels.forEach((label, i) => {
    if (label === OUTSIDE) {
      close(i);
      return;
    }
    const prefix = label[0];
    const type = label.slice(2) as EntityType;
    if (prefix === 'B' || prefix === 'U' || open === null || open.type !== type) {
      close(i);
      open = { type, start: i };
    }
    if (prefix === 'L' || prefix === 'U') close(i + 1);
  });
  close(labels.length);
  return spans;
}
