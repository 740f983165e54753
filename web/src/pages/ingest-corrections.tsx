import type { PreviewAnswer, PreviewIncident } from '../api/types';
import { formatDate, formatPlace } from '../components/common';

/**
 * The correction forms of the ingest preview: every field the preview shows —
 * each incident's coded fields, the entities (name, kind, dropped), the quotes
 * (speaker, dropped), the outlet and the credited sources — read from the
 * previewed bundle and sent as `corrections` (REST.md `POST /ingest/publish`).
 */

export type CorrectionValue = string | number | boolean | string[] | null;
/** Corrections by `${objectId} ${field}`, the field named as the API names it. */
export type Corrections = Readonly<Record<string, CorrectionValue>>;
export type OnCorrect = (objectId: string, field: string, value: CorrectionValue | undefined) => void;

const key = (objectId: string, field: string) => `${objectId} ${field}`;

/** The corrections as the API takes them: drops last, and nothing else about an object that is dropped. */
export function correctionList(corrections: Corrections): { objectId: string; field: string; value: CorrectionValue }[] {
  const list = Object.entries(corrections).map(([name, value]) => {
    const at = name.indexOf(' ');
    return { objectId: name.slice(0, at), field: name.slice(at + 1), value };
  });
  const dropped = new Set(list.filter((c) => c.field === 'drop' && c.value === true).map((c) => c.objectId));
  return [
    ...list.filter((c) => !dropped.has(c.objectId) && c.field !== 'drop'),
    ...list.filter((c) => c.field === 'drop' && c.value === true),
  ];
}

/**
 * The corrections with each incident's generated name kept in step: the name
 * carries the extracted date and starts with the first extracted attack type,
 * so it follows their corrections unless the analyst gave a name.
 */
export function withGeneratedNames(corrections: Corrections, preview: PreviewAnswer): Corrections {
  const next: Record<string, CorrectionValue> = { ...corrections };
  for (const incident of preview.incidents) {
    const generated = incident.name ?? '';
    if (corrections[key(incident.id, 'name')] !== undefined || generated === '') continue;
    let name = generated;
    const date = corrections[key(incident.id, 'event_date')];
    const extractedDate = incident.date === undefined ? '' : formatDate(incident.date).replace(/^about /, '');
    if (typeof date === 'string' && date !== '' && extractedDate !== '') name = name.replace(extractedDate, date);
    const types = corrections[key(incident.id, 'attack_types')];
    const extractedType = incident.attackTypes?.[0];
    const from = [extractedType, ...preview.choices.attackTypes].find((type) => type !== undefined && name.startsWith(type));
    if (Array.isArray(types) && types[0] !== undefined && from !== undefined) name = types[0] + name.slice(from.length);
    if (name !== generated) next[key(incident.id, 'name')] = name;
  }
  return next;
}

type BundleObject = Record<string, unknown> & { id: string; type: string };

function objectsOf(preview: PreviewAnswer): BundleObject[] {
  return preview.bundle.objects.filter((o): o is BundleObject => typeof o === 'object' && o !== null && typeof (o as BundleObject).id === 'string');
}

