import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Alert, Page, WatchMatch, Watchlist } from '../api/types';
import { ErrorNote, Link } from '../components/common';
import { useApi } from '../lib/use-api';
import { paths } from '../routes';
import { useConsole } from '../session';

const LIST_FIELDS = [
  { key: 'groups', label: 'Groups (names or ids, comma-separated)' },
  { key: 'persons', label: 'People' },
  { key: 'countries', label: 'Countries (ISO codes, e.g. RU, FR)' },
  { key: 'regions', label: 'Regions' },
  { key: 'attackTypes', label: 'Attack types' },
] as const;
type ListKey = (typeof LIST_FIELDS)[number]['key'];

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Watchlists and their alerts: new ones arrive live over server-sent events. */
export default function WatchlistsPage() {
  const { liveAlerts, streamState } = useConsole();
  const watchlists = useApi('watchlists', (signal) => api.get<Page<Watchlist>>('/watchlists', undefined, signal));
  const alerts = useApi('alerts', (signal) => api.get<Page<Alert>>('/alerts', { limit: 50 }, signal));
  const seen = new Set(liveAlerts.map((alert) => alert.id));
  const all = [...liveAlerts, ...(alerts.data?.items ?? []).filter((alert) => !seen.has(alert.id))];

  return (
    <section aria-labelledby="watch-title">
      <h1 id="watch-title">Watchlists and alerts</h1>
      <div className="two-columns">
        <div>
          <h2>My watchlists</h2>
          <ErrorNote error={watchlists.error} onRetry={watchlists.reload} />
          <ul className="watchlists">
            {(watchlists.data?.items ?? []).map((watchlist) => (
              <WatchlistItem key={watchlist.id} watchlist={watchlist} onDeleted={watchlists.reload} />
            ))}
          </ul>
          {watchlists.data && watchlists.data.items.length === 0 ? <p>You follow nothing yet.</p> : null}
          <NewWatchlist onCreated={watchlists.reload} />
        </div>
        <div>
          <h2>Alerts</h2>
          <p className="subtle" role="status">
            Live updates: {streamState === 'open' ? 'connected' : streamState === 'connecting' ? 'connecting…' : 'disconnected, retrying…'}
          </p>
          <ErrorNote error={alerts.error} onRetry={alerts.reload} />
          <ol className="alerts" aria-live="polite" aria-label="Alerts, newest first">
            {all.map((alert) => (
              <li key={alert.id} className={seen.has(alert.id) ? 'alert-new' : undefined}>
                <time dateTime={alert.at}>{alert.at.replace('T', ' ').slice(0, 19)}</time> <strong>{alert.watchlistName}</strong>:{' '}
                {alert.incidentId ? <Link to={paths.incident(alert.incidentId)}>{alert.title}</Link> : alert.title}
                {alert.partner ? <span className="subtle"> · from partner {alert.partner}</span> : null}
              </li>
            ))}
          </ol>
          {all.length === 0 && !alerts.loading ? <p>No alerts yet.</p> : null}
        </div>
      </div>
    </section>
  );
}

function describeMatch(match: WatchMatch): string {
  const parts = LIST_FIELDS.flatMap(({ key }) => (match[key]?.length ? [`${key}: ${match[key]?.join(', ')}`] : []));
  if (match.area) parts.push('a drawn area');
  return parts.join(' · ') || 'everything';
}

function WatchlistItem({ watchlist, onDeleted }: { watchlist: Watchlist; onDeleted: () => void }) {
  const [error, setError] = useState<string | undefined>();
  return (
    <li>
      <strong>{watchlist.name}</strong> <span className="subtle">{describeMatch(watchlist.match)}</span>
      {watchlist.webhook ? (
        <span className="subtle">
          {' '}
          · webhook {watchlist.webhook.url}
          {watchlist.webhook.deliveries
            ? ` (${watchlist.webhook.deliveries.delivered} delivered, ${watchlist.webhook.deliveries.pending} waiting, ${watchlist.webhook.deliveries.failed} failed)`
            : ''}
          {watchlist.webhook.lastError ? ` · last error: ${watchlist.webhook.lastError}` : ''}
        </span>
      ) : null}{' '}
      <button type="button" onClick={() => api.del(`/watchlists/${encodeURIComponent(watchlist.id)}`).then(onDeleted, (failure: unknown) => setError(errorText(failure)))}>
        Delete <span className="visually-hidden">{watchlist.name}</span>
      </button>
      <ErrorNote error={error} />
    </li>
  );
}

function NewWatchlist({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [lists, setLists] = useState<Record<ListKey, string>>({ groups: '', persons: '', countries: '', regions: '', attackTypes: '' });
  const [webhook, setWebhook] = useState({ url: '', secret: '' });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const match: WatchMatch = {};
    for (const { key } of LIST_FIELDS) {
      const items = splitList(lists[key]);
      if (items.length > 0) match[key] = key === 'countries' ? items.map((item) => item.toUpperCase()) : items;
    }
    if (Object.keys(match).length === 0) return setError('Say what to follow: at least one group, person, country, region or attack type.');
    if (webhook.url && webhook.secret.length < 16) return setError('A webhook needs a secret of at least 16 characters, used to sign each delivery.');
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/watchlists', { name: name.trim(), match, ...(webhook.url ? { webhook } : {}) });
      setName('');
      setLists({ groups: '', persons: '', countries: '', regions: '', attackTypes: '' });
      setWebhook({ url: '', secret: '' });
      onCreated();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stacked" onSubmit={submit} aria-labelledby="new-watch-title">
      <h3 id="new-watch-title">Follow something new</h3>
      <label>
        Name <input name="name" required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      {LIST_FIELDS.map(({ key, label }) => (
        <label key={key}>
          {label} <input name={key} value={lists[key]} onChange={(event) => setLists({ ...lists, [key]: event.target.value })} />
        </label>
      ))}
      <label>
        Webhook URL (optional) <input name="webhookUrl" type="url" value={webhook.url} onChange={(event) => setWebhook({ ...webhook, url: event.target.value })} />
      </label>
      {webhook.url ? (
        <label>
          Webhook secret <input name="webhookSecret" type="password" autoComplete="off" value={webhook.secret} onChange={(event) => setWebhook({ ...webhook, secret: event.target.value })} />
        </label>
      ) : null}
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Create watchlist'}
      </button>
    </form>
  );
}
