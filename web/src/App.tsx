import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken, whenSignedOut } from './api/client';
import type { Session } from './api/types';
import { Layout } from './components/Layout';
import { Loading } from './components/common';
import { useAlertStream } from './lib/use-alert-stream';
import { FeedPage } from './pages/FeedPage';
import { SignInPage } from './pages/SignInPage';
import { navigate, paths, useLocation } from './routes';
import { Context } from './session';

// Pages with heavy libraries (the world map, the graph) or used rarely load on demand.
const MapPage = lazy(() => import('./pages/MapPage'));
const TimelinePage = lazy(() => import('./pages/TimelinePage'));
const IncidentPage = lazy(() => import('./pages/IncidentPage'));
const ActorPage = lazy(() => import('./pages/ActorPage'));
const IngestPage = lazy(() => import('./pages/IngestPage'));
const WatchlistsPage = lazy(() => import('./pages/WatchlistsPage'));
const SharingPage = lazy(() => import('./pages/SharingPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));

type SessionState = { kind: 'checking' } | { kind: 'signed-out'; reason?: string } | { kind: 'signed-in'; session: Session };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const location = useLocation();

  useEffect(() => {
    whenSignedOut(() => setState({ kind: 'signed-out', reason: 'Your session has ended. Sign in again.' }));
    api.get<Session>('/session').then(
      (session) => {
        setCsrfToken(session.csrfToken);
        setState({ kind: 'signed-in', session });
      },
      () => setState({ kind: 'signed-out' }),
    );
  }, []);

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', session });
    const back = new URLSearchParams(window.location.search).get('next');
    navigate(back && back.startsWith('/') && !back.startsWith('//') ? back : paths.feed, { replace: true });
  }, []);

  const signOut = useCallback(() => {
    api.del('/session').finally(() => {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out' });
      navigate(paths.signIn, { replace: true });
    });
  }, []);

  const stream = useAlertStream(state.kind === 'signed-in');

  if (state.kind === 'checking') return <Loading what="the console" />;
  if (state.kind === 'signed-out') return <SignInPage onSignedIn={signedIn} reason={state.reason} />;

  return (
    <Context.Provider value={{ session: state.session, signOut, liveAlerts: stream.alerts, streamState: stream.state }}>
      <Layout>
        <Suspense fallback={<Loading what="the page" />}>{route(location.path)}</Suspense>
      </Layout>
    </Context.Provider>
  );
}

function route(path: string): ReactNode {
  const [, first = '', second] = path.split('/').map((part) => decodeURIComponent(part));
  switch (first) {
    case '':
    case 'feed':
    case 'sign-in':
      return <FeedPage />;
    case 'map':
      return <MapPage />;
    case 'timeline':
      return <TimelinePage />;
    case 'incidents':
      return second ? <IncidentPage id={second} key={second} /> : <FeedPage />;
    case 'actors':
      return second ? <ActorPage id={second} key={second} /> : <FeedPage />;
    case 'ingest':
      return <IngestPage />;
    case 'watchlists':
      return <WatchlistsPage />;
    case 'sharing':
      return <SharingPage />;
    case 'admin':
      return <AdminPage section={second} />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>There is no page at {path}. Use the menu to go to the feed.</p>
        </section>
      );
  }
}
