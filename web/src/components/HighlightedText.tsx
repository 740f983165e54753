import { useEffect, useMemo, useRef } from 'react';
import { cutIntoPieces, type Span } from '../lib/highlight';

/**
 * A report's text with spans highlighted. Each piece is a React text node:
 * report text comes from outside and is never rendered as HTML.
 */
export function HighlightedText({ text, spans, label }: { text: string; spans: readonly Span[]; label: string }) {
  const pieces = useMemo(() => cutIntoPieces(text, spans), [text, spans]);
  const activeRef = useRef<HTMLElement | null>(null);
  const activeKey = spans.find((span) => span.active);
  useEffect(() => {
    activeRef.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [activeKey?.start, activeKey?.end]);
  let activeSeen = false;
  return (
    <div className="report-text" aria-label={label} role="document" tabIndex={0}>
      {pieces.map((piece) => {
        const top = piece.spans[0];
        if (!top) return piece.text;
        const isActive = top.active === true;
        const first = isActive && !activeSeen;
        if (isActive) activeSeen = true;
        return (
          <mark
            key={piece.start}
            className={`span span-${top.kind}${isActive ? ' span-active' : ''}`}
            title={piece.spans.map((span) => span.label ?? span.kind).join(' · ')}
            ref={first ? (element) => void (activeRef.current = element) : undefined}
            {...(isActive ? { 'aria-current': 'true' as const } : {})}
          >
            {piece.text}
          </mark>
        );
      })}
    </div>
  );
}
