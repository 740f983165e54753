import { useEffect, useState } from 'react';
import type { Alert } from '../api/types';

/**
 * Follows /rest/v1/alerts/stream (server-sent events) while signed in. The
 * browser reconnects on its own after a drop; the server filters every alert
 * through the access policy, so only what this user may see arrives.
 */
export function useAlertStream(enabled: boolean): { alerts: Alert[]; state: 'connecting' | 'open' | 'closed' } {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [state, setState] = useState<'connecting' | 'open' | 'closed'>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    const source = new EventSource('/rest/v1/alerts/stream', { withCredentials: true });
    setState('connecting');
    source.onopen = () => setState('open');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    source.addEventListener('alert', (event) => {
      try {
        const alert = JSON.parse((event as MessageEvent<string>).data) as Alert;
        setAlerts((previous) => [alert, ...previous.filter((known) => known.id !== alert.id)].slice(0, 200));
      } catch {
        // A malformed event is dropped; the next one still arrives.
      }
    });
    return () => source.close();
  }, [enabled]);
  return { alerts, state };
}
