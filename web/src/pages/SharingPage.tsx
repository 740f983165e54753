import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Collection, Page, Partner, SharingGroup } from '../api/types';
import { ErrorNote } from '../components/common';
import { useApi } from '../lib/use-api';
import { isAdmin, useConsole } from '../session';

function orgName(org: string | { id: string; name: string } | undefined): string {
  if (!org) return 'unknown';
  return typeof org === 'string' ? org : org.name;
}

/** Collections this organisation may use, sharing groups, and partners with their sync health. */
export default function SharingPage() {
  const { session } = useConsole();
  const collections = useApi('collections', (signal) => api.get<Page<Collection>>('/collections', undefined, signal));
  const groups = useApi('groups', (signal) => api.get<Page<SharingGroup>>('/groups', undefined, signal));
  const admin = isAdmin(session);
  return (
    <section aria-labelledby="sharing-title">
      <h1 id="sharing-title">Sharing</h1>
      <h2>Collections</h2>
      <ErrorNote error={collections.error} onRetry={collections.reload} />
      <table>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Description</th>
            <th scope="col">Read</th>
            <th scope="col">Write</th>
          </tr>
        </thead>
        <tbody>
          {(collections.data?.items ?? []).map((collection) => (
            <tr key={collection.id}>
              <td>
                {collection.title}
                {collection.alias ? <span className="subtle"> ({collection.alias})</span> : null}
              </td>
              <td>{collection.description ?? ''}</td>
              <td>{collection.canRead ? 'yes' : 'no'}</td>
              <td>{collection.canWrite ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Sharing groups</h2>
      <ErrorNote error={groups.error} onRetry={groups.reload} />
      <ul>
        {(groups.data?.items ?? []).map((group) => (
          <li key={group.id}>
            <strong>{group.name}</strong>
            {group.owner ? <span className="subtle"> owned by {orgName(group.owner)}</span> : null}
            {group.members ? <span> — members: {group.members.map((member) => orgName(member.org)).join(', ') || 'none'}</span> : null}
          </li>
        ))}
      </ul>
      <h2>Partners</h2>
      {admin ? <Partners /> : <p>Partner connections are managed by your organisation's administrators.</p>}
    </section>
  );
}

function Partners() {
  const partners = useApi('partners', (signal) => api.get<Page<Partner>>('/partners', undefined, signal));
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const act = (name: string, action: 'test' | 'sync') => {
    setMessage(`${action === 'test' ? 'Testing' : 'Synchronising with'} ${name}…`);
    setError(undefined);
    api.post<unknown>(`/partners/${encodeURIComponent(name)}/${action}`, {}).then(
      (answer) => {
        setMessage(`${name}: ${action} done — ${summarise(answer)}`);
        partners.reload();
      },
      (failure: unknown) => {
        setMessage(undefined);
        setError(`${name}: ${errorText(failure)}`);
      },
    );
  };
  return (
    <>
      <ErrorNote error={partners.error ?? error} onRetry={partners.reload} />
      {message ? <p role="status">{message}</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Partner</th>
            <th scope="col">Health</th>
            <th scope="col">Last run</th>
            <th scope="col">Pulled up to</th>
            <th scope="col">Pushed up to</th>
            <th scope="col">Last error</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(partners.data?.items ?? []).map((partner) => (
            <tr key={partner.name}>
              <td>
                {partner.name}
                <div className="subtle">{partner.url}</div>
                <div className="subtle">
                  {partner.every ? `every ${partner.every} s` : ''}
                  {partner.pull?.length ? ` · pulls ${partner.pull.map((rule) => `${rule.remote}→${rule.local}`).join(', ')}` : ''}
                  {partner.push?.length ? ` · pushes ${partner.push.map((rule) => `${rule.local}→${rule.remote}`).join(', ')}` : ''}
                </div>
              </td>
              <td>
                <span className={`health health-${partner.health.state}`}>{HEALTH_LABELS[partner.health.state] ?? partner.health.state}</span>
                {partner.health.consecutiveFailures ? <div className="subtle">{partner.health.consecutiveFailures} failed runs in a row</div> : null}
                {partner.health.unhealthyUntil ? <div className="subtle">next try after {when(partner.health.unhealthyUntil)}</div> : null}
              </td>
              <td>
                {when(partner.health.lastRunAt) || 'never'}
                {partner.health.lastSuccessAt && partner.health.lastSuccessAt !== partner.health.lastRunAt ? <div className="subtle">last success {when(partner.health.lastSuccessAt)}</div> : null}
              </td>
              <td>{when(partner.health.lastPulled) || '—'}</td>
              <td>{when(partner.health.lastPushed) || '—'}</td>
              <td>{partner.health.lastError ?? ''}</td>
              <td>
                <button type="button" onClick={() => act(partner.name, 'test')}>
                  Test <span className="visually-hidden">{partner.name}</span>
                </button>{' '}
                <button type="button" onClick={() => act(partner.name, 'sync')}>
                  Sync now <span className="visually-hidden">{partner.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {partners.data && partners.data.items.length === 0 ? <p>No partners yet: add one with `entente partner add`.</p> : null}
    </>
  );
}

const HEALTH_LABELS: Record<string, string> = { 'never-run': 'not run yet', ok: 'healthy', failing: 'failing (retried on schedule)', unhealthy: 'unhealthy (paused)' };

function when(timestamp: string | undefined): string {
  return timestamp ? timestamp.replace('T', ' ').slice(0, 19) : '';
}

function summarise(answer: unknown): string {
  if (answer === undefined || answer === null) return 'no details';
  if (typeof answer !== 'object') return String(answer);
  return Object.entries(answer as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
}
