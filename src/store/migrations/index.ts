import type { Migration, MigrationProvider } from 'kysely';
import type { DialectSql } from '../dialect-sql.js';
import { initialMigration } from './0001-initial.js';
import { multiVersionMigration } from './0002-multi-version.js';
import { sharingAndAuditMigration } from './0100-sharing-and-audit.js';
import { federationMigration } from './0200-federation.js';
import { correlationMigration } from './0400-correlation.js';
import { sessionsMigration } from './0500-sessions.js';
import { incidentIndexMigration } from './0600-incident-index.js';
import { incidentAggregatesMigration } from './0601-incident-aggregates.js';
import { alertsMigration } from './0700-alerts.js';
import { ownershipMigration } from './0800-ownership.js';
import { partnerReceiversMigration } from './0900-partner-receivers.js';
import { leasesMigration } from './1000-leases.js';
import { campaignsMigration } from './1001-campaigns.js';
import { consoleAggregatesMigration } from './1100-console-aggregates.js';
import { alertPartnerMigration } from './1200-alert-partner.js';
import { partnerLeasesMigration } from './1201-partner-leases.js';
import { objectKeyMigration } from './1300-object-key-id-first.js';
import { filterCountsMigration } from './1400-filter-counts.js';
import { redCountsMigration } from './1401-red-counts.js';
import { mapMonthsMigration } from './1500-map-months-and-thresholds.js';
import { granularMarkingLevelsMigration } from './1600-granular-marking-levels.js';
import { lz4CompressionMigration } from './1700-lz4-compression.js';

/**
 * Every schema migration, in order. Names sort as the order they run in; a
 * migration, once released, is never edited — a change is a new file.
 */
export function storeMigrations(dialect: DialectSql): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial': initialMigration(dialect),
        '0002-multi-version': multiVersionMigration,
        '0100-sharing-and-audit': sharingAndAuditMigration(dialect),
        '0200-federation': federationMigration(dialect),
        '0400-correlation': correlationMigration(dialect),
        '0500-sessions': sessionsMigration(dialect),
        '0600-incident-index': incidentIndexMigration(dialect),
        '0601-incident-aggregates': incidentAggregatesMigration(dialect),
        '0700-alerts': alertsMigration(dialect),
        '0800-ownership': ownershipMigration(dialect),
        '0900-partner-receivers': partnerReceiversMigration(dialect),
        '1000-leases': leasesMigration(dialect),
        '1001-campaigns': campaignsMigration(dialect),
        '1100-console-aggregates': consoleAggregatesMigration(dialect),
        '1200-alert-partner': alertPartnerMigration(dialect),
        '1201-partner-leases': partnerLeasesMigration,
        '1300-object-key-id-first': objectKeyMigration(dialect),
        '1400-filter-counts': filterCountsMigration(dialect),
        '1401-red-counts': redCountsMigration,
        '1500-map-months-and-thresholds': mapMonthsMigration(dialect),
        '1600-granular-marking-levels': granularMarkingLevelsMigration,
        '1700-lz4-compression': lz4CompressionMigration(dialect),
      };
    },
  };
}
