/**
 * Who is making a request, once authenticated. Every read and write path takes
 * a Principal; the access policy turns it into a store ReadScope and into
 * collection permissions. The sharing model (markings, sharing groups) grows
 * here, in `access/`, and nowhere else.
 */
export type Role = 'reader' | 'contributor' | 'admin';

/** What an API token may do; passwords (HTTP Basic) always act with the role's full rights. */
export type TokenScope = 'read' | 'read-write';

export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly orgId: string;
  readonly role: Role;
  readonly scope: TokenScope;
  /**
   * The principal's organisation represents a partner instance: it reads with
   * the partner scope (what may be sent to that partner), never the viewer rule.
   */
  readonly representsPartner: boolean;
  /** How the request authenticated, for the audit trail. */
  readonly via: 'basic' | 'token' | 'session' | 'system';
}

export interface Authenticator {
  /**
   * Verifies an HTTP `Authorization` header (Basic or Bearer). Throws
   * `EntenteError('unauthenticated')` with one message for every failure, so
   * the answer never tells which part (user, password, token) was wrong.
   */
  authenticate(authorization: string | undefined): Promise<Principal>;
  /**
   * The principal this header last authenticated as in this process, unverified:
   * only to start read-only work while `authenticate` verifies the header again
   * (taxii/server/verified-read.ts). Absent: reads wait for `authenticate`.
   */
  recall?(authorization: string | undefined): Principal | undefined;
}

export interface CollectionPermissions {
  readonly canRead: boolean;
  readonly canWrite: boolean;
}
