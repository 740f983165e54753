import { z } from 'zod';
import type { Principal } from '../../../access/principal.js';
import { updateUser } from '../../../access/user-admin.js';
import { createUser, getUser, ROLES, toUser, type User } from '../../../access/users.js';
import { EntenteError } from '../../../errors.js';
import { pageOf, pageRequest, pagingQuery, sendPage } from '../paging.js';
import type { RestApi } from '../rest-api.js';
import { IdParams, isoTime, organizationField } from './admin-shared.js';

const Role = z.enum(['reader', 'contributor', 'admin'] satisfies typeof ROLES);
const NewUser = z
  .object({ username: z.string().min(1).max(64), org: z.string().min(1).max(200), role: Role, password: z.string().min(1).max(1024) })
  .strict();
const UserChange = z
  .object({ role: Role.optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(1024).optional() })
  .strict()
  .refine((change) => Object.keys(change).length > 0, { message: 'give at least one of role, disabled, password' });
const ListQuery = z.object({ ...pagingQuery, org: z.string().min(1).max(200).optional() }).strict();

/** The user as the API shows it: never the password hash. */
export async function presentUser(api: RestApi, user: User) {
  const org = await api.deps.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', user.orgId).executeTakeFirst();
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    org: { id: user.orgId, name: org?.name ?? user.orgId },
    createdAt: isoTime(user.createdAt),
  };
}

/** REST.md "Admin": `GET/POST /users`, `PATCH /users/:id` (admin). */
export function userRoutes(api: RestApi): void {
  const { app, deps } = api;

  app.get('/users', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    const query = ListQuery.parse(request.query);
    const page = pageRequest(query, z.string());
    const org = query.org === undefined ? undefined : await organizationField(deps.db, query.org, 'org');
    let select = deps.db
      .selectFrom('users')
      .innerJoin('organizations', 'organizations.id', 'users.org_id')
      .select(['users.id', 'users.org_id', 'users.username', 'users.role', 'users.created_at', 'users.disabled', 'organizations.name as org_name'])
      .orderBy('users.username')
      .limit(page.limit + 1);
    if (org !== undefined) select = select.where('users.org_id', '=', org.id);
    if (page.after !== undefined) select = select.where('users.username', '>', page.after);
    const rows = await select.execute();
    return sendPage(reply, page.limit, pageOf(rows, page.limit, (row) => row.username, (row) => {
      const user = toUser(row);
      return { id: user.id, username: user.username, role: user.role, disabled: user.disabled, org: { id: row.org_id, name: row.org_name }, createdAt: isoTime(user.createdAt) };
    }));
  });

  app.post('/users', async (request, reply) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const body = NewUser.parse(request.body);
    const org = await organizationField(deps.db, body.org, 'org');
    const created = await createUser(deps.db, { orgId: org.id, username: body.username, role: body.role, password: body.password });
    await api.audit(request, principal, { action: 'user.add', target: created.id, details: { username: created.username, org: org.id, role: created.role } });
    return reply.code(201).send(await presentUser(api, created));
  });

  app.patch('/users/:id', async (request) => {
    const principal = await api.authenticate(request);
    api.requireRole(principal, 'admin');
    api.requireWrite(principal);
    const { id } = IdParams.parse(request.params);
    const change = UserChange.parse(request.body);
    if (id === principal.userId && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'))) {
      // Otherwise the last admin could lock everyone out of administration.
      throw new EntenteError('conflict', 'You cannot disable yourself or remove your own admin role; ask another admin');
    }
    const updated = await updateUser(deps.db, id, {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.password !== undefined ? { password: change.password } : {}),
    });
    await api.audit(request, principal, {
      action: 'user.update',
      target: id,
      details: {
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        ...(change.password !== undefined ? { passwordChanged: true } : {}),
      },
    });
    return presentUser(api, updated);
  });
}

/**
 * The user a request may manage tokens of: itself, or anyone for an admin.
 * Another user's id answers 404 like an unknown one, so ids are not probed.
 */
export async function manageableUser(api: RestApi, principal: Principal, id: string): Promise<User> {
  const user = principal.role === 'admin' || id === principal.userId ? await getUser(api.deps.db, id) : undefined;
  if (user === undefined) throw new EntenteError('not_found', `No user with id ${id}`);
  return user;
}
