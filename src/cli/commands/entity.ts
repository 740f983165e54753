import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../access/audit-log.js';
import { Correlator, canonicalIdOf, membersOf, type CorrelationAudit } from '../../correlate/correlator.js';
import { withCorrelation } from '../../correlate/correlation-schema.js';
import { EntityStore } from '../../correlate/entity-store.js';
import { EntenteError } from '../../errors.js';
import type { DatabaseSchema } from '../../store/schema.js';
import { addDbOption, printData, withStore } from '../command-context.js';

interface EntityFlags {
  db?: string;
  json?: boolean;
  member?: string[];
}

/**
 * `entente entity show|split ID`: what correlation merged, and undoing it.
 * ID is a canonical incident (or one of its report incidents), or a person,
 * group, organisation or place (any object id of the entity). A split is
 * recorded in the audit log, beside the merge it undoes.
 */
export function registerEntityCommands(program: Command): void {
  const entity = program.command('entity').description('Show and split what correlation merged: canonical incidents and entities');

  addDbOption(
    entity
      .command('show')
      .description('Show a canonical incident (its report incidents and merges) or an entity (aliases with who introduced them, merges)')
      .argument('<id>', 'a canonical or report incident id, or an entity object id')
      .option('--json', 'print as JSON'),
  ).action(async (id: string, flags: EntityFlags) => {
    await withStore(flags, async ({ db }) => {
      const shown = await show(db, id);
      printData(flags.json === true, shown, () => JSON.stringify(shown, null, 2));
    });
  });

  addDbOption(
    entity
      .command('split')
      .description('Undo a merge: without --member, the latest merge not yet split; with --member, take those members out')
      .argument('<id>', 'a canonical incident id (or one of its report incidents), or an entity object id')
      .option('--member <id...>', 'report incident ids (for an incident) or object ids (for an entity) to take out')
      .option('--json', 'print the result as JSON'),
  ).action(async (id: string, flags: EntityFlags) => {
    await withStore(flags, async ({ db, store }) => {
      const audit: CorrelationAudit = (event) => appendAudit(db, { ...event, path: 'cli entity split' });
      const members = flags.member ?? [];
      const canonicalId = id.startsWith('incident--') ? ((await canonicalIdOf(db, id)) ?? id) : undefined;
      const result = canonicalId !== undefined
        ? { kind: 'incident', ...(await new Correlator(db, store, { audit }).split(canonicalId, members)) }
        : { kind: 'entity', ...(await new EntityStore(db, audit).split(id, members)) };
      printData(flags.json === true, result, () => `kept ${result.kept}; split off ${result.created}: ${result.moved.join(', ')}`);
    });
  });
}

async function show(db: Kysely<DatabaseSchema>, id: string): Promise<unknown> {
  if (id.startsWith('incident--')) {
    const canonicalId = (await canonicalIdOf(db, id)) ?? id;
    const members = await membersOf(db, canonicalId);
    if (members.length === 0) throw new EntenteError('not_found', `No canonical incident ${id}; correlation runs inside "entente serve"`, { id });
    const merges = await withCorrelation(db).selectFrom('correlation_merges').selectAll().where('canonical_id', '=', canonicalId).orderBy('at').execute();
    return {
      id: canonicalId,
      type: 'incident',
      members,
      merges: merges.map((m) => ({
        id: m.id, incident: m.incident_id, absorbed: JSON.parse(m.absorbed) as unknown, confidence: Math.round(m.score * 100),
        reasons: JSON.parse(m.reasons) as unknown, at: Number(m.at), splitAt: m.split_at === null ? undefined : Number(m.split_at),
      })),
    };
  }
  const entity = await new EntityStore(db).entity(id);
  if (entity === undefined) throw new EntenteError('not_found', `No entity ${id}; give the id of a person, group, organisation or place object`, { id });
  return entity;
}