/** The coded fields of an incident: the extension holding `attack_types` (the entente-incident extension). */
function incidentFields(object: BundleObject | undefined): Record<string, unknown> {
  const extensions = (object?.extensions ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(extensions).find((ext) => Array.isArray(ext.attack_types)) ?? {};
}

function countOf(value: unknown): string {
  const low = (value as { low?: unknown } | undefined)?.low;
  return typeof low === 'number' ? String(low) : '';
}

const idOf = (id: string) => id.replace(/[^a-z0-9]/gi, '');

function Note({ changed, extracted }: { changed: boolean; extracted: string }) {
  return <span className="subtle">{changed ? `corrected (extracted: ${extracted || 'nothing'})` : 'as extracted'}</span>;
}

export function IncidentCorrection({ preview, incident, corrections, onCorrect }: { preview: PreviewAnswer; incident: PreviewIncident; corrections: Corrections; onCorrect: OnCorrect }) {
  const object = objectsOf(preview).find((o) => o.id === incident.id);
  const fields = incidentFields(object);
  const id = idOf(incident.id);
  const value = (field: string): CorrectionValue | undefined => corrections[key(incident.id, field)];
  const extractedDate = incident.date === undefined ? '' : formatDate(incident.date).replace(/^about /, '');
  const text = (field: string, label: string, extracted: string, extra: Record<string, string> = {}) => {
    const current = value(field);
    const shown = typeof current === 'string' ? current : extracted;
    return (
      <label key={field} htmlFor={`${id}-${field}`} className={shown !== extracted ? 'changed' : undefined}>
        {label}
        <input id={`${id}-${field}`} name={field} value={shown} onChange={(event) => onCorrect(incident.id, field, event.target.value === extracted ? undefined : event.target.value)} {...extra} />
        <Note changed={shown !== extracted} extracted={extracted} />
      </label>
    );
  };
  const count = (field: string, label: string) => {
    const extracted = field === 'victims_killed' && incident.killed !== undefined ? String(incident.killed) : field === 'wounded' && incident.wounded !== undefined ? String(incident.wounded) : countOf(fields[field]);
    const current = value(field);
    const shown = current === undefined ? extracted : current === null ? '' : String(current);
    return (
      <label key={field} htmlFor={`${id}-${field}`} className={shown !== extracted ? 'changed' : undefined}>
        {label}
        <input
          id={`${id}-${field}`}
          name={field}
          type="number"
          min={0}
          step={1}
          value={shown}
          onChange={(event) => {
            const raw = event.target.value;
            if (raw === extracted) return onCorrect(incident.id, field, undefined);
            // Emptied: the figure is removed; anything else goes as typed, and the server says what is wrong with it.
            onCorrect(incident.id, field, raw === '' ? null : /^\d+$/.test(raw) ? Number(raw) : raw);
          }}
        />
        <Note changed={shown !== extracted} extracted={extracted} />
      </label>
    );
  };
  const extractedPrecision = typeof fields.date_precision === 'string' ? fields.date_precision : '';
  const precision = (value('date_precision') as string | undefined) ?? extractedPrecision;
  const extractedDescription = typeof object?.description === 'string' ? object.description : '';
  const description = (value('description') as string | undefined) ?? extractedDescription;
  const extractedClaimed = fields.claimed === true ? 'yes' : 'no';
  const claimed = value('claimed') === undefined ? extractedClaimed : value('claimed') === true ? 'yes' : 'no';
  return (
    <fieldset className="correction">
      <legend>{incident.name ?? incident.id}</legend>
      <div className="correction-grid">
        {text('name', 'Name', incident.name ?? '')}
        {text('event_date', 'Date', extractedDate, { placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?', inputMode: 'numeric', title: 'YYYY, YYYY-MM or YYYY-MM-DD' })}
        <label htmlFor={`${id}-date_precision`} className={precision !== extractedPrecision ? 'changed' : undefined}>
          Precision
          <select id={`${id}-date_precision`} name="date_precision" value={precision} onChange={(event) => onCorrect(incident.id, 'date_precision', event.target.value === extractedPrecision ? undefined : event.target.value)}>
            {preview.choices.datePrecisions.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
          <Note changed={precision !== extractedPrecision} extracted={extractedPrecision} />
        </label>
        {count('victims_killed', 'Killed')}
        {count('wounded', 'Wounded')}
        {count('perpetrators_killed', 'Perpetrator deaths')}
        <label htmlFor={`${id}-claimed`} className={claimed !== extractedClaimed ? 'changed' : undefined}>
          Claimed
          <select id={`${id}-claimed`} name="claimed" value={claimed} onChange={(event) => onCorrect(incident.id, 'claimed', event.target.value === extractedClaimed ? undefined : event.target.value === 'yes')}>
            <option value="yes">yes, responsibility was claimed</option>
            <option value="no">no claim</option>
          </select>
          <Note changed={claimed !== extractedClaimed} extracted={extractedClaimed} />
        </label>
      </div>
      {/* Not wrapped in its label: the text it holds would become part of the label's name. */}
      <div className={description !== extractedDescription ? 'field changed' : 'field'}>
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} name="description" rows={3} value={description} onChange={(event) => onCorrect(incident.id, 'description', event.target.value === extractedDescription ? undefined : event.target.value)} />
        <span className="subtle">{description !== extractedDescription ? 'corrected' : 'as extracted'}</span>
      </div>
      <div className="correction-grid">
        <TypeChoice incidentId={incident.id} field="attack_types" label="Attack types" choices={preview.choices.attackTypes} extracted={fields.attack_types} value={value('attack_types')} onCorrect={onCorrect} />
        <TypeChoice incidentId={incident.id} field="target_types" label="Target types" choices={preview.choices.targetTypes} extracted={fields.target_types} value={value('target_types')} onCorrect={onCorrect} />
        <TypeChoice incidentId={incident.id} field="weapon_types" label="Weapon types" choices={preview.choices.weaponTypes} extracted={fields.weapon_types} value={value('weapon_types')} onCorrect={onCorrect} />
      </div>
      <p className="subtle">
        {formatPlace(incident.place)}
        {incident.perpetrators && incident.perpetrators.length > 0
          ? ` · ${incident.perpetrators.map((actor) => `${actor.name}${actor.claimed ? ' (claimed)' : ''}`).join(', ')}`
          : ''}
        {incident.sources && incident.sources.length > 0 ? ` · according to ${incident.sources.map((source) => source.name).join(', ')}` : ''}
      </p>
    </fieldset>
  );
}

/** A GTD codebook list as checkboxes: only the codebook's names can be chosen. */
function TypeChoice({ incidentId, field, label, choices, extracted, value, onCorrect }: { incidentId: string; field: string; label: string; choices: string[]; extracted: unknown; value: CorrectionValue | undefined; onCorrect: OnCorrect }) {
  const original = Array.isArray(extracted) ? (extracted as string[]) : [];
  const chosen = Array.isArray(value) ? value : original;
  const changed = chosen.join('|') !== original.join('|');
  const id = `${idOf(incidentId)}-${field}`;
  return (
    <fieldset className="type-choice" aria-describedby={`${id}-note`}>
      <legend>{label}</legend>
      {choices.map((name) => (
        <label key={name} className="check">
          <input
            type="checkbox"
            name={field}
            value={name}
            checked={chosen.includes(name)}
            onChange={(event) => {
              const next = choices.filter((item) => (item === name ? event.target.checked : chosen.includes(item)));
              onCorrect(incidentId, field, next.join('|') === original.join('|') ? undefined : next);
            }}
          />{' '}
          {name}
        </label>
      ))}
      <span id={`${id}-note`} className="subtle">
        {changed ? (chosen.length === 0 ? 'choose at least one (Unknown when the text does not say)' : `corrected (extracted: ${original.join(', ') || 'nothing'})`) : 'as extracted'}
      </span>
    </fieldset>
  );
}

const KIND_LABELS: Record<string, string> = { individual: 'person', organization: 'organisation', group: 'group' };

interface Entity {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly credited: boolean;
}

/** Persons, organisations, groups and places the extraction found; the outlet and entente's own identity are not among them. */
function entitiesOf(preview: PreviewAnswer): Entity[] {
  const objects = objectsOf(preview);
  const outlets = new Set(objects.filter((o) => o.type === 'report').map((o) => o.created_by_ref));
  const credited = new Set(preview.report.annotations.filter((a) => a.kind === 'source').map((a) => a.objectId));
  const mentioned = new Set(preview.report.annotations.map((a) => a.objectId));
  return objects.flatMap((o) => {
    if (outlets.has(o.id) || !mentioned.has(o.id) || typeof o.name !== 'string') return [];
    const kind = o.type === 'intrusion-set' ? 'group' : o.type === 'location' ? 'place' : o.type === 'identity' ? String(o.identity_class) : undefined;
    return kind === undefined ? [] : [{ id: o.id, name: o.name, kind, credited: credited.has(o.id) }];
  });
}

export function EntityCorrections({ preview, corrections, onCorrect }: { preview: PreviewAnswer; corrections: Corrections; onCorrect: OnCorrect }) {
  const entities = entitiesOf(preview).filter((entity) => !entity.credited);
  return (
    <section aria-labelledby="preview-entities-title">
      <h2 id="preview-entities-title">Entities ({entities.length})</h2>
      <p className="hint">Correct a name or what kind of entity it is, or drop one the extraction got wrong. A place can only be dropped.</p>
      {entities.map((entity) => {
        const id = idOf(entity.id);
        const dropped = corrections[key(entity.id, 'drop')] === true;
        const name = corrections[key(entity.id, 'name')];
        const kind = corrections[key(entity.id, 'entity_type')];
        return (
          <fieldset key={entity.id} className="entity-correction correction-grid" aria-label={`Entity ${entity.name}`}>
            <legend>{entity.name}</legend>
            <label htmlFor={`${id}-name`}>
              Name
              <input id={`${id}-name`} value={typeof name === 'string' ? name : entity.name} disabled={dropped || entity.kind === 'place'} onChange={(event) => onCorrect(entity.id, 'name', event.target.value === entity.name ? undefined : event.target.value)} />
            </label>
            {entity.kind === 'place' ? (
              <span className="subtle">place</span>
            ) : (
              <label htmlFor={`${id}-kind`}>
                Kind
                <select id={`${id}-kind`} value={typeof kind === 'string' ? kind : entity.kind} disabled={dropped} onChange={(event) => onCorrect(entity.id, 'entity_type', event.target.value === entity.kind ? undefined : event.target.value)}>
                  {preview.choices.entityTypes.map((item) => (
                    <option key={item} value={item}>
                      {KIND_LABELS[item] ?? item}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="check">
              <input type="checkbox" checked={dropped} onChange={(event) => onCorrect(entity.id, 'drop', event.target.checked ? true : undefined)} /> Drop (wrongly extracted)
            </label>
            <span className="subtle">{dropped ? 'will not be published' : name !== undefined || kind !== undefined ? 'corrected' : 'as extracted'}</span>
          </fieldset>
        );
      })}
    </section>
  );
}

export function QuoteCorrections({ preview, corrections, onCorrect }: { preview: PreviewAnswer; corrections: Corrections; onCorrect: OnCorrect }) {
  const quoted = new Set(preview.report.annotations.filter((a) => a.kind === 'quote').map((a) => a.objectId));
  const quotes = objectsOf(preview).filter((o) => o.type === 'note' && quoted.has(o.id));
  return (
    <section aria-labelledby="preview-quotes-title">
      <h2 id="preview-quotes-title">Quotes ({quotes.length})</h2>
      {quotes.map((quote, index) => {
        const id = idOf(quote.id);
        const extracted = Array.isArray(quote.authors) && typeof quote.authors[0] === 'string' ? quote.authors[0] : '';
        const speaker = corrections[key(quote.id, 'speaker')];
        const dropped = corrections[key(quote.id, 'drop')] === true;
        return (
          <fieldset key={quote.id} className="quote-correction" aria-label={`Quote ${index + 1}, of ${extracted}`}>
            <legend>Quote {index + 1}</legend>
            <blockquote>{typeof quote.content === 'string' ? quote.content : ''}</blockquote>
            <div className="correction-grid">
              <label htmlFor={`${id}-speaker`}>
                Speaker
                <input id={`${id}-speaker`} value={typeof speaker === 'string' ? speaker : extracted} disabled={dropped} onChange={(event) => onCorrect(quote.id, 'speaker', event.target.value === extracted ? undefined : event.target.value)} />
              </label>
              <label className="check">
                <input type="checkbox" checked={dropped} onChange={(event) => onCorrect(quote.id, 'drop', event.target.checked ? true : undefined)} /> Drop this quote
              </label>
              <span className="subtle">{dropped ? 'will not be published' : speaker !== undefined ? `corrected (extracted: ${extracted})` : 'as extracted'}</span>
            </div>
          </fieldset>
        );
      })}
    </section>
  );
}

export function SourceCorrections({ preview, corrections, onCorrect }: { preview: PreviewAnswer; corrections: Corrections; onCorrect: OnCorrect }) {
  const credited = entitiesOf(preview).filter((entity) => entity.credited);
  const reportId = preview.report.id;
  const extractedOutlet = preview.report.outlet ?? '';
  const outlet = corrections[key(reportId, 'outlet')];
  return (
    <section aria-labelledby="preview-sources-title">
      <h2 id="preview-sources-title">Sources</h2>
      <div className="correction-grid">
        <label htmlFor="report-outlet">
          News organisation that published it
          <input id="report-outlet" value={typeof outlet === 'string' ? outlet : extractedOutlet} onChange={(event) => onCorrect(reportId, 'outlet', event.target.value === extractedOutlet ? undefined : event.target.value)} />
          <span className="subtle">{outlet !== undefined ? `corrected (given: ${extractedOutlet || 'none'})` : 'as given'}</span>
        </label>
      </div>
      {credited.length === 0 ? <p>The text credits no source.</p> : <p className="hint">Sources the text credits for its facts; correct a name or stop crediting one the extraction got wrong.</p>}
      {credited.map((source) => {
        const id = idOf(source.id);
        const name = corrections[key(source.id, 'name')];
        const uncredited = corrections[key(source.id, 'credited')] === false;
        return (
          <fieldset key={source.id} className="source-correction correction-grid" aria-label={`Source ${source.name}`}>
            <legend>{source.name}</legend>
            <label htmlFor={`${id}-source-name`}>
              Name
              <input id={`${id}-source-name`} value={typeof name === 'string' ? name : source.name} onChange={(event) => onCorrect(source.id, 'name', event.target.value === source.name ? undefined : event.target.value)} />
            </label>
            <label className="check">
              <input type="checkbox" checked={!uncredited} onChange={(event) => onCorrect(source.id, 'credited', event.target.checked ? undefined : false)} /> Credited as a source
            </label>
            <span className="subtle">{uncredited ? 'no longer credited' : name !== undefined ? 'corrected' : 'as extracted'}</span>
          </fieldset>
        );
      })}
    </section>
  );
}
