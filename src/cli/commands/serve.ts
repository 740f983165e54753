import { once } from 'node:events';
import type { Command } from 'commander';
import { pino } from 'pino';
import { AuthFailureLimiter } from '../../access/auth-failure-limiter.js';
import { accessServices } from '../../access/access-services.js';
import { appendAudit } from '../../access/audit-log.js';
import { bootstrap } from '../../access/bootstrap.js';
import { startAlerts } from '../../alerts/index.js';
import { startCorrelationFollower } from '../../correlate/correlation-follower.js';
import { startPartnerScheduler } from '../../federation/scheduler.js';
import { declineDemoSet } from '../../http/rest/intel-demo-set.js';
import { incidentIndexFor } from '../../store/incident-index.js';
import { openStore } from '../../store/open-store.js';
import { addDbOption, settingsFrom } from '../command-context.js';

interface ServeFlags {
  db?: string;
  port?: string;
  host?: string;
  empty?: boolean;
}

/**
 * `entente serve`: migrates the database, prepares a fresh instance
 * (organisation "local", user `admin`, collection "default"), serves TAXII 2.1,
 * pulls from partners on their intervals (federation/scheduler.ts), and stops
 * cleanly on SIGINT or SIGTERM.
 */
export function registerServeCommand(program: Command): void {
  addDbOption(
    program
      .command('serve')
      .description('Run the TAXII 2.1 server (first start creates user admin and prints its password once)')
      .option('--port <port>', 'TCP port (default: ENTENTE_PORT or 8080; 0 picks a free one)')
      .option('--host <host>', 'address to bind (default: ENTENTE_HOST or 127.0.0.1)')
      .option('--empty', 'start empty: the console does not offer to load the demo set'),
  ).action(async (flags: ServeFlags) => {
    const settings = settingsFrom({ db: flags.db, port: flags.port, host: flags.host });
    const logger = pino({ level: settings.logLevel }, pino.destination(2));
    // Listening for the stop signals before anything is printed: a supervisor may signal as soon as it reads the URL.
    const stopRequested = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    const { store, db } = await openStore(settings.db);
    try {
      await store.migrate();
      if (flags.empty === true) await declineDemoSet(db);
      const prepared = await bootstrap({
        db,
        store,
        ...(settings.adminPassword !== undefined ? { adminPassword: settings.adminPassword } : {}),
        ...(settings.adminToken !== undefined ? { adminToken: settings.adminToken } : {}),
      });
      // Loaded here so that other commands, and --help, do not pay for the HTTP stack.
      const { startServer } = await import('../../http/server.js');
      const server = await startServer({
        settings,
        store,
        db,
        ...accessServices(db, store),
        authLimiter: new AuthFailureLimiter(),
        logger,
      });
      const out: string[] = [`entente listening on ${server.url} (TAXII discovery: ${server.url}/taxii2/)`];
      if (prepared.defaultCollection !== undefined) {
        out.push(`Created collection "${prepared.defaultCollection.title}": ${prepared.defaultCollection.id}`);
      }
      if (prepared.generatedPassword !== undefined) {
        out.push(`Generated password for user admin (shown once, store it now): ${prepared.generatedPassword}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
      const scheduler = startPartnerScheduler({ sync: { db, store, secretKey: settings.secretKey }, log: logger });
      const alerts = startAlerts({ db, secretKey: settings.secretKey, log: logger });
      const correlation = startCorrelationFollower({ db, store, log: logger, audit: (event) => appendAudit(db, { ...event, path: 'correlate' }) });
      const incidentIndex = incidentIndexFor(db).follow(200, (error) => logger.error({ err: error }, 'incident index projection failed'));
      await stopRequested;
      logger.info('stopping');
      await scheduler.stop();
      // Each follower returns after the batch in progress commits, so together. A request still open then
      // answers from the index as it stands: a catch-up asked for after the index follower stopped does nothing.
      await Promise.all([correlation.stop(), incidentIndex.stop(), alerts.stop()]);
      await server.close();
    } finally {
      await store.close();
      logger.flush();
    }
  });
}
