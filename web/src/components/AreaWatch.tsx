import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import { paths } from '../routes';
import { ErrorNote, Link } from './common';

/** A corner of a drawn area: [longitude, latitude]. */
export type Corner = [number, number];

/** Where a new area watchlist's alerts are: said once it is created. */
export function AreaFollowed({ name }: { name: string }) {
  return (
    <p role="status">
      Following “{name}”: its alerts appear on the <Link to={paths.watchlists}>Watchlists page</Link>.
    </p>
  );
}

/**
 * Following a drawn area: the map page collects the corners (a click on the
 * map adds one; "Use the visible map" takes the view's four corners, for the
 * keyboard) and this form names the watchlist and creates it with the area as
 * a GeoJSON Polygon (README "Alerts": `match.area`).
 */
export function AreaWatch({
  corners,
  onUndo,
  onUseView,
  onDone,
}: {
  corners: readonly Corner[];
  onUndo: () => void;
  onUseView: () => void;
  onDone: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (corners.length < 3) return setError('An area needs at least three corners: click the map where they are, or use the visible map.');
    const ring = [...corners, corners[0] as Corner].map(([lon, lat]) => [round(lon), round(lat)]);
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/watchlists', { name: name.trim(), match: { area: { type: 'Polygon', coordinates: [ring] } } });
      onDone(name.trim());
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="area-watch" onSubmit={submit} aria-labelledby="area-watch-title">
      <h2 id="area-watch-title">Follow an area</h2>
      <p className="subtle" role="status">
        {corners.length === 0 ? 'Click the map at each corner of the area.' : `${corners.length} corner${corners.length === 1 ? '' : 's'} so far.`}
      </p>
      <div className="row">
        <button type="button" onClick={onUseView}>
          Use the visible map
        </button>
        <button type="button" onClick={onUndo} disabled={corners.length === 0}>
          Remove the last corner
        </button>
      </div>
      <label>
        Watchlist name <input name="areaName" required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Follow this area'}
      </button>
    </form>
  );
}

/** Six decimals (about 10 cm): enough for an area, and a short request. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
