import { EntenteError } from '../../errors.js';

/**
 * TAXII 2.1 §1.6.8 media types and content negotiation.
 *
 * Every TAXII 2.1 endpoint answers with a TAXII resource (discovery, api-root,
 * collections, envelope, manifest, versions, status, error), so every response
 * is `application/taxii+json;version=2.1`. `application/stix+json;version=2.1`
 * is where the specification puts it: the media type of the objects a
 * collection holds (`media_types`, §5.2.1) and of each manifest record
 * (`media_type`, §5.3.1) — never as a response type, because 2.1 replaced the
 * bundle responses of 2.0 with envelopes. An Accept that asks only for STIX
 * therefore gets 406.
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
export const TAXII_VERSION = '2.1';

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

function parseMediaRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    params.set(name, value);
  }
  return { type: type.trim().toLowerCase(), params };
}

/** `application/taxii+json` without a version means the latest the server speaks: 2.1 (§1.6.8). */
function isTaxii21(range: MediaRange): boolean {
  const version = range.params.get('version');
  return range.type === 'application/taxii+json' && (version === undefined || version === TAXII_VERSION);
}

/**
 * Whether a response in the TAXII 2.1 media type satisfies this Accept header
 * (RFC 9110 §12.5.1): the TAXII type itself, `application/*` or `*\/*`, with a
 * quality above zero. No Accept header means anything is acceptable.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((item) => {
    const range = parseMediaRange(item);
    const q = range.params.get('q');
    if (q !== undefined && !(Number(q) > 0)) return false;
    return isTaxii21(range) || range.type === '*/*' || range.type === 'application/*';
  });
}

/** Throws `not_acceptable` (→ 406) unless the client accepts `application/taxii+json;version=2.1`. */
export function requireAcceptsTaxii(accept: string | undefined): void {
  if (!acceptsTaxii(accept)) {
    throw new EntenteError(
      'not_acceptable',
      `This server answers only in ${TAXII_MEDIA_TYPE}; the request accepts only "${accept ?? ''}"`,
      { accept: accept ?? null, available: [TAXII_MEDIA_TYPE] },
    );
  }
}

/** Throws `unsupported_media_type` (→ 415) unless the body is declared as a TAXII 2.1 envelope (§5.5). */
export function requireTaxiiContentType(contentType: string | undefined): void {
  if (contentType === undefined || !isTaxii21(parseMediaRange(contentType))) {
    throw new EntenteError(
      'unsupported_media_type',
      `Send the envelope with Content-Type: ${TAXII_MEDIA_TYPE} (got "${contentType ?? 'none'}")`,
      { contentType: contentType ?? null, expected: TAXII_MEDIA_TYPE },
    );
  }
}
