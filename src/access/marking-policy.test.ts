import { describe, expect, it } from 'vitest';
import { canSee, effectiveTlp, isLooserLevel, type ObjectAccess, type StoredTlp, type Viewer } from './marking-policy.js';
import type { Role } from './principal.js';

const LEVELS: readonly StoredTlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red', 'unknown', 'none'];

function viewer(over: Partial<Viewer> = {}): Viewer {
  return { userId: 'u-b', orgId: 'org-b', role: 'reader', groupIds: new Set(), community: true, ...over };
}

function object(tlp: StoredTlp, over: Partial<ObjectAccess> = {}): ObjectAccess {
  return { tlp, authorOrg: 'org-a', sharingGroup: null, recipientUsers: new Set(), recipientOrgs: new Set(), ...over };
}

describe('canSee', () => {
  it('shows every level to the author organisation, whatever the viewer role', () => {
    for (const tlp of LEVELS) {
      for (const role of ['reader', 'contributor', 'admin'] as Role[]) {
        expect(canSee(viewer({ orgId: 'org-a', role, community: false }), object(tlp))).toBe(true);
      }
    }
  });

  it('shows CLEAR to anyone served, community or not', () => {
    expect(canSee(viewer(), object('clear'))).toBe(true);
    expect(canSee(viewer({ community: false }), object('clear'))).toBe(true);
  });

  it('shows GREEN to the community only', () => {
    expect(canSee(viewer(), object('green'))).toBe(true);
    expect(canSee(viewer({ community: false }), object('green'))).toBe(false);
  });

  it('shows AMBER to members of the group it was published to, not to other groups or the community', () => {
    const amber = object('amber', { sharingGroup: 'g1' });
    expect(canSee(viewer({ groupIds: new Set(['g1']) }), amber)).toBe(true);
    expect(canSee(viewer({ groupIds: new Set(['g2']) }), amber)).toBe(false);
    expect(canSee(viewer(), amber)).toBe(false);
    expect(canSee(viewer({ groupIds: new Set(['g1']) }), object('amber'))).toBe(false);
  });

  it('shows AMBER+STRICT to the author organisation only, group or not', () => {
    const strict = object('amber+strict', { sharingGroup: 'g1', recipientOrgs: new Set(['org-b']) });
    expect(canSee(viewer({ groupIds: new Set(['g1']) }), strict)).toBe(false);
  });

  it('shows RED to named users and organisations only', () => {
    const red = object('red', { recipientUsers: new Set(['u-c']), recipientOrgs: new Set(['org-d']), sharingGroup: 'g1' });
    expect(canSee(viewer({ userId: 'u-c', orgId: 'org-c' }), red)).toBe(true);
    expect(canSee(viewer({ orgId: 'org-d' }), red)).toBe(true);
    expect(canSee(viewer({ orgId: 'org-c' }), red)).toBe(false);
    expect(canSee(viewer({ groupIds: new Set(['g1']) }), red)).toBe(false);
  });

  it('never treats unknown or unresolved markings as permissive', () => {
    for (const tlp of ['unknown', 'none'] as const) {
      const o = object(tlp, { sharingGroup: 'g1', recipientUsers: new Set(['u-b']), recipientOrgs: new Set(['org-b']) });
      expect(canSee(viewer({ groupIds: new Set(['g1']) }), o)).toBe(false);
    }
  });

  it('gives admins of another organisation no more than its readers', () => {
    for (const tlp of ['amber', 'amber+strict', 'red', 'unknown'] as const) {
      expect(canSee(viewer({ role: 'admin' }), object(tlp, { sharingGroup: 'g1' }))).toBe(false);
    }
  });

  it('shows an object without an author organisation only by its level', () => {
    expect(canSee(viewer(), object('clear', { authorOrg: null }))).toBe(true);
    expect(canSee(viewer({ orgId: 'x' }), object('amber+strict', { authorOrg: null }))).toBe(false);
  });
});

describe('effectiveTlp', () => {
  it('keeps the markings level and falls back to the organisation default only without one', () => {
    expect(effectiveTlp('red', 'clear')).toBe('red');
    expect(effectiveTlp('unknown', 'clear')).toBe('unknown');
    expect(effectiveTlp(undefined, 'green')).toBe('green');
    expect(effectiveTlp('none', 'amber')).toBe('amber');
  });

  it('reads a default that is not a TLP level as AMBER+STRICT', () => {
    expect(effectiveTlp(undefined, 'purple')).toBe('amber+strict');
    expect(effectiveTlp(undefined, 'none')).toBe('amber+strict');
  });
});

describe('isLooserLevel', () => {
  it('orders the levels, with AMBER+STRICT and RED side by side and unknown strictest', () => {
    expect(isLooserLevel('clear', 'green')).toBe(true);
    expect(isLooserLevel('amber', 'red')).toBe(true);
    expect(isLooserLevel('red', 'amber+strict')).toBe(false);
    expect(isLooserLevel('amber+strict', 'red')).toBe(false);
    expect(isLooserLevel('red', 'unknown')).toBe(true);
    expect(isLooserLevel('green', 'clear')).toBe(false);
  });
});
