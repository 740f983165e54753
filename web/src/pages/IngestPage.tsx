import { useMemo, useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import { PUBLISH_MARKINGS, type Collection, type Page, type PreviewAnswer, type PublishAnswer, type PublishMarking, type SharingGroup } from '../api/types';
import { HighlightedText } from '../components/HighlightedText';
import { ErrorNote, Link } from '../components/common';
import type { Span } from '../lib/highlight';
import { useApi } from '../lib/use-api';
import { paths } from '../routes';
import { EntityCorrections, IncidentCorrection, QuoteCorrections, SourceCorrections, correctionList, withGeneratedNames, type CorrectionValue, type Corrections, type OnCorrect } from './ingest-corrections';

const MAX_TEXT = 2_000_000;

interface Draft {
  text: string;
  outlet: string;
  url: string;
  published: string;
  title: string;
}

/** Paste or upload a report → preview what was extracted → correct → choose who may see it → publish. */
export default function IngestPage() {
  const [draft, setDraft] = useState<Draft>({ text: '', outlet: '', url: '', published: '', title: '' });
  const [preview, setPreview] = useState<PreviewAnswer | undefined>();
  // What the analyst changed; the generated names that follow it are derived from it.
  const [changes, setChanges] = useState<Corrections>({});
  const corrections = useMemo(() => (preview === undefined ? changes : withGeneratedNames(changes, preview)), [changes, preview]);
  const [busy, setBusy] = useState<'preview' | 'publish' | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Shown next to the Publish button, where the analyst is when a correction is refused.
  const [publishError, setPublishError] = useState<string | undefined>();
  const [result, setResult] = useState<PublishAnswer | undefined>();

  const runPreview = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.text.trim() === '') return setError('Paste the text of a report or choose a file first.');
    setBusy('preview');
    setError(undefined);
    setResult(undefined);
    try {
      const body = {
        text: draft.text,
        ...(draft.outlet ? { outlet: draft.outlet } : {}),
        ...(draft.url ? { url: draft.url } : {}),
        ...(draft.published ? { published: draft.published } : {}),
        ...(draft.title ? { title: draft.title } : {}),
      };
      setPreview(await api.post<PreviewAnswer>('/ingest/preview', body));
      setChanges({});
      setPublishError(undefined);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(undefined);
    }
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_TEXT) return setError(`The file is ${Math.round(file.size / 1024)} KB; the console takes text files up to ${MAX_TEXT / 1_000_000} MB.`);
    const text = await file.text();
    setDraft((current) => ({ ...current, text, title: current.title || file.name.replace(/\.[a-z]+$/i, '') }));
  };

  return (
    <section className="ingest" aria-labelledby="ingest-title">
      <h1 id="ingest-title">Ingest a report</h1>
      <form className="ingest-form" onSubmit={runPreview}>
        <label className="wide">
          Report text
          <textarea name="text" rows={10} value={draft.text} maxLength={MAX_TEXT} onChange={(event) => setDraft({ ...draft, text: event.target.value })} />
        </label>
        <label>
          Or a text file <input type="file" accept=".txt,text/plain" onChange={(event) => void readFile(event.target.files?.[0])} />
        </label>
        <label>
          Outlet <input name="outlet" value={draft.outlet} onChange={(event) => setDraft({ ...draft, outlet: event.target.value })} placeholder="e.g. Reuters" />
        </label>
        <label>
          URL <input name="url" type="url" value={draft.url} onChange={(event) => setDraft({ ...draft, url: event.target.value })} />
        </label>
        <label>
          Published <input name="published" type="date" value={draft.published} onChange={(event) => setDraft({ ...draft, published: event.target.value })} />
        </label>
        <label>
          Title <input name="title" value={draft.title} onChange={(event) => setDraft({ ...draft, title: event.target.value })} />
        </label>
        <div className="actions">
          <button type="submit" disabled={busy !== undefined}>
            {busy === 'preview' ? 'Reading the report…' : 'Preview'}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {preview ? (
        <Preview
          preview={preview}
          corrections={corrections}
          onCorrect={(objectId, field, value) =>
            setChanges((current) => {
              const next: Record<string, CorrectionValue> = { ...current };
              if (value === undefined) delete next[`${objectId} ${field}`];
              else next[`${objectId} ${field}`] = value;
              return next;
            })
          }
          busy={busy === 'publish'}
          onPublish={async (choice) => {
            setBusy('publish');
            setPublishError(undefined);
            try {
              const list = correctionList(corrections);
              setResult(
                await api.post<PublishAnswer>('/ingest/publish', {
                  bundle: preview.bundle,
                  collection: choice.collection,
                  marking: choice.marking,
                  ...(choice.sharingGroup ? { sharingGroup: choice.sharingGroup } : {}),
                  ...(list.length > 0 ? { corrections: list } : {}),
                }),
              );
            } catch (failure) {
              setPublishError(errorText(failure));
            } finally {
              setBusy(undefined);
            }
          }}
        />
      ) : null}
      <ErrorNote error={publishError} />
      {result ? <Published result={result} /> : null}
    </section>
  );
}

