import { lazy, Suspense } from 'react';
import { api } from '../api/client';
import type { Actor } from '../api/types';
import { ErrorNote, Link, Loading, formatDate } from '../components/common';
import { useApi } from '../lib/use-api';
import { paths } from '../routes';

// cytoscape is the heaviest library of the console: loaded only when a graph is shown.
const RelationGraph = lazy(() => import('../components/RelationGraph'));

/** "from <outlet>: <report title>" (and the partner it came through), linked to the report's incident when there is one. */
function AliasOrigin({ source }: { source: Actor['aliases'][number]['source'] }) {
  if (!source) return <>from a source not recorded</>;
  if (typeof source === 'string') return <>from {source.startsWith('report--') ? `report ${source.slice(8, 16)}…` : source}</>;
  const outlet = source.outlet ?? (source.partner ? `partner ${source.partner}` : undefined);
  const title = source.name ?? (source.report ? `report ${source.report.slice(8, 16)}…` : 'a source not recorded');
  return (
    <>
      from {outlet ? `${outlet}: ` : ''}
      {source.incident ? <Link to={paths.incident(source.incident)}>{title}</Link> : title}
      {source.partner && source.outlet ? ` (via partner ${source.partner})` : ''}
    </>
  );
}

/** A group, person or organisation: its names, where each came from, its incidents and relations. */
export default function ActorPage({ id }: { id: string }) {
  const actor = useApi(`actor:${id}`, (signal) => api.get<Actor>(`/actors/${encodeURIComponent(id)}`, undefined, signal));
  if (actor.error) return <ErrorNote error={actor.error} onRetry={actor.reload} />;
  const data = actor.data;
  if (!data) return <Loading what="the actor" />;
  const labels = new Map(data.graph.nodes.map((node) => [node.id, node.label]));
  const incidents = [...data.incidents].sort((a, b) => formatDate(b.date).localeCompare(formatDate(a.date)));
  return (
    <article className="actor" aria-labelledby="actor-title">
      <div className="page-head">
        <h1 id="actor-title">{data.name}</h1>
        <span className="kind">{data.type}</span>
      </div>
      {data.roles.length > 0 ? <p>Roles: {data.roles.join(', ')}</p> : null}
      <section aria-labelledby="aliases-title">
        <h2 id="aliases-title">Also known as</h2>
        {data.aliases.length === 0 ? <p>No other names.</p> : null}
        <ul>
          {data.aliases.map((alias) => (
            <li key={alias.alias}>
              <strong>{alias.alias}</strong> <span className="subtle">— <AliasOrigin source={alias.source} /></span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="actor-incidents-title">
        <h2 id="actor-incidents-title">Incidents and claims ({incidents.length})</h2>
        <ol className="compact-list">
          {incidents.map((incident) => (
            <li key={incident.id}>
              <time>{formatDate(incident.date)}</time> <Link to={paths.incident(incident.id)}>{incident.name}</Link>
              {incident.claimed ? <span className="claimed"> claimed</span> : null}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="graph-title">
        <h2 id="graph-title">Relations ({data.graph.nodes.length} nodes)</h2>
        {data.graph.nodes.length > 1 ? (
          <Suspense fallback={<div className="graph" aria-busy="true" />}>
            <RelationGraph graph={data.graph} centre={data.id} />
          </Suspense>
        ) : (
          <p>No relations known.</p>
        )}
        <details>
          <summary>Relations as a list</summary>
          <ul>
            {data.graph.edges.map((edge, index) => {
              const label = (nodeId: string) => labels.get(nodeId) ?? nodeId;
              return (
                <li key={`${edge.source}-${edge.target}-${index}`}>
                  {label(edge.source)} — {edge.label ?? 'related to'} — {label(edge.target)}
                </li>
              );
            })}
          </ul>
        </details>
      </section>
    </article>
  );
}
