import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Correction, IncidentDetail, IncidentField, Report } from '../api/types';
import { HighlightedText } from '../components/HighlightedText';
import { AdmiraltyGrade, ErrorNote, Link, Loading, MarkingBadge, formatCasualties, formatDate, formatPlace, formatValue } from '../components/common';
import type { Span } from '../lib/highlight';
import { useApi } from '../lib/use-api';
import { paths } from '../routes';

interface Selection {
  reportId: string;
  start: number;
  end: number;
  label: string;
}

const FIELD_LABELS: Record<string, string> = {
  date: 'Date',
  place: 'Place',
  killed: 'Killed',
  perpetratorsKilled: 'Perpetrators killed',
  wounded: 'Wounded',
  perpetrator: 'Perpetrator',
  claimed: 'Claimed',
  claimChannel: 'Claim channel',
  attackType: 'Attack type',
  targetType: 'Target type',
  weaponType: 'Weapon type',
  datePrecision: 'Date precision',
  name: 'Name',
  description: 'Description',
};

/** "by admin on 2026-11-26 22:17 UTC": who corrected a value and when. */
function correctedBy(correction: Correction): string {
  return `corrected by ${correction.by} on ${correction.at.slice(0, 16).replace('T', ' ')} UTC`;
}

/** One incident: every field with every source's value, and the sentence each came from. */
export default function IncidentPage({ id }: { id: string }) {
  const incident = useApi(`incident:${id}`, (signal) => api.get<IncidentDetail>(`/incidents/${encodeURIComponent(id)}`, undefined, signal));
  const [selection, setSelection] = useState<Selection | undefined>();
  const data = incident.data;
  const reportId = selection?.reportId ?? data?.reports[0]?.id;
  const report = useApi(reportId ? `report:${reportId}` : null, (signal) => api.get<Report>(`/reports/${encodeURIComponent(reportId ?? '')}`, undefined, signal));

  const spans = useMemo<Span[]>(() => {
    const annotations: Span[] = (report.data?.annotations ?? []).map((annotation) => ({ start: annotation.start, end: annotation.end, kind: annotation.kind, label: `${annotation.kind}: ${annotation.label}` }));
    if (selection && selection.reportId === report.data?.id) annotations.push({ start: selection.start, end: selection.end, kind: 'evidence', label: selection.label, active: true });
    return annotations;
  }, [report.data, selection]);

  if (incident.error) return <ErrorNote error={incident.error} onRetry={incident.reload} />;
  if (!data) return <Loading what="the incident" />;

  return (
    <article className="incident" aria-labelledby="incident-title">
      <div className="page-head">
        <h1 id="incident-title">{data.name}</h1>
        <MarkingBadge marking={data.marking} />
      </div>
      <p className="card-meta">
        {formatDate(data.date)} · {formatPlace(data.place)} · {formatCasualties(data.killed, data.wounded)} · {data.attackTypes.join(', ') || 'attack type unknown'}
      </p>
      {data.description ? <p className="description">{data.description}</p> : null}
      <dl className="sharing-facts">
        <dt>Marking</dt>
        <dd>
          <MarkingBadge marking={data.marking} />
        </dd>
        <dt>Sharing group</dt>
        <dd>{data.sharingGroup?.name ?? 'none'}</dd>
        <dt>Partners reached</dt>
        <dd>{data.reachedPartners.length > 0 ? data.reachedPartners.join(', ') : 'not sent to any partner yet'}</dd>
        <dt>Collection</dt>
        <dd>{data.collection}</dd>
        {data.partner ? (
          <>
            <dt>Received from</dt>
            <dd>partner {data.partner}</dd>
          </>
        ) : null}
        {data.stix ? (
          <>
            <dt>STIX</dt>
            <dd>
              <code>{data.stix.id}</code> (version {data.stix.version})
            </dd>
          </>
        ) : null}
      </dl>

      <div className="incident-columns">
        <div>
          <section aria-labelledby="fields-title">
            <h2 id="fields-title">What the sources say</h2>
            <p className="hint">Choose a value to see the sentence it came from.</p>
            <table className="fields">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Chosen</th>
                  <th scope="col">Each source</th>
                </tr>
              </thead>
              <tbody>
                {data.fields.map((field) => (
                  <FieldRow key={field.field} field={field} selected={selection} onSelect={setSelection} />
                ))}
              </tbody>
            </table>
          </section>

          {data.corrections.length > 0 ? (
            <section className="incident-corrections" aria-labelledby="corrections-title">
              <h2 id="corrections-title">Corrected by the analyst</h2>
              <ul>
                {data.corrections.map((correction) => (
                  <li key={`${correction.noteId}-${correction.field}`}>
                    {FIELD_LABELS[correction.field] ?? correction.field}: {correctedBy(correction)}; the extraction said {formatValue(correction.extracted)}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section aria-labelledby="claims-title">
            <h2 id="claims-title">Claims of responsibility</h2>
            {data.claims.length === 0 ? <p>No claim reported.</p> : null}
            <ul>
              {data.claims.map((claim, index) => (
                <li key={`${claim.group.id}-${index}`}>
                  <Link to={paths.actor(claim.group.id)}>{claim.group.name}</Link>
                  {claim.channel ? ` via ${claim.channel}` : ''}
                  {claim.reportedBy ? `, reported by ${claim.reportedBy}` : ''}{' '}
                  {claim.evidence ? (
                    <EvidenceButton
                      label="show the sentence"
                      onSelect={() => claim.evidence && setSelection({ reportId: claim.evidence.reportId, start: claim.evidence.start, end: claim.evidence.end, label: `claim by ${claim.group.name}` })}
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="quotes-title">
            <h2 id="quotes-title">Quotes</h2>
            {data.quotes.length === 0 ? <p>No quotes.</p> : null}
            <ul className="quotes">
              {data.quotes.map((quote, index) => (
                <li key={`${quote.reportId}-${quote.start}-${index}`}>
                  <blockquote>{quote.text}</blockquote>
                  <p>
                    — {quote.speaker.id ? <Link to={paths.actor(quote.speaker.id)}>{quote.speaker.name}</Link> : quote.speaker.name}
                    {quote.speaker.role ? `, ${quote.speaker.role}` : ''}{' '}
                    <EvidenceButton label="show in the report" onSelect={() => setSelection({ reportId: quote.reportId, start: quote.start, end: quote.end, label: `quote of ${quote.speaker.name}` })} />
                  </p>
                </li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="related-title">
            <h2 id="related-title">Related incidents</h2>
            {data.related.length === 0 ? <p>None known.</p> : null}
            <ul>
              {data.related.map((related) => (
                <li key={related.id}>
                  <Link to={paths.incident(related.id)}>{related.name}</Link> ({related.relation})
                </li>
              ))}
            </ul>
          </section>
        </div>

        <section className="report-pane" aria-labelledby="report-title">
          <h2 id="report-title">Source report</h2>
          {data.reports.length > 1 ? (
            <label>
              Report{' '}
              <select value={reportId} onChange={(event) => setSelection({ reportId: event.target.value, start: 0, end: 0, label: '' })}>
                {data.reports.map((item) => (
                  <option key={item.id} value={item.id}>
                    {[item.outlet, item.title, item.published?.slice(0, 10)].filter(Boolean).join(' · ') || item.id}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <ErrorNote error={report.error} onRetry={report.reload} />
          {report.data ? (
            <>
              <p className="card-meta">
                {[report.data.outlet, report.data.title, report.data.published?.slice(0, 10)].filter(Boolean).join(' · ')}
                {report.data.url ? (
                  <>
                    {' · '}
                    <a href={report.data.url} rel="noreferrer noopener" target="_blank">
                      original
                    </a>
                  </>
                ) : null}
              </p>
              {selection && selection.end > selection.start ? (
                <p className="hint" role="status">
                  Highlighted: {selection.label}
                </p>
              ) : null}
              <HighlightedText text={report.data.text} spans={spans} label="Report text" />
            </>
          ) : report.loading ? (
            <Loading what="the report" />
          ) : null}
        </section>
      </div>
    </article>
  );
}

function FieldRow({ field, selected, onSelect }: { field: IncidentField; selected: Selection | undefined; onSelect: (selection: Selection) => void }) {
  return (
    <tr className={field.conflict ? 'conflict' : undefined}>
      <th scope="row">
        {FIELD_LABELS[field.field] ?? field.field}
        {field.conflict ? <span className="conflict-flag"> sources disagree</span> : null}
      </th>
      <td>
        <strong>{formatValue(field.chosen.value)}</strong>
        {field.chosen.rule ? <span className="rule"> ({field.chosen.rule})</span> : null}
      </td>
      <td>
        <ul className="values">
          {field.values.map((value, index) => {
            const evidence = value.evidence;
            const isSelected = evidence !== undefined && selected?.reportId === evidence.reportId && selected.start === evidence.start && selected.end === evidence.end;
            const corrected = value.corrected;
            // A corrected value is the analyst's: the report's source did not say it, so it is not credited to it.
            const text = corrected ? `${formatValue(value.value)} — ${correctedBy(corrected)}` : `${formatValue(value.value)} — ${value.source.name}`;
            return (
              <li key={`${value.report.id}-${index}`} className={corrected ? 'corrected' : undefined}>
                {evidence ? (
                  <button
                    type="button"
                    className="fact"
                    aria-pressed={isSelected}
                    onClick={() => onSelect({ reportId: evidence.reportId, start: evidence.start, end: evidence.end, label: `${FIELD_LABELS[field.field] ?? field.field}: ${text}` })}
                  >
                    {text}
                  </button>
                ) : (
                  <span>{text}</span>
                )}{' '}
                {corrected ? (
                  <span className="extracted">
                    (the extraction from {value.source.name} said {formatValue(corrected.extracted)})
                  </span>
                ) : (
                  <>
                    <AdmiraltyGrade reliability={value.source.reliability} credibility={value.credibility} />
                    {value.confidence !== undefined ? <span className="confidence"> {value.confidence}% sure</span> : null}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </td>
    </tr>
  );
}

function EvidenceButton({ label, onSelect }: { label: string; onSelect: () => void }) {
  return (
    <button type="button" className="link-button" onClick={onSelect}>
      {label}
    </button>
  );
}
