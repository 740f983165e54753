import { api } from '../api/client';
import type { IncidentSummary, Page } from '../api/types';
import { ErrorNote, Link, formatCasualties, formatDate } from '../components/common';
import { Filters } from '../components/Filters';
import { Timeline } from '../components/Timeline';
import { filterSearch, filtersFrom, stableKey } from '../lib/filters';
import { useApi } from '../lib/use-api';
import { paths, useLocation } from '../routes';

/** The timeline on its own, with the incidents of the chosen period beneath it. */
export default function TimelinePage() {
  const location = useLocation();
  const query = { ...filtersFrom(location.search), limit: 20 };
  const period = useApi(stableKey(query), (signal) => api.get<Page<IncidentSummary>>('/incidents', query, signal));
  const from = location.search.get('from');
  const to = location.search.get('to');
  return (
    <section aria-labelledby="timeline-title">
      <div className="page-head">
        <h1 id="timeline-title">Timeline</h1>
        <p className="links">
          <Link to={paths.feed + filterSearch(location.search)}>Open this period in the feed</Link> ·{' '}
          <Link to={paths.map + filterSearch(location.search)}>on the map</Link>
        </p>
      </div>
      <Filters location={location} idPrefix="timeline" />
      <Timeline location={location} />
      <h2>{from || to ? `Incidents from ${from ?? 'the start'} to ${to ?? 'now'}` : 'Latest incidents'}</h2>
      <ErrorNote error={period.error} onRetry={period.reload} />
      <ol className="compact-list" aria-busy={period.loading}>
        {(period.data?.items ?? []).map((incident) => (
          <li key={incident.id}>
            <time dateTime={incident.date.value}>{formatDate(incident.date)}</time> <Link to={paths.incident(incident.id)}>{incident.name}</Link> —{' '}
            {formatCasualties(incident.killed, incident.wounded)}
          </li>
        ))}
      </ol>
      {period.data && period.data.items.length === 0 ? <p className="empty">No incidents in this period.</p> : null}
    </section>
  );
}
