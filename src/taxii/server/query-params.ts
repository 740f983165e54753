import { EntenteError } from '../../errors.js';
import { isValidTimestamp, timestampToMicros } from '../../stix/timestamp.js';
import type { ObjectQuery, VersionSelector } from '../../store/object-store.js';
import { STIX_IDENTIFIER } from './path-ids.js';

/**
 * TAXII 2.1 §3.4 URL query parameters: `added_after`, `limit`, `next` and the
 * `match[<field>]` filters, each a comma-separated list (§3.4.1). Every endpoint
 * names the parameters it supports; any other `match[...]` or paging parameter
 * is answered with 400 naming it, so a client never silently gets unfiltered
 * data. Parameters outside TAXII's names are ignored (cache busters, tracing).
 */
export type QueryParameter =
  | 'added_after'
  | 'limit'
  | 'next'
  | 'match[id]'
  | 'match[type]'
  | 'match[version]'
  | 'match[spec_version]';

/** §5.3 Get Object Manifests and §5.4 Get Objects. */
export const COLLECTION_QUERY: readonly QueryParameter[] = [
  'added_after',
  'limit',
  'next',
  'match[id]',
  'match[type]',
  'match[version]',
  'match[spec_version]',
];
/** §5.6 Get An Object. */
export const OBJECT_QUERY: readonly QueryParameter[] = ['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]'];
/** §5.7 Delete An Object. */
export const DELETE_QUERY: readonly QueryParameter[] = ['match[version]', 'match[spec_version]'];
/** §5.8 Get Object Versions. */
export const VERSIONS_QUERY: readonly QueryParameter[] = ['added_after', 'limit', 'next', 'match[spec_version]'];

const TAXII_PAGING = new Set(['added_after', 'limit', 'next']);

export interface PageSizes {
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

export interface ParsedQuery {
  readonly query: ObjectQuery;
  /** The page size applied after clamping: sent back in the `X-Entente-Applied-Limit` header. */
  readonly appliedLimit: number;
}

const STIX_TYPE = /^[a-z0-9][a-z0-9-]*$/;
const SPEC_VERSION = /^\d+\.\d+$/;
const LIMIT = /^\d{1,9}$/;
const MAX_CURSOR_LENGTH = 1000;

function badParameter(parameter: string, message: string, value?: string): EntenteError {
  return new EntenteError('invalid_input', `Query parameter "${parameter}": ${message}`, {
    parameter,
    ...(value === undefined ? {} : { value }),
  });
}

/** The one value of a parameter that may appear only once. */
function single(name: string, value: unknown): string {
  if (Array.isArray(value)) throw badParameter(name, 'give it at most once');
  return String(value);
}

/** All values of a list parameter: repeats and commas both add values (§3.4.1). */
function list(name: string, value: unknown, check: (item: string) => boolean, expected: string): string[] {
  const raw = Array.isArray(value) ? value.map(String) : [String(value)];
  const items = raw.flatMap((text) => text.split(',')).map((item) => item.trim());
  for (const item of items) {
    if (item === '') throw badParameter(name, 'has an empty item in its comma-separated list');
    if (!check(item)) throw badParameter(name, `"${item}" is not ${expected}`, item);
  }
  return items;
}

function versionSelector(item: string): VersionSelector {
  if (item === 'last' || item === 'first' || item === 'all') return { kind: item };
  return { kind: 'at', version: item };
}

/**
 * Parses the query string of one endpoint into a store query. Throws
 * `invalid_input` (→ 400) naming the parameter for an invalid value, a repeated
 * single-valued parameter, or a parameter the endpoint does not support.
 */
export function parseObjectQuery(
  raw: Readonly<Record<string, unknown>>,
  allowed: readonly QueryParameter[],
  sizes: PageSizes,
): ParsedQuery {
  const supported = new Set<string>(allowed);
  const query: {
    -readonly [K in keyof ObjectQuery]: ObjectQuery[K];
  } = { limit: sizes.defaultPageSize };

  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const isTaxiiName = TAXII_PAGING.has(name) || name.startsWith('match[');
    if (!isTaxiiName) continue;
    if (!supported.has(name)) {
      throw badParameter(name, `not supported on this endpoint (supported: ${allowed.join(', ') || 'none'})`);
    }
    switch (name as QueryParameter) {
      case 'added_after': {
        const text = single(name, value);
        if (!isValidTimestamp(text)) {
          throw badParameter(name, `"${text}" is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.ssssss]Z`, text);
        }
        try {
          query.addedAfter = timestampToMicros(text);
        } catch (error) {
          throw badParameter(name, error instanceof Error ? error.message : String(error), text);
        }
        break;
      }
      case 'limit': {
        const text = single(name, value);
        if (!LIMIT.test(text) || Number(text) === 0) throw badParameter(name, `"${text}" is not a positive whole number`, text);
        query.limit = Math.min(Number(text), sizes.maxPageSize);
        break;
      }
      case 'next': {
        const text = single(name, value);
        if (text === '' || text.length > MAX_CURSOR_LENGTH) throw badParameter(name, 'is not a value this server issued', text);
        query.next = text;
        break;
      }
      case 'match[id]':
        query.ids = list(name, value, (item) => STIX_IDENTIFIER.test(item), 'a STIX identifier (type--UUID)');
        break;
      case 'match[type]':
        query.types = list(name, value, (item) => STIX_TYPE.test(item), 'a STIX type name');
        break;
      case 'match[version]':
        query.versions = list(
          name,
          value,
          (item) => item === 'last' || item === 'first' || item === 'all' || isValidTimestamp(item),
          '"last", "first", "all" or a timestamp',
        ).map(versionSelector);
        break;
      case 'match[spec_version]':
        query.specVersions = list(name, value, (item) => SPEC_VERSION.test(item), 'a STIX version such as 2.1');
        break;
    }
  }
  return { query, appliedLimit: query.limit };
}
