import { adminRoutes } from './admin-routes.js';
import { correlateRoutes } from './correlate-routes.js';
import { alertsRoutes } from './alerts-routes.js';
import type { RestApi } from './rest-api.js';
import { partnerRoutes } from './partner-routes.js';
import { partnerNamesRoutes } from './partner-names-routes.js';
import { sessionRoutes } from './session-routes.js';
import { ingestRoutes } from './ingest-routes.js';
import { intelActorRoutes } from './intel-actors.js';
import { intelDemoRoutes } from './intel-demo.js';
import { intelIncidentRoutes } from './intel-incidents.js';
import { intelReportRoutes } from './intel-reports.js';

/** A REST route module: registers its routes on `api.app` (prefix `/rest/v1`). */
export type RestRouteModule = (api: RestApi) => void;

/**
 * Every REST route module, registered in this order by `registerRestApi`.
 * A helper adding a module adds ONE line here (REST.md "Plumbing").
 */
export const restRouteModules: readonly RestRouteModule[] = [
  sessionRoutes,
  adminRoutes,
  partnerRoutes,
  partnerNamesRoutes,
  alertsRoutes,
  intelIncidentRoutes,
  intelReportRoutes,
  intelActorRoutes,
  ingestRoutes,
  intelDemoRoutes,
  correlateRoutes,
];
