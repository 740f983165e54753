import { useState, type FormEvent, type ReactNode } from 'react';
import { navigate, paths, useLocation, withParams } from '../routes';
import { canContribute, isAdmin, useConsole } from '../session';
import { Link } from './common';

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut, liveAlerts } = useConsole();
  const location = useLocation();
  const [query, setQuery] = useState(location.search.get('q') ?? '');
  const items: { to: string; label: string; show: boolean }[] = [
    { to: paths.feed, label: 'Feed', show: true },
    { to: paths.map, label: 'Map', show: true },
    { to: paths.timeline, label: 'Timeline', show: true },
    { to: paths.ingest, label: 'Ingest', show: canContribute(session) },
    { to: paths.watchlists, label: 'Watchlists', show: true },
    { to: paths.sharing, label: 'Sharing', show: true },
    { to: paths.admin, label: 'Admin', show: isAdmin(session) },
  ];
  const search = (event: FormEvent) => {
    event.preventDefault();
    navigate(withParams({ path: paths.feed, search: new URLSearchParams() }, { q: query.trim() || undefined }));
  };
  const latest = liveAlerts[0];
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">entente</span>
        <nav aria-label="Console">
          <ul>
            {items
              .filter((item) => item.show)
              .map((item) => {
                const here = location.path === item.to || (item.to === paths.feed && location.path === '/');
                return (
                  <li key={item.to}>
                    <Link to={item.to} {...(here ? { 'aria-current': 'page' as const } : {})}>
                      {item.label}
                      {item.to === paths.watchlists && liveAlerts.length > 0 ? (
                        <span className="count" aria-label={`${liveAlerts.length} new alerts`}>
                          {liveAlerts.length}
                        </span>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
          </ul>
        </nav>
        <form role="search" className="search" onSubmit={search}>
          <label htmlFor="global-search" className="visually-hidden">
            Search reports, incidents and actors
          </label>
          <input id="global-search" type="search" placeholder="Search text…" value={query} onChange={(event) => setQuery(event.target.value)} />
          <button type="submit">Search</button>
        </form>
        <div className="who">
          <span>
            {session.user.username} · {session.user.org.name}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="live" role="status" aria-live="polite">
        {latest ? (
          <Link to={latest.incidentId ? paths.incident(latest.incidentId) : paths.watchlists} className="live-alert">
            New alert ({latest.watchlistName}): {latest.title}
          </Link>
        ) : null}
      </div>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
