import { EntenteError } from '../../errors.js';
import { sharedFolder } from '../../shared-folder.js';
import { DEMO_DECLINED_KEY, loadDemoSet } from './intel-demo-set.js';
import type { RestApi } from './rest-api.js';

/**
 * REST.md `POST /demo` (admin, only while the store holds no object) loads the
 * demo set into the first collection the admin may write; `GET /demo` says
 * whether the console should offer it (`offered`: the store is empty and
 * `entente serve --empty` did not decline it).
 */
export function intelDemoRoutes(api: RestApi): void {
  const { deps } = api;
  const state = async () => {
    const [count, declined] = await Promise.all([deps.store.countObjects(), deps.store.getWatermark(DEMO_DECLINED_KEY)]);
    return { empty: count === 0, declined: declined !== undefined };
  };

  api.app.get('/demo', async (request) => {
    const principal = await api.authenticate(request);
    const { empty, declined } = await state();
    return { offered: empty && !declined && principal.role === 'admin', empty };
  });

  api.app.post('/demo', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    if (request.body !== undefined && (typeof request.body !== 'object' || request.body === null || Object.keys(request.body).length > 0)) {
      throw new EntenteError('invalid_input', 'POST /demo takes no body (or {})');
    }
    const { empty } = await state();
    if (!empty) throw new EntenteError('conflict', 'The demo set loads only into an empty store; this one already holds intelligence');
    const collection = (await deps.store.listCollections())[0];
    if (collection === undefined) throw new EntenteError('conflict', 'There is no collection to load the demo set into: create one first (POST /collections)');
    const result = await loadDemoSet(deps.db, deps.store, collection.id, { orgId: principal.orgId, userId: principal.userId }, sharedFolder());
    await api.audit(request, principal, { action: 'demo.load', target: collection.id, details: { reports: result.reports, objects: result.objects, skipped: result.skipped.length } });
    return { collection: collection.id, ...result };
  });
}