function Preview({
  preview,
  corrections,
  onCorrect,
  onPublish,
  busy,
}: {
  preview: PreviewAnswer;
  corrections: Corrections;
  onCorrect: OnCorrect;
  onPublish: (choice: { collection: string; marking: PublishMarking; sharingGroup?: string }) => void;
  busy: boolean;
}) {
  const spans = useMemo<Span[]>(() => preview.report.annotations.map((annotation) => ({ start: annotation.start, end: annotation.end, kind: annotation.kind, label: `${annotation.kind}: ${annotation.label}` })), [preview]);
  const kinds = [...new Set(preview.report.annotations.map((annotation) => annotation.kind))];
  const pending = correctionList(corrections).length;
  return (
    <div className="preview">
      <section aria-labelledby="preview-text-title">
        <h2 id="preview-text-title">What was found in the text</h2>
        <ul className="span-legend" aria-label="Highlight colours">
          {kinds.map((kind) => (
            <li key={kind}>
              <mark className={`span span-${kind}`}>{kind}</mark> {preview.report.annotations.filter((annotation) => annotation.kind === kind).length}
            </li>
          ))}
        </ul>
        <HighlightedText text={preview.report.text} spans={spans} label="Report text with what was extracted highlighted" />
      </section>
      <section aria-labelledby="preview-incidents-title">
        <h2 id="preview-incidents-title">Incidents ({preview.incidents.length})</h2>
        {preview.incidents.length === 0 ? <p>No incident was recognised; the report can still be published with its entities and quotes.</p> : null}
        {preview.incidents.map((incident) => (
          <IncidentCorrection key={incident.id} preview={preview} incident={incident} corrections={corrections} onCorrect={onCorrect} />
        ))}
      </section>
      <EntityCorrections preview={preview} corrections={corrections} onCorrect={onCorrect} />
      <QuoteCorrections preview={preview} corrections={corrections} onCorrect={onCorrect} />
      <SourceCorrections preview={preview} corrections={corrections} onCorrect={onCorrect} />
      <PublishForm onPublish={onPublish} busy={busy} objects={preview.bundle.objects.length} corrections={pending} />
    </div>
  );
}

function PublishForm({ onPublish, busy, objects, corrections }: { onPublish: (choice: { collection: string; marking: PublishMarking; sharingGroup?: string }) => void; busy: boolean; objects: number; corrections: number }) {
  const collections = useApi('collections', (signal) => api.get<Page<Collection>>('/collections', undefined, signal));
  const groups = useApi('groups', (signal) => api.get<Page<SharingGroup>>('/groups', undefined, signal));
  const writable = (collections.data?.items ?? []).filter((collection) => collection.canWrite);
  const [collection, setCollection] = useState('');
  const [marking, setMarking] = useState<PublishMarking>('amber');
  const [group, setGroup] = useState('');
  const chosenCollection = collection || writable[0]?.id || '';
  return (
    <form
      className="publish-form"
      aria-labelledby="publish-title"
      onSubmit={(event) => {
        event.preventDefault();
        onPublish({ collection: chosenCollection, marking, ...(group && marking === 'amber' ? { sharingGroup: group } : {}) });
      }}
    >
      <h2 id="publish-title">Publish</h2>
      <ErrorNote error={collections.error ?? groups.error} />
      <div className="field">
        <label htmlFor="publish-collection">Collection</label>
        <select id="publish-collection" name="collection" value={chosenCollection} onChange={(event) => setCollection(event.target.value)} required>
          {writable.length === 0 ? <option value="">no collection you may write to</option> : null}
          {writable.map((item) => (
            <option key={item.id} value={item.id}>
              {item.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="publish-marking">Marking</label>
        <select id="publish-marking" name="marking" value={marking} onChange={(event) => setMarking(event.target.value as PublishMarking)}>
          {PUBLISH_MARKINGS.map((item) => (
            <option key={item} value={item}>
              TLP:{item.toUpperCase()}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="publish-group">Sharing group</label>
        <select id="publish-group" name="sharingGroup" value={marking === 'amber' ? group : ''} disabled={marking !== 'amber'} onChange={(event) => setGroup(event.target.value)}>
          <option value="">none</option>
          {(groups.data?.items ?? []).map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </div>
      <p className="hint">
        {objects} STIX objects will be published{corrections > 0 ? `, with your ${corrections} correction${corrections === 1 ? '' : 's'} recorded as yours` : ''}.{' '}
        {marking === 'amber' ? 'AMBER reaches only your organisation and the sharing group you choose.' : ''}
        {marking === 'amber+strict' ? 'AMBER+STRICT stays within your organisation; a sharing group applies to AMBER only.' : ''}
        {marking === 'red' ? 'RED reaches only the named recipients; a sharing group applies to AMBER only.' : ''}
        {marking === 'clear' || marking === 'green' ? 'Every organisation that reads this collection will see it; a sharing group applies to AMBER only.' : ''}
      </p>
      <button type="submit" disabled={busy || chosenCollection === ''}>
        {busy ? 'Publishing…' : 'Publish'}
      </button>
    </form>
  );
}

function Published({ result }: { result: PublishAnswer }) {
  return (
    <section className="published" role="status" aria-labelledby="published-title">
      <h2 id="published-title">Published {result.published} objects</h2>
      {result.rejected.length > 0 ? (
        <div className="error">
          <p>{result.rejected.length} objects were refused:</p>
          <ul>
            {result.rejected.map((item) => (
              <li key={item.id}>
                <code>{item.id}</code>: {item.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ul>
        {result.incidentIds.map((id) => (
          <li key={id}>
            <Link to={paths.incident(id)}>Open the incident</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
