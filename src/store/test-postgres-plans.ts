import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Test support for the PostgreSQL plan suites: a statement's plan as
 * `EXPLAIN (FORMAT JSON)` gives it, and its nodes.
 */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** `root` and every node below it, depth first. */
export function planNodes(root: PlanNode): PlanNode[] {
  return [root, ...(root.Plans ?? []).flatMap(planNodes)];
}

/** The plan PostgreSQL makes for `compiled` with its parameters. */
export async function explainPlan<DB>(db: Kysely<DB>, compiled: CompiledQuery): Promise<PlanNode> {
  const result = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
  const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (plan === undefined) throw new Error(`no plan for ${compiled.sql}`);
  return plan;
}
