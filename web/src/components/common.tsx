import type { ReactNode } from 'react';
import type { IncidentDate, Marking, Place } from '../api/types';
import { navigate } from '../routes';

/** A link handled by the console's router (a real <a>, so it opens in a new tab and reads as a link). */
export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' }) {
  return (
    <a
      href={to}
      className={className}
      {...rest}
      onClick={(event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function ErrorNote({ error, onRetry }: { error: string | undefined; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <span>{error}</span>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

const MARKING_LABELS: Record<string, string> = {
  clear: 'TLP:CLEAR',
  green: 'TLP:GREEN',
  amber: 'TLP:AMBER',
  'amber+strict': 'TLP:AMBER+STRICT',
  red: 'TLP:RED',
  none: 'unmarked',
  unknown: 'marking unknown',
};

export function MarkingBadge({ marking }: { marking: Marking | string }) {
  return <span className={`marking marking-${marking.replace('+', '-')}`}>{MARKING_LABELS[marking] ?? marking}</span>;
}

export function formatDate(date: IncidentDate | string | undefined): string {
  if (date === undefined) return 'date unknown';
  if (typeof date === 'string') return date.slice(0, 10);
  const value = date.precision === 'year' ? date.value.slice(0, 4) : date.precision === 'month' ? date.value.slice(0, 7) : date.value.slice(0, 10);
  return date.approximate ? `about ${value}` : value;
}

export function formatPlace(place: Place | undefined): string {
  if (!place) return 'place unknown';
  const parts = [place.city ?? place.name, place.region, place.countryName ?? place.country].filter((part): part is string => Boolean(part));
  return [...new Set(parts)].join(', ') || 'place unknown';
}

export function formatCasualties(killed: number | undefined, wounded: number | undefined): string {
  const parts: string[] = [];
  if (killed !== undefined) parts.push(`${killed} killed`);
  if (wounded !== undefined) parts.push(`${wounded} wounded`);
  return parts.join(', ') || 'casualties unknown';
}

/** Shows any field value of the API (strings, numbers, objects) as readable text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.value === 'string' && typeof record.precision === 'string') return formatDate(record as unknown as IncidentDate);
    if (typeof record.name === 'string') return record.name;
    if ('country' in record || 'city' in record) return formatPlace(record as Place);
    return JSON.stringify(value);
  }
  return String(value);
}

/** Admiralty grade: source reliability A–F and information credibility 1–6 (e.g. "B2"). */
export function AdmiraltyGrade({ reliability, credibility }: { reliability?: string | undefined; credibility?: number | undefined }) {
  const grade = `${reliability ?? 'F'}${credibility ?? 6}`;
  return (
    <abbr className={`grade grade-${(reliability ?? 'F').toLowerCase()}`} title={`Admiralty grade: source reliability ${reliability ?? 'F (cannot be judged)'}, credibility ${credibility ?? '6 (cannot be judged)'}`}>
      {grade}
    </abbr>
  );
}

export const ATTACK_COLOURS: Record<string, string> = {
  'bombing/explosion': '#d62828',
  'armed assault': '#1d3557',
  assassination: '#6a4c93',
  'hostage taking (kidnapping)': '#f77f00',
  'hostage taking (barricade incident)': '#f4a261',
  'facility/infrastructure attack': '#2a9d8f',
  hijacking: '#e76f51',
  'unarmed assault': '#8d99ae',
  unknown: '#555555',
};

export function attackColour(attackType: string | undefined): string {
  if (!attackType) return ATTACK_COLOURS.unknown as string;
  const key = attackType.toLowerCase();
  const known = ATTACK_COLOURS[key] ?? Object.entries(ATTACK_COLOURS).find(([name]) => key.includes(name.split(' ')[0] as string))?.[1];
  if (known) return known;
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 60% 40%)`;
}
