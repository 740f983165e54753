import type { Command } from 'commander';
import { appendAudit } from '../../access/audit-log.js';
import { withCorrelation } from '../../correlate/correlation-schema.js';
import { RELIABILITY_GRADES, gradeSource, listSources, type Source } from '../../correlate/source-reliability.js';
import { addDbOption, printData, withStore } from '../command-context.js';

/**
 * `entente source list|grade`: Admiralty reliability (A completely reliable …
 * F cannot be judged, the default) of the outlets, agencies and partners
 * correlation has met; grading is audited.
 */
export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('List sources and grade their reliability (Admiralty A-F)');

  addDbOption(source.command('list').description('List outlets, agencies and partners with their reliability').option('--json', 'print a JSON array')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags, async ({ db }) => {
        const all: Source[] = [];
        for (let page = await listSources(withCorrelation(db)); page.length > 0; page = await listSources(withCorrelation(db), { after: page.at(-1)?.id })) all.push(...page);
        printData(flags.json === true, all, () =>
          all.length === 0 ? 'No sources yet.' : all.map((s) => [s.id, s.reliability, s.kind, s.name].join('\t')).join('\n'));
      });
    },
  );

  addDbOption(
    source
      .command('grade')
      .description(`Set a source's reliability (${RELIABILITY_GRADES.join(', ')})`)
      .argument('<id>', 'the source id ("entente source list")')
      .argument('<grade>', 'A completely reliable, B usually, C fairly, D not usually, E unreliable, F cannot be judged')
      .option('--json', 'print the source as JSON'),
  ).action(async (id: string, grade: string, flags: { db?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }) => {
      const { before, after } = await gradeSource(withCorrelation(db), id, grade.toUpperCase());
      await appendAudit(db, { action: 'source.grade', target: id, path: 'cli source grade', details: { name: after.name, from: before.reliability, to: after.reliability } });
      printData(flags.json === true, after, () => `${after.name}: ${before.reliability} -> ${after.reliability}`);
    });
  });
}
