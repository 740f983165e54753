import { useEffect, useState, type FormEvent } from 'react';
import { FILTER_KEYS, type FilterKey } from '../lib/filters';
import { usePartnerNames } from '../lib/partner-names';
import { navigate, withParams, type Location } from '../routes';

const LABELS: Record<FilterKey, string> = {
  q: 'Text',
  from: 'From',
  to: 'To',
  country: 'Country (ISO code)',
  region: 'Region',
  group: 'Group',
  attackType: 'Attack type',
  targetType: 'Target type',
  minKilled: 'Killed at least',
  minCasualties: 'Casualties at least',
  marking: 'Marking',
  source: 'Source',
  partner: 'Partner',
};

const TYPES: Partial<Record<FilterKey, string>> = { from: 'date', to: 'date', minKilled: 'number', minCasualties: 'number', q: 'search' };

export function Filters({ location, idPrefix }: { location: Location; idPrefix: string }) {
  const initial = () => Object.fromEntries(FILTER_KEYS.map((key) => [key, location.search.get(key) ?? ''])) as Record<FilterKey, string>;
  const [values, setValues] = useState(initial);
  const partners = usePartnerNames();
  const searchKey = location.search.toString();
  useEffect(() => setValues(initial()), [searchKey]); // follow the URL (timeline brush, back button)
  const active = FILTER_KEYS.filter((key) => location.search.get(key)).length;
  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(withParams(location, { ...values, cursor: undefined }));
  };
  const clear = () => navigate(location.path);
  return (
    <details className="filters" open={active > 0 ? true : undefined}>
      <summary>Filters{active > 0 ? ` (${active} active)` : ''}</summary>
      <form onSubmit={apply} className="filter-grid">
        {FILTER_KEYS.map((key) => (
          <label key={key} htmlFor={`${idPrefix}-${key}`}>
            {LABELS[key]}
            {key === 'marking' ? (
              <select id={`${idPrefix}-${key}`} value={values[key]} onChange={(event) => setValues({ ...values, [key]: event.target.value })}>
                <option value="">any</option>
                {['clear', 'green', 'amber', 'amber+strict', 'red'].map((marking) => (
                  <option key={marking} value={marking}>
                    TLP:{marking.toUpperCase()}
                  </option>
                ))}
              </select>
            ) : key === 'partner' && partners.size > 0 ? (
              <select id={`${idPrefix}-${key}`} value={values[key]} onChange={(event) => setValues({ ...values, [key]: event.target.value })}>
                <option value="">any</option>
                {[...partners].map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`${idPrefix}-${key}`}
                type={TYPES[key] ?? 'text'}
                min={TYPES[key] === 'number' ? 0 : undefined}
                value={values[key]}
                onChange={(event) => setValues({ ...values, [key]: event.target.value })}
              />
            )}
          </label>
        ))}
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button type="button" onClick={clear} disabled={active === 0}>
            Clear
          </button>
        </div>
      </form>
    </details>
  );
}
