import { useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText } from '../api/client';
import type { AuditEntry, Org, Page, SharingGroup, Source, Token, User } from '../api/types';
import { ErrorNote, Link } from '../components/common';
import { useApi } from '../lib/use-api';
import { navigate, paths, useLocation, withParams } from '../routes';

const SECTIONS = [
  { id: 'orgs', label: 'Organisations' },
  { id: 'users', label: 'Users and tokens' },
  { id: 'groups', label: 'Sharing groups' },
  { id: 'sources', label: 'Source reliability' },
  { id: 'audit', label: 'Audit log' },
] as const;

/** Administration: organisations, users, tokens, sharing groups, source reliability, the audit log. */
export default function AdminPage({ section }: { section: string | undefined }) {
  const current = SECTIONS.find((item) => item.id === section) ?? SECTIONS[0];
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <nav aria-label="Administration sections" className="tabs">
        {SECTIONS.map((item) => (
          <Link key={item.id} to={`${paths.admin}/${item.id}`} {...(item.id === current.id ? { 'aria-current': 'page' as const } : {})}>
            {item.label}
          </Link>
        ))}
      </nav>
      {current.id === 'orgs' ? <Orgs /> : current.id === 'users' ? <Users /> : current.id === 'groups' ? <Groups /> : current.id === 'sources' ? <Sources /> : <Audit />}
    </section>
  );
}

function orgLabel(org: string | { id: string; name: string }): string {
  return typeof org === 'string' ? org : org.name;
}

/** A small form whose submit calls `action`; shows its error, resets on success. */
function ActionForm({ title, action, children, submit }: { title: string; action: () => Promise<unknown>; children: ReactNode; submit: string }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label={title}>
      <fieldset>
        <legend>{title}</legend>
        {children}
        <button type="submit" disabled={busy}>
          {submit}
        </button>
      </fieldset>
      <ErrorNote error={error} />
    </form>
  );
}

/** Creates something known by its name alone (an organisation, a sharing group): POSTs `{name}` to `path`. */
function NameForm({ title, submit, path, onCreated }: { title: string; submit: string; path: string; onCreated: () => void }) {
  const [name, setName] = useState('');
  return (
    <ActionForm
      title={title}
      submit={submit}
      action={async () => {
        await api.post(path, { name });
        setName('');
        onCreated();
      }}
    >
      <label>
        Name <input required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
    </ActionForm>
  );
}

