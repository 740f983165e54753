import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.js';
import type { CorrelationTables } from './correlation-schema.js';

/** The tables of migration 1001-campaigns, with those of 0400-correlation they are built from. */
export type CampaignTables = CorrelationTables & {
  correlation_campaigns: {
    campaign_id: string;
    /** The earliest link of the campaign (`a|b`, report incident ids): what its id derives from. */
    campaign_key: string;
    /** JSON text: CampaignState (campaign-linker.ts). */
    state: string;
    /** `modified` of the last version written. */
    modified: string;
    updated_at: number;
  };
  correlation_campaign_members: { canonical_id: string; campaign_id: string };
};

export type CampaignDb = Kysely<DatabaseSchema & CampaignTables>;

export function withCampaigns(db: Kysely<DatabaseSchema>): CampaignDb {
  return db.withTables<CampaignTables>();
}
