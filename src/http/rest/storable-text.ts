import { EntenteError } from '../../errors.js';

/**
 * Text that both databases store as given: no NUL (PostgreSQL text refuses
 * it) and no unpaired UTF-16 surrogate (not Unicode: it would be stored as
 * U+FFFD, so what was read back would differ from what was written). Checked
 * once for every REST body, path parameter and query parameter, so no route
 * can pass either to the store.
 */
/** NUL, or a surrogate without its pair (matched without the `u` flag, unit by unit). */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function requireStorableText(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (NOT_STORABLE.test(value)) throw notStorable(where);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => requireStorableText(item, `${where}.${index}`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      requireStorableText(key, where);
      requireStorableText(item, where === '' ? key : `${where}.${key}`);
    }
  }
}

function notStorable(where: string): EntenteError {
  return new EntenteError(
    'invalid_input',
    `${where === '' ? 'The request' : `"${where}"`} holds a NUL character or an unpaired UTF-16 surrogate; send valid Unicode text without NUL`,
    { field: where },
  );
}
