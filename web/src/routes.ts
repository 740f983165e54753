import { useEffect, useState } from 'react';

/**
 * A small history-API router: the console has a dozen pages whose state lives
 * in the URL (filters, selection), so that links can be shared and the back
 * button works. The server answers index.html for these paths
 * (src/http/static-web.ts CLIENT_ROUTES).
 */

export interface Location {
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((listener) => listener());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const listener = () => setLocation(current());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return location;
}

/** Replaces some query parameters of the current page (empty values removed), keeping the rest. */
export function withParams(location: Location, changes: Record<string, string | undefined>, path = location.path): string {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const paths = {
  feed: '/feed',
  map: '/map',
  timeline: '/timeline',
  ingest: '/ingest',
  watchlists: '/watchlists',
  sharing: '/sharing',
  admin: '/admin',
  signIn: '/sign-in',
  incident: (id: string) => `/incidents/${encodeURIComponent(id)}`,
  actor: (id: string) => `/actors/${encodeURIComponent(id)}`,
};
