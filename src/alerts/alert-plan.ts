import type { AlertEvent } from './alert-events.js';

/** An alert the follower decided to raise. */
export interface NewAlert {
  readonly watchlistId: string;
  readonly userId: string;
  readonly objectId: string;
  readonly objectAdded: number;
  readonly incidentId: string | null;
  readonly title: string;
  readonly reasons: readonly string[];
  /** The watchlist has a webhook: queue a delivery in the same transaction. */
  readonly webhook: boolean;
  /** The event the object is about (alert-events.ts). */
  readonly event: AlertEvent;
}

/** An alert already recorded for one of the step's events. */
export interface HeldAlert {
  readonly seq: number;
  readonly id: string;
  readonly watchlistId: string;
  readonly objectId: string;
  readonly reasons: readonly string[];
  /** The partner (id) its object was pulled from when it was raised: it keeps it when it moves. */
  readonly partner: string | null;
}

/**
 * What recording a step does:
 * - `raise`: a new alert (a new event for this watchlist);
 * - `raise-again`: the held alert gets a new number — it is sent again (live
 *   stream, webhook) — with the reasons it had and the new ones, pointing at
 *   `alert`'s object (something new matched);
 * - `update`: the held alert points at `alert`'s object (a newer version, or
 *   the event's canonical incident) without being sent again.
 */
export type AlertAction =
  | { readonly kind: 'raise'; readonly alert: NewAlert; readonly reasons: readonly string[] }
  | { readonly kind: 'raise-again'; readonly held: HeldAlert; readonly alert: NewAlert; readonly reasons: readonly string[] }
  | { readonly kind: 'update'; readonly held: HeldAlert; readonly alert: NewAlert };

interface Entry {
  readonly held: HeldAlert | undefined;
  /** Ids of the objects this alert stands for (its object and the events matched onto it in this step). */
  readonly ids: Set<string>;
  objectId: string;
  reasons: string[];
  /** The object it is to point at, when that changes. */
  pointer: NewAlert | undefined;
  again: boolean;
}

/**
 * One alert per watchlist and event (README "Alerts"). A step's alert whose
 * event this watchlist already has an alert for (held, or raised earlier in
 * the step) does not become a second alert: when it matches for a reason
 * the alert does not yet give, that alert is raised again with both; else,
 * when it is the event's canonical incident or a newer version of the
 * alert's own object, the alert is pointed at it silently; else nothing.
 * Pure: `held` is what the alerts table holds for the step's events.
 */
export function planAlerts(held: readonly HeldAlert[], alerts: readonly NewAlert[]): AlertAction[] {
  const byWatchlist = new Map<string, Entry[]>();
  for (const alert of [...held].sort((a, b) => a.seq - b.seq)) {
    const entry: Entry = { held: alert, ids: new Set([alert.objectId]), objectId: alert.objectId, reasons: [...alert.reasons], pointer: undefined, again: false };
    byWatchlist.set(alert.watchlistId, [...(byWatchlist.get(alert.watchlistId) ?? []), entry]);
  }
  for (const alert of alerts) {
    const entries = byWatchlist.get(alert.watchlistId) ?? [];
    const same = entries.filter((entry) => alert.event.ids.some((id) => entry.ids.has(id)));
    // Oldest first; the alert already on this very object keeps it (one alert per watchlist and object).
    const entry = same.find((e) => e.objectId === alert.objectId) ?? same[0];
    if (entry === undefined) {
      const ids = new Set([alert.objectId, ...alert.event.ids]);
      byWatchlist.set(alert.watchlistId, [...entries, { held: undefined, ids, objectId: alert.objectId, reasons: [...alert.reasons], pointer: alert, again: false }]);
      continue;
    }
    alert.event.ids.forEach((id) => entry.ids.add(id));
    const fresh = alert.reasons.filter((reason) => !entry.reasons.includes(reason));
    if (fresh.length > 0) {
      entry.reasons.push(...fresh);
      entry.again = true;
    } else if (!alert.event.canonical && alert.objectId !== entry.objectId) {
      continue;
    }
    entry.pointer = alert;
    entry.objectId = alert.objectId;
    entry.ids.add(alert.objectId);
  }
  const actions: AlertAction[] = [];
  for (const entry of [...byWatchlist.values()].flat()) {
    if (entry.pointer === undefined) continue;
    if (entry.held === undefined) actions.push({ kind: 'raise', alert: entry.pointer, reasons: entry.reasons });
    else if (entry.again) actions.push({ kind: 'raise-again', held: entry.held, alert: entry.pointer, reasons: entry.reasons });
    else actions.push({ kind: 'update', held: entry.held, alert: entry.pointer });
  }
  return actions;
}
