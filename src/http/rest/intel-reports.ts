import { z } from 'zod';
import { EntenteError } from '../../errors.js';
import type { StixObject } from '../../stix/stix-object.js';
import { searchWords } from '../../store/incident-index-fts.js';
import { intelContext } from './intel-context.js';
import { reportView } from './intel-report-view.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md "Intelligence": `GET /reports/:id` (the text with the spans of
 * what was extracted, from the objects the viewer may see) and `GET /search`
 * (reports by full text, incidents of those reports, actors by name).
 */
const ReportParams = z.object({ id: z.string().regex(/^report--[0-9a-f-]{36}$/, 'a report id (report--<uuid>)') }).strict();
const SearchQuery = z.object({ q: z.string().min(1).max(500), limit: z.string().regex(/^\d{1,3}$/).optional() }).strict();
/** Most results of each kind a search answers. */
export const MAX_SEARCH_RESULTS = 50;
const SNIPPET_CHARS = 160;

export function intelReportRoutes(api: RestApi): void {
  const intel = intelContext(api);

  api.app.get('/reports/:id', async (request) => {
    const { viewer } = await intel.begin(request);
    const { id } = ReportParams.parse(request.params);
    const held = (await intel.queries.objects(viewer, [id])).get(id);
    if (held === undefined) throw new EntenteError('not_found', `No report ${id} that you may see`);
    const report = JSON.parse(held.json) as StixObject;
    const refs = Array.isArray(report.object_refs) ? (report.object_refs as string[]) : [];
    const objects = [...(await intel.queries.objects(viewer, refs, held.collection_id)).values()].map((o) => JSON.parse(o.json) as StixObject);
    return reportView(report, objects);
  });

  api.app.get('/search', async (request) => {
    const { viewer } = await intel.begin(request);
    const query = SearchQuery.parse(request.query);
    const limit = Math.min(Number(query.limit ?? 20), MAX_SEARCH_RESULTS);
    const words = searchWords(query.q);
    const [actors, reports, incidents] = await Promise.all([
      intel.queries.searchActors(viewer, query.q, limit),
      intel.queries.searchReports(viewer, words, limit),
      intel.queries.feed(viewer, { words }, limit - 1),
    ]);
    const texts = await intel.queries.objects(viewer, reports.map((r) => r.id));
    return {
      items: [
        ...actors.map((a) => ({ kind: 'actor' as const, id: a.id, label: a.name })),
        ...incidents.map((i) => ({ kind: 'incident' as const, id: i.id, label: i.name })),
        ...reports.map((r) => {
          const held = texts.get(r.id);
          const snippet = held === undefined ? undefined : snippetOf(String((JSON.parse(held.json) as StixObject).description ?? ''), words);
          return { kind: 'report' as const, id: r.id, label: r.title ?? r.id, ...(snippet !== undefined ? { snippet } : {}) };
        }),
      ],
    };
  });
}

/** Plain text around the first word found (never HTML: the console shows it as text). */
export function snippetOf(text: string, words: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  const at = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0).sort((a, b) => a - b)[0];
  if (at === undefined) return text === '' ? undefined : text.slice(0, SNIPPET_CHARS);
  const start = Math.max(0, at - SNIPPET_CHARS / 2);
  return `${start > 0 ? '…' : ''}${text.slice(start, start + SNIPPET_CHARS)}${start + SNIPPET_CHARS < text.length ? '…' : ''}`;
}
