import { describe, expect, it } from 'vitest';
import { decideCollectionPermissions } from './permissions.js';
import type { Principal, Role, TokenScope } from './principal.js';

function principal(role: Role, scope: TokenScope = 'read-write'): Principal {
  return { userId: 'u', username: 'u', orgId: 'org-a', role, scope, representsPartner: false, via: scope === 'read' ? 'token' : 'basic' };
}

const readWrite = { collectionId: 'c', orgId: 'org-a', canRead: true, canWrite: true };
const readOnly = { collectionId: 'c', orgId: 'org-a', canRead: true, canWrite: false };

describe('decideCollectionPermissions', () => {
  it('lets admins read and write every collection, granted or not', () => {
    expect(decideCollectionPermissions(principal('admin'), undefined)).toEqual({ canRead: true, canWrite: true });
  });

  it('never lets a read-only token write, even an admin one', () => {
    expect(decideCollectionPermissions(principal('admin', 'read'), undefined)).toEqual({ canRead: true, canWrite: false });
    expect(decideCollectionPermissions(principal('contributor', 'read'), readWrite)).toEqual({ canRead: true, canWrite: false });
  });

  it('gives nothing without a grant', () => {
    for (const role of ['reader', 'contributor'] as const) {
      expect(decideCollectionPermissions(principal(role), undefined)).toEqual({ canRead: false, canWrite: false });
    }
  });

  it('lets contributors write where their organisation may write', () => {
    expect(decideCollectionPermissions(principal('contributor'), readWrite)).toEqual({ canRead: true, canWrite: true });
    expect(decideCollectionPermissions(principal('contributor'), readOnly)).toEqual({ canRead: true, canWrite: false });
  });

  it('never lets readers write', () => {
    expect(decideCollectionPermissions(principal('reader'), readWrite)).toEqual({ canRead: true, canWrite: false });
  });

  it('follows a write-only grant', () => {
    const writeOnly = { ...readWrite, canRead: false };
    expect(decideCollectionPermissions(principal('contributor'), writeOnly)).toEqual({ canRead: false, canWrite: true });
  });
});
