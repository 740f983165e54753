import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readStixInput, type InputItem } from './stix-input.js';

async function read(text: string): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readStixInput(Readable.from([Buffer.from(text)]), 'test')) items.push(item);
  return items;
}

const a = { type: 'identity', id: 'identity--a' };
const b = { type: 'identity', id: 'identity--b' };

describe('readStixInput', () => {
  it('reads NDJSON line by line, keeping each line as the JSON text', async () => {
    const items = await read(`\n${JSON.stringify(a)}\r\n  \n{ "type": "identity", "id": "identity--b" }\n`);
    expect(items).toEqual([
      { kind: 'value', value: a, json: JSON.stringify(a), where: 'line 2' },
      { kind: 'value', value: b, json: '{ "type": "identity", "id": "identity--b" }', where: 'line 4' },
    ]);
  });

  it('reports NDJSON lines that are not JSON and goes on', async () => {
    const items = await read(`${JSON.stringify(a)}\n{oops\n${JSON.stringify(b)}\n`);
    expect(items.map((item) => item.kind)).toEqual(['value', 'unreadable', 'value']);
    expect(items[1]).toMatchObject({ where: 'line 2', reason: expect.stringContaining('not valid JSON') });
  });

  it('expands bundles, one per line or pretty-printed over many, keeping each object\'s exact text', async () => {
    const bundle = { type: 'bundle', id: 'bundle--1', objects: [a, b] };
    const oneLine = await read(`${JSON.stringify(bundle)}\n`);
    expect(oneLine.map((item) => (item.kind === 'value' ? item.value : undefined))).toEqual([a, b]);
    expect(oneLine[1]?.where).toBe('line 1, bundle object 2');
    expect(oneLine.map((item) => (item.kind === 'value' ? item.json : undefined))).toEqual([JSON.stringify(a), JSON.stringify(b)]);
    const pretty = await read(JSON.stringify(bundle, null, 2));
    const indented = (object: object): string => JSON.stringify(object, null, 2).replace(/\n/g, '\n    ');
    expect(pretty.map((item) => (item.kind === 'value' ? item.json : undefined))).toEqual([indented(a), indented(b)]);
    expect(pretty[0]?.where).toBe('document, bundle object 1');
  });

  it('accepts one pretty-printed object', async () => {
    expect(await read(JSON.stringify(a, null, 2))).toMatchObject([{ kind: 'value', value: a }]);
  });

  it('refuses input that is neither NDJSON nor one JSON document', async () => {
    await expect(read('hello\nworld\n')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('yields nothing for empty input', async () => {
    expect(await read('')).toEqual([]);
  });
});
