import { describe, expect, it } from 'vitest';
import { EntenteError } from '../errors.js';
import { MAX_INPUT_BYTES, normalise } from './normalise.js';

const ENGLISH = 'Gunmen attacked a police checkpoint in the north of the country on Tuesday, killing four officers, the interior ministry said.';

function failure(run: () => unknown): EntenteError {
  try {
    run();
  } catch (error) {
    if (error instanceof EntenteError) return error;
    throw error;
  }
  throw new Error('expected an EntenteError');
}

describe('normalise', () => {
  it('keeps plain text, with NFC, LF line ends and odd spaces made plain', () => {
    const result = normalise(`Cafe\u0301 attack\r\n\r\n\r\nSecond\u00a0paragraph. ${ENGLISH}\r\n`);
    expect(result.text).toBe(`Café attack\n\nSecond paragraph. ${ENGLISH}`);
    expect(result.format).toBe('text');
    expect(result.language).toBe('en');
    expect(result.toSource(result.text.indexOf('Second'))).toBe(`Cafe\u0301 attack\r\n\r\n\r\n`.length);
  });

  it('strips HTML tags and boilerplate, keeps the article and maps offsets back to the markup', () => {
    const html = `<!doctype html><html><head><title>Checkpoint attack</title><script>var x = 1;</script></head>
      <body><nav>Home | World | Sport</nav><article><h1>Checkpoint attack</h1><p>${ENGLISH}</p>
      <p>Officials said the attackers fled &amp; were hunted.</p></article><footer>© Outlet</footer></body></html>`;
    const result = normalise(html);
    expect(result.format).toBe('html');
    expect(result.title).toBe('Checkpoint attack');
    expect(result.text).toBe(`Checkpoint attack\n${ENGLISH}\nOfficials said the attackers fled & were hunted.`);
    expect(result.text).not.toContain('Home | World');
    const at = result.text.indexOf('Gunmen');
    expect(html.slice(result.toSource(at), result.toSource(at) + 6)).toBe('Gunmen');
  });

  it('drops page furniture marked by class names and stock lines', () => {
    const html = `<html><body><div class="article-body"><p>${ENGLISH}</p><div class="share-buttons">Share on X</div>
      <p>Advertisement</p><ul class="related-links"><li>Other story</li></ul><p>The ministry gave no names.</p></div></body></html>`;
    expect(normalise(html).text).toBe(`${ENGLISH}\nThe ministry gave no names.`);
  });

  it.each([
    ['empty', ''],
    ['blank HTML', '<html><body><nav>menu</nav></body></html>'],
  ])('rejects %s input', (_name, input) => {
    expect(failure(() => normalise(input)).code).toBe('invalid_input');
  });

  it('rejects binary, undecodable and oversized input, naming the problem', () => {
    const binary = failure(() => normalise(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01])));
    expect(binary.details).toMatchObject({ problem: 'binary' });
    const latin1 = failure(() => normalise(new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x61, 0x74, 0x74, 0x61, 0x63, 0x6b])));
    expect(latin1.details).toMatchObject({ problem: 'undecodable' });
    expect(latin1.message).toMatch(/UTF-8/u);
    const large = failure(() => normalise('a'.repeat(MAX_INPUT_BYTES + 1)));
    expect(large.details).toMatchObject({ problem: 'too_large' });
    expect(large.message).toMatch(/1 MB/u);
  });

  it('reports a language other than English as unsupported, naming it', () => {
    const french = 'Des hommes armés ont attaqué un poste de police dans le nord du pays mardi, tuant quatre agents, a indiqué le ministère de l’Intérieur.';
    const error = failure(() => normalise(french));
    expect(error.code).toBe('unsupported_language');
    expect(error.details).toMatchObject({ language: 'fr' });
    expect(error.message).toMatch(/fr/u);
  });

  it('lets metadata decide the language', () => {
    expect(normalise(ENGLISH, { language: 'en' }).language).toBe('en');
    expect(failure(() => normalise(ENGLISH, { language: 'ru' })).code).toBe('unsupported_language');
  });
});
