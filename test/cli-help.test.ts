import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../src/cli/main.js';

/** Every command that runs something (not a group of sub-commands), as its words after `entente`. */
function leaves(command: Command, path: readonly string[] = []): { path: string[]; command: Command }[] {
  const children = command.commands.filter((child) => child.name() !== 'help');
  if (children.length === 0) return [{ path: [...path], command }];
  return children.flatMap((child) => leaves(child, [...path, child.name()]));
}

const longOptions = (command: Command) => command.options.map((option) => option.long);

// `ingest` writes a bundle to a file or posts it to a TAXII server; `demo` makes its own databases (README, "A tour of the command line").
const WITHOUT_DATABASE = new Set(['ingest', 'demo']);
// Commands whose output is data, by the README's rule "--json where its output is data".
const DATA_OUTPUT = /^(add|create|list|show|test|verify|grade|split|import|sync|audit|ingest)$/;

afterEach(() => vi.restoreAllMocks());

describe('every entente command', () => {
  const all = leaves(buildProgram());

  it('is found: the whole tree, not a sample', () => {
    expect(all.length).toBeGreaterThan(30);
    expect(all.map((leaf) => leaf.path.join(' '))).toEqual(expect.arrayContaining(['serve', 'collection add', 'import', 'export', 'audit verify']));
  });

  it.each(all.map((leaf) => [leaf.path.join(' '), leaf] as const))('%s answers --help with its usage on stdout and exit code 0', async (_name, leaf) => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    const code = await main(['node', 'entente', ...leaf.path, '--help']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: entente ${leaf.path.join(' ')}`);
    for (const option of longOptions(leaf.command)) expect(stdout).toContain(option);
  });

  it('takes --db, but for the commands that use no database', () => {
    const missing = all.filter((leaf) => !WITHOUT_DATABASE.has(leaf.path[0] ?? '') && !longOptions(leaf.command).includes('--db'));
    expect(missing.map((leaf) => leaf.path.join(' '))).toEqual([]);
    for (const name of WITHOUT_DATABASE) expect(all.some((leaf) => leaf.path[0] === name)).toBe(true);
  });

  it('has --json where its output is data', () => {
    const data = all.filter((leaf) => DATA_OUTPUT.test(leaf.path.at(-1) ?? ''));
    expect(data.length).toBeGreaterThan(15);
    const missing = data.filter((leaf) => !longOptions(leaf.command).includes('--json'));
    expect(missing.map((leaf) => leaf.path.join(' '))).toEqual([]);
  });
});