/** A choice of organisation by name; gives its id. */
function OrgSelect({ orgs, value, onChange }: { orgs: readonly Org[] | undefined; value: string; onChange: (orgId: string) => void }) {
  return (
    <label>
      Organisation{' '}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {(orgs ?? []).map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function ColumnHeads({ names }: { names: readonly string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function Orgs() {
  const orgs = useApi('orgs', (signal) => api.get<Page<Org>>('/orgs', undefined, signal));
  return (
    <>
      <ErrorNote error={orgs.error} onRetry={orgs.reload} />
      <ul>
        {(orgs.data?.items ?? []).map((org) => (
          <li key={org.id}>
            {org.name} {org.defaultMarking ? <span className="subtle">default marking {org.defaultMarking}</span> : null}
          </li>
        ))}
      </ul>
      <NameForm title="New organisation" submit="Create organisation" path="/orgs" onCreated={orgs.reload} />
    </>
  );
}

function Users() {
  const users = useApi('users', (signal) => api.get<Page<User>>('/users', undefined, signal));
  const orgs = useApi('orgs', (signal) => api.get<Page<Org>>('/orgs', undefined, signal));
  const [form, setForm] = useState({ username: '', org: '', role: 'reader', password: '' });
  const [open, setOpen] = useState<string | undefined>();
  return (
    <>
      <ErrorNote error={users.error} onRetry={users.reload} />
      <table>
        <ColumnHeads names={['User', 'Organisation', 'Role', 'State', 'Tokens']} />
        <tbody>
          {(users.data?.items ?? []).map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{orgLabel(user.org)}</td>
              <td>{user.role}</td>
              <td>
                <button type="button" onClick={() => api.patch(`/users/${encodeURIComponent(user.id)}`, { disabled: !user.disabled }).then(users.reload, users.reload)}>
                  {user.disabled ? 'Enable' : 'Disable'} <span className="visually-hidden">{user.username}</span>
                </button>
              </td>
              <td>
                <button type="button" aria-expanded={open === user.id} onClick={() => setOpen(open === user.id ? undefined : user.id)}>
                  Tokens <span className="visually-hidden">of {user.username}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? <Tokens userId={open} /> : null}
      <ActionForm
        title="New user"
        submit="Create user"
        action={async () => {
          await api.post('/users', { ...form, org: form.org || orgs.data?.items[0]?.id });
          setForm({ username: '', org: form.org, role: 'reader', password: '' });
          users.reload();
        }}
      >
        <label>
          User name <input required value={form.username} onChange={(event) => setForm({ ...form, username: event.target.value })} />
        </label>
        <OrgSelect orgs={orgs.data?.items} value={form.org} onChange={(org) => setForm({ ...form, org })} />
        <label>
          Role{' '}
          <select value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value })}>
            <option value="reader">reader</option>
            <option value="contributor">contributor</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Password <input type="password" autoComplete="new-password" required minLength={12} value={form.password} onChange={(event) => setForm({ ...form, password: event.target.value })} />
        </label>
      </ActionForm>
    </>
  );
}

function Tokens({ userId }: { userId: string }) {
  const tokens = useApi(`tokens:${userId}`, (signal) => api.get<Page<Token>>(`/users/${encodeURIComponent(userId)}/tokens`, undefined, signal));
  const [scope, setScope] = useState<'read' | 'read-write'>('read');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<string | undefined>();
  return (
    <section aria-label="Tokens" className="tokens">
      <ErrorNote error={tokens.error} onRetry={tokens.reload} />
      <ul>
        {(tokens.data?.items ?? []).map((token) => (
          <li key={token.id}>
            {token.label ?? token.id} <span className="subtle">{token.scope}{token.expiresAt ? `, expires ${token.expiresAt.slice(0, 10)}` : ''}{token.revoked ? ', revoked' : ''}</span>{' '}
            {!token.revoked ? (
              <button type="button" onClick={() => api.del(`/tokens/${encodeURIComponent(token.id)}`).then(tokens.reload, tokens.reload)}>
                Revoke <span className="visually-hidden">{token.label ?? token.id}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {created ? (
        <p role="status" className="secret">
          New token (shown once, copy it now): <code>{created}</code>
        </p>
      ) : null}
      <ActionForm
        title="New token"
        submit="Create token"
        action={async () => {
          const answer = await api.post<{ id: string; token: string }>(`/users/${encodeURIComponent(userId)}/tokens`, { scope, ...(label ? { label } : {}) });
          setCreated(answer.token);
          tokens.reload();
        }}
      >
        <label>
          Scope{' '}
          <select value={scope} onChange={(event) => setScope(event.target.value as 'read' | 'read-write')}>
            <option value="read">read</option>
            <option value="read-write">read-write</option>
          </select>
        </label>
        <label>
          Label <input value={label} onChange={(event) => setLabel(event.target.value)} />
        </label>
      </ActionForm>
    </section>
  );
}

function Groups() {
  const groups = useApi('groups', (signal) => api.get<Page<SharingGroup>>('/groups', undefined, signal));
  const orgs = useApi('orgs', (signal) => api.get<Page<Org>>('/orgs', undefined, signal));
  const [member, setMember] = useState<Record<string, string>>({});
  return (
    <>
      <ErrorNote error={groups.error} onRetry={groups.reload} />
      <ul>
        {(groups.data?.items ?? []).map((group) => (
          <li key={group.id}>
            <strong>{group.name}</strong> — {group.members ? group.members.map((item) => orgLabel(item.org)).join(', ') || 'no members' : 'members hidden'}
            <ActionForm
              title={`Add a member to ${group.name}`}
              submit="Add member"
              action={async () => {
                await api.post(`/groups/${encodeURIComponent(group.id)}/members`, { org: member[group.id] ?? orgs.data?.items[0]?.id });
                groups.reload();
              }}
            >
              <OrgSelect orgs={orgs.data?.items} value={member[group.id] ?? ''} onChange={(org) => setMember({ ...member, [group.id]: org })} />
            </ActionForm>
          </li>
        ))}
      </ul>
      <NameForm title="New sharing group" submit="Create group" path="/groups" onCreated={groups.reload} />
    </>
  );
}

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
const GRADE_MEANING: Record<string, string> = {
  A: 'completely reliable',
  B: 'usually reliable',
  C: 'fairly reliable',
  D: 'not usually reliable',
  E: 'unreliable',
  F: 'cannot be judged',
};

function Sources() {
  const sources = useApi('sources', (signal) => api.get<Page<Source>>('/sources', undefined, signal));
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <ErrorNote error={sources.error ?? error} onRetry={sources.reload} />
      <table>
        <ColumnHeads names={['Source', 'Kind', 'Reliability']} />
        <tbody>
          {(sources.data?.items ?? []).map((source) => (
            <tr key={source.id}>
              <td>{source.name}</td>
              <td>{source.kind}</td>
              <td>
                <select
                  aria-label={`Reliability of ${source.name}`}
                  value={source.reliability}
                  onChange={(event) =>
                    api.put(`/sources/${encodeURIComponent(source.id)}/reliability`, { reliability: event.target.value }).then(sources.reload, (failure: unknown) => setError(errorText(failure)))
                  }
                >
                  {GRADES.map((grade) => (
                    <option key={grade} value={grade}>
                      {grade} — {GRADE_MEANING[grade]}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const AUDIT_FILTERS = [
  { key: 'user', label: 'User', type: 'text' },
  { key: 'object', label: 'Object', type: 'text' },
  { key: 'since', label: 'Since', type: 'date' },
] as const;

function Audit() {
  const location = useLocation();
  const filters = { user: location.search.get('user') ?? '', object: location.search.get('object') ?? '', since: location.search.get('since') ?? '', cursor: location.search.get('cursor') ?? '' };
  const audit = useApi(`audit:${JSON.stringify(filters)}`, (signal) => api.get<Page<AuditEntry>>('/audit', { ...filters, limit: 100 }, signal));
  const verify = useApi('audit-verify', (signal) => api.get<{ ok: boolean; entries: number; firstBad?: { seq: number; reason: string } }>('/audit/verify', undefined, signal));
  const [form, setForm] = useState(filters);
  return (
    <>
      <p role="status">
        {verify.data
          ? verify.data.ok
            ? `The audit chain is intact (${verify.data.entries} entries).`
            : `The audit chain is broken at entry ${verify.data.firstBad?.seq}: ${verify.data.firstBad?.reason}. Restore the database from a backup and investigate.`
          : verify.error ?? 'Checking the audit chain…'}
      </p>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(withParams(location, { user: form.user, object: form.object, since: form.since, cursor: undefined }));
        }}
      >
        {AUDIT_FILTERS.map(({ key, label, type }) => (
          <label key={key}>
            {label} <input type={type} value={form[key]} onChange={(event) => setForm({ ...form, [key]: event.target.value })} />
          </label>
        ))}
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={audit.error} onRetry={audit.reload} />
      <table className="audit">
        <ColumnHeads names={['#', 'When', 'Who', 'Action', 'Object', 'Details']} />
        <tbody>
          {(audit.data?.items ?? []).map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>{entry.at.replace('T', ' ').slice(0, 19)}</td>
              <td>
                {entry.actor.username ?? entry.actor.user ?? '—'}
                {entry.actor.orgName || entry.actor.org ? ` (${entry.actor.orgName ?? entry.actor.org})` : ''}
                {entry.address ? <div className="subtle">{entry.address}</div> : null}
              </td>
              <td>{entry.action}</td>
              <td>
                <code>{entry.object ?? ''}</code>
              </td>
              <td>
                <code className="details">{entry.details === undefined ? '' : JSON.stringify(entry.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.data?.next ? (
        <Link to={withParams(location, { cursor: audit.data.next })}>Older entries</Link>
      ) : null}
    </>
  );
}
