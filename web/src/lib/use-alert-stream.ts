import { useEffect, useState } from 'react';
import type { Alert } from '../api/types';

type StreamState = 'connecting' | 'open' | 'closed';

/** Longest wait between attempts to reopen a stream the server closed or refused. */
const MAX_RETRY_MS = 60_000;

/**
 * Follows /rest/v1/alerts/stream (server-sent events) while signed in. The
 * browser retries a dropped connection itself; a stream the server refused
 * (an error status) is reopened here with a growing wait. The server filters
 * every alert through the access policy, so only what this user may see arrives.
 */
export function useAlertStream(enabled: boolean): { alerts: Alert[]; state: StreamState } {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    let source: EventSource | undefined;
    let timer: number | undefined;
    let wait = 2_000;
    let stopped = false;
    const open = () => {
      setState('connecting');
      source = new EventSource('/rest/v1/alerts/stream', { withCredentials: true });
      source.onopen = () => {
        wait = 2_000;
        setState('open');
      };
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) return setState('connecting');
        setState('closed');
        if (!stopped) timer = window.setTimeout(open, wait);
        wait = Math.min(MAX_RETRY_MS, wait * 2);
      };
      source.addEventListener('alert', (event) => {
        try {
          const alert = JSON.parse((event as MessageEvent<string>).data) as Alert;
          setAlerts((previous) => [alert, ...previous.filter((known) => known.id !== alert.id)].slice(0, 200));
        } catch {
          // A malformed event is dropped; the next one still arrives.
        }
      });
    };
    open();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
    };
  }, [enabled]);
  return { alerts, state };
}
