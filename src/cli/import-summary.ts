/**
 * Counts what an import did and groups rejections by reason, so a file with
 * ten thousand objects missing the same property yields one line, not ten
 * thousand. A few example locations are kept per reason.
 */
export interface RejectionGroup {
  readonly reason: string;
  readonly count: number;
  /** Where the first few were (object id, or line when there was none). */
  readonly examples: readonly string[];
}

export interface ImportCounts {
  readonly read: number;
  readonly accepted: number;
  readonly duplicate: number;
  readonly rejected: number;
}

const EXAMPLES_PER_REASON = 3;
const MAX_REASONS = 100;

export class ImportSummary {
  private accepted = 0;
  private duplicate = 0;
  private rejected = 0;
  private readonly groups = new Map<string, { count: number; examples: string[] }>();

  addAccepted(count = 1): void {
    this.accepted += count;
  }

  addDuplicate(count = 1): void {
    this.duplicate += count;
  }

  addRejected(reason: string, where: string): void {
    this.rejected += 1;
    // Past MAX_REASONS distinct reasons the rest are pooled, so memory stays bounded on hostile input.
    const key = this.groups.has(reason) || this.groups.size < MAX_REASONS ? reason : 'other reasons';
    const group = this.groups.get(key) ?? { count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < EXAMPLES_PER_REASON) group.examples.push(where);
    this.groups.set(key, group);
  }

  counts(): ImportCounts {
    return {
      read: this.accepted + this.duplicate + this.rejected,
      accepted: this.accepted,
      duplicate: this.duplicate,
      rejected: this.rejected,
    };
  }

  /** Reasons, most frequent first. */
  rejections(): RejectionGroup[] {
    return [...this.groups.entries()]
      .map(([reason, group]) => ({ reason, count: group.count, examples: [...group.examples] }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }

  /** The human-readable report printed at the end of an import. */
  render(collection: string): string {
    const { accepted, duplicate, rejected } = this.counts();
    const lines = [`Imported into collection ${collection}: ${accepted} accepted, ${duplicate} duplicate, ${rejected} rejected`];
    const groups = this.rejections();
    if (groups.length > 0) lines.push('Rejected:');
    for (const group of groups) {
      lines.push(`  ${group.count} × ${group.reason}`);
      lines.push(`      e.g. ${group.examples.join('; ')}`);
    }
    return lines.join('\n');
  }
}
