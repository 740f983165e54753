import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { IncidentSummary, Page, SearchHit } from '../api/types';
import { ErrorNote, Link, MarkingBadge, formatCasualties, formatDate, formatPlace } from '../components/common';
import { Filters } from '../components/Filters';
import { Timeline } from '../components/Timeline';
import { filterSearch, filtersFrom, stableKey } from '../lib/filters';
import { usePartnerNames } from '../lib/partner-names';
import { useApi } from '../lib/use-api';
import { navigate, paths, useLocation, withParams } from '../routes';
import { isAdmin, useConsole } from '../session';

const PAGE_SIZE = 50;

export function FeedPage() {
  const location = useLocation();
  const query = { ...filtersFrom(location.search), cursor: location.search.get('cursor') ?? undefined, limit: PAGE_SIZE };
  const feed = useApi(stableKey(query), (signal) => api.get<Page<IncidentSummary>>('/incidents', query, signal));
  const q = location.search.get('q') ?? '';
  const search = useApi(q ? `search:${q}` : null, (signal) => api.get<{ items: SearchHit[] }>('/search', { q }, signal));
  const items = feed.data?.items ?? [];
  const partners = usePartnerNames();
  const paged = location.search.has('cursor');
  // Bumped when the demo set is loaded: the timeline is mounted afresh, so it reads the new incidents too.
  const [loadedSets, setLoadedSets] = useState(0);

  return (
    <section className="feed" aria-labelledby="feed-title">
      <div className="page-head">
        <h1 id="feed-title">{q ? `Feed: “${q}”` : 'Feed'}</h1>
        <p className="links">
          <Link to={paths.map + filterSearch(location.search)}>Show on the map</Link> · <Link to={paths.timeline + filterSearch(location.search)}>Timeline</Link>
        </p>
      </div>
      <Filters location={location} idPrefix="feed" />
      <Timeline key={loadedSets} location={location} compact />
      {q ? <SearchHits hits={search.data?.items} error={search.error} loading={search.loading} /> : null}
      <ErrorNote error={feed.error} onRetry={feed.reload} />
      <ol className="incident-list" aria-busy={feed.loading} aria-label="Incidents, newest first">
        {feed.loading && items.length === 0
          ? Array.from({ length: 6 }, (_, index) => <li key={index} className="incident-card placeholder" aria-hidden="true" />)
          : items.map((incident) => <IncidentCard key={incident.id} incident={incident} partners={partners} />)}
      </ol>
      {!feed.loading && !feed.error && items.length === 0 ? <EmptyFeed
          filtered={Object.keys(filtersFrom(location.search)).length > 0}
          onLoaded={() => {
            feed.reload();
            setLoadedSets((count) => count + 1);
          }}
        /> : null}
      <nav className="pager" aria-label="Pages">
        {paged ? (
          <button type="button" onClick={() => navigate(withParams(location, { cursor: undefined }))}>
            First page
          </button>
        ) : null}
        {feed.data?.next ? (
          <button type="button" onClick={() => navigate(withParams(location, { cursor: feed.data?.next }))}>
            Older incidents
          </button>
        ) : null}
      </nav>
    </section>
  );
}

function IncidentCard({ incident, partners }: { incident: IncidentSummary; partners: ReadonlyMap<string, string> }) {
  return (
    <li className="incident-card">
      <div className="card-head">
        <Link to={paths.incident(incident.id)} className="card-title">
          {incident.name}
        </Link>
        <MarkingBadge marking={incident.marking} />
      </div>
      <p className="card-meta">
        <time dateTime={incident.date.value}>{formatDate(incident.date)}</time> · {formatPlace(incident.place)} · {formatCasualties(incident.killed, incident.wounded)}
      </p>
      <p className="card-meta">
        {incident.attackTypes.join(', ') || 'attack type unknown'}
        {incident.perpetrators.length > 0 ? (
          <>
            {' · '}
            {incident.perpetrators.map((actor, index) => (
              <span key={actor.id}>
                {index > 0 ? ', ' : ''}
                <Link to={paths.actor(actor.id)}>{actor.name}</Link>
                {actor.claimed ? ' (claimed)' : ''}
              </span>
            ))}
          </>
        ) : null}
      </p>
      <p className="card-meta subtle">
        {incident.reports} report{incident.reports === 1 ? '' : 's'} from {incident.sources.map((source) => source.name).join(', ') || 'unknown sources'}
        {incident.partner ? ` · via partner ${partners.get(incident.partner) ?? incident.partner}` : ''}
      </p>
    </li>
  );
}

function SearchHits({ hits, error, loading }: { hits: SearchHit[] | undefined; error: string | undefined; loading: boolean }) {
  return (
    <section className="search-hits" aria-label="Search results" aria-busy={loading}>
      <h2>Matches</h2>
      <ErrorNote error={error} />
      {hits && hits.length === 0 ? <p>Nothing you may see matches this text.</p> : null}
      <ul>
        {(hits ?? []).map((hit) => (
          <li key={`${hit.kind}:${hit.id}`}>
            <span className="kind">{hit.kind}</span>{' '}
            {hit.kind === 'actor' ? <Link to={paths.actor(hit.id)}>{hit.label}</Link> : hit.kind === 'incident' ? <Link to={paths.incident(hit.id)}>{hit.label}</Link> : <span>{hit.label}</span>}
            {hit.snippet ? <span className="snippet"> — {hit.snippet}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An empty store offers the demo set to an administrator, so that a first start shows the exchange working. */
function EmptyFeed({ filtered, onLoaded }: { filtered: boolean; onLoaded: () => void }) {
  const { session } = useConsole();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  if (filtered) return <p className="empty">No incidents match these filters. Clear some filters to see more.</p>;
  return (
    <div className="empty">
      <p>No incidents yet. Ingest a report, or connect a partner under Sharing.</p>
      {isAdmin(session) ? (
        <>
          <button
            type="button"
            disabled={state.busy}
            onClick={() => {
              setState({ busy: true });
              api.post('/demo', {}).then(
                () => {
                  setState({ busy: false });
                  onLoaded();
                },
                (error: unknown) => setState({ busy: false, error: errorText(error) }),
              );
            }}
          >
            {state.busy ? 'Loading the demo set…' : 'Load the demo set'}
          </button>
          <ErrorNote error={state.error} />
        </>
      ) : null}
    </div>
  );
}
