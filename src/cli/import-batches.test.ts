import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { identity as validIdentity } from '../../test/cli-fixtures.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { validatedBatches, type ReadBatch } from './import-batches.js';

async function batches(text: string, batchSize: number): Promise<ReadBatch[]> {
  const read: ReadBatch[] = [];
  for await (const batch of validatedBatches(Readable.from([Buffer.from(text)]), 'test', batchSize)) read.push(batch);
  return read;
}

/** A valid identity with a fixed id, so that a test can name it. */
function identity(n: number): Record<string, unknown> {
  return validIdentity(`Agency ${n}`, undefined, `identity--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
}

describe('validatedBatches', () => {
  it('hands over whole batches of valid objects, the rest in the last one', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify(identity(i)));
    const read = await batches(lines.join('\n'), 3);
    expect(read.map((b) => [b.objects.length, b.last])).toEqual([[3, false], [3, false], [1, true]]);
    expect(read.flatMap((b) => b.objects.map((o) => o.json))).toEqual(lines);
    expect(read.at(-1)?.bytes).toBe(Buffer.byteLength(lines.join('\n')));
  });

  it('names and counts each rejection, by its first problem, with its id or line', async () => {
    const { name: _name, ...nameless } = identity(1);
    const text = [JSON.stringify(identity(0)), '{oops', JSON.stringify(nameless), JSON.stringify({ ...identity(2), id: 'identity--x' })].join('\n');
    const [only] = await batches(text, 10);
    expect(only?.objects).toHaveLength(1);
    expect(only?.rejected).toEqual([
      { reason: expect.stringContaining('not valid JSON') as string, where: 'line 2' },
      { reason: 'identity: name: is required for identity (STIX 2.1 §4.5)', where: identity(1).id },
      { reason: expect.stringMatching(/^identity: id: must be "identity--" followed by/) as string, where: 'identity--x' },
    ]);
  });

  it('passes rejections on without waiting for a batch of valid objects to fill', async () => {
    const text = [JSON.stringify(identity(0)), '{a', '{b', '{c', JSON.stringify(identity(1)), '{d'].join('\n');
    const read = await batches(text, 3);
    expect(read.map((b) => [b.objects.length, b.rejected.length, b.last])).toEqual([[0, 3, false], [2, 1, true]]);
  });

  it('keeps of each object its row properties, its TLP level and the sharing extension only', async () => {
    const sharing = { extension_type: 'property-extension', sharing_group_ref: 'group-1' };
    const object: Record<string, unknown> = {
      ...identity(0),
      object_marking_refs: [TLP2_MARKING_IDS.amber],
      extensions: { [SHARING_EXTENSION_ID]: sharing, 'extension-definition--11111111-1111-4111-8111-111111111111': { extension_type: 'property-extension', rank: 1 } },
    };
    const plain = identity(1);
    const [only] = await batches([JSON.stringify(object), JSON.stringify(plain)].join('\n'), 10);
    expect(only?.objects).toEqual([
      {
        object: { type: 'identity', spec_version: '2.1', id: object.id, created: object.created, modified: object.modified, extensions: { [SHARING_EXTENSION_ID]: sharing } },
        json: JSON.stringify(object),
        tlp: 'amber',
      },
      { object: { type: 'identity', spec_version: '2.1', id: plain.id, created: plain.created, modified: plain.modified }, json: JSON.stringify(plain), tlp: 'none' },
    ]);
  });

  it('hands over the markings the writer must resolve, and marking-definitions whole', async () => {
    const statement = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--0c1b4f6e-8e3a-4a4b-9f0e-2b1e5d3c4a5f', created: '2024-01-01T00:00:00.000Z', definition_type: 'statement', definition: { statement: 'Copyright' } };
    const refs = [TLP2_MARKING_IDS.green, statement.id];
    const marked: Record<string, unknown> = { ...identity(0), object_marking_refs: refs };
    const [only] = await batches([JSON.stringify(marked), JSON.stringify(statement)].join('\n'), 10);
    expect(only?.objects.map((o) => [o.object, o.tlp])).toEqual([
      [{ type: 'identity', spec_version: '2.1', id: marked.id, created: marked.created, modified: marked.modified, object_marking_refs: refs }, 'unknown'],
      [statement, 'none'],
    ]);
  });

  it('yields one empty last batch for empty input', async () => {
    expect(await batches('', 5)).toEqual([{ objects: [], rejected: [], bytes: 0, last: true }]);
  });
});
