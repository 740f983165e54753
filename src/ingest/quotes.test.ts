import { describe, expect, it } from 'vitest';
import { loadResources } from './load-resources.js';
import { findMentions } from './mentions.js';
import { findQuotedSpans, findQuotes } from './quotes.js';
import { resolveEntities } from './resolve.js';
import { segment } from './segment.js';

const resources = loadResources('en');

function quotes(text: string) {
  const segmented = segment(text, 'en');
  const mentions = findMentions(segmented, resources);
  return findQuotes(segmented, mentions, resolveEntities(mentions, resources)).map((q) => ({
    kind: q.kind, speaker: q.speakerName, text: q.text, exact: text.slice(q.span.start, q.span.end) === q.text,
  }));
}

describe('quotes', () => {
  it('attributes quotes to the speaker before or after them, resolving pronouns to the nearest named person', () => {
    const text = 'Police chief Maria Kowalski said the area was "secure now and open to residents". '
      + '“We owe them our thanks,” she said. Interior Minister Jan Novak visited the site. '
      + '“The attackers will be found,” he agreed, before leaving.';
    expect(quotes(text)).toEqual([
      { kind: 'direct', speaker: 'Maria Kowalski', text: 'secure now and open to residents', exact: true },
      { kind: 'direct', speaker: 'Maria Kowalski', text: 'We owe them our thanks,', exact: true },
      { kind: 'direct', speaker: 'Jan Novak', text: 'The attackers will be found,', exact: true },
    ]);
  });

  it('joins a quotation that runs over several paragraphs', () => {
    const text = 'Mayor Anne Roux spoke at the vigil.\n“We are grieving.\n“But we will not be divided,” Ms Roux said.';
    const spans = findQuotedSpans(text);
    expect(spans).toHaveLength(1);
    expect(quotes(text)).toEqual([
      { kind: 'direct', speaker: 'Anne Roux', text: 'We are grieving.\n“But we will not be divided,', exact: true },
    ]);
  });

  it('leaves scare quotes alone, keeps unnamed speakers by description, and reads reported speech', () => {
    const text = 'The gunmen were “neutralised” within minutes. "Everyone was running," said a hotel employee. '
      + 'Prime Minister Habib Essid said the country was at war with terrorism.';
    expect(quotes(text)).toEqual([
      { kind: 'direct', speaker: 'a hotel employee', text: 'Everyone was running,', exact: true },
      { kind: 'reported', speaker: 'Habib Essid', text: 'the country was at war with terrorism', exact: true },
    ]);
  });

  it('reads the turns of a transcript', () => {
    const text = 'Transcript of the briefing.\nAhmed Karimi: Four soldiers were wounded in the attack.\nQuestion: Who is responsible?';
    expect(quotes(text)).toEqual([
      { kind: 'direct', speaker: 'Ahmed Karimi', text: 'Four soldiers were wounded in the attack.', exact: true },
      { kind: 'direct', speaker: 'Question', text: 'Who is responsible?', exact: true },
    ]);
  });
});
