import { describe, expect, it } from 'vitest';
import { canAccess, isActivePath } from './navigation';

const providerAdmin = {
  permissions: ['organizations:read', 'audit:read'],
  role: 'admin' as const,
  organization: { kind: 'provider' as const },
};
const customerAdmin = {
  permissions: [],
  role: 'customer_admin' as const,
  organization: { kind: 'customer' as const },
};

describe('canAccess', () => {
  it('requires every condition that is set', () => {
    const orgs = { permission: 'organizations:read', kinds: ['provider', 'reseller'] as const };
    expect(canAccess(orgs, providerAdmin)).toBe(true);
    expect(canAccess(orgs, { ...customerAdmin, permissions: ['organizations:read'] })).toBe(false);
    expect(canAccess({ permission: 'audit:read' }, customerAdmin)).toBe(false);
    expect(canAccess({ roles: ['customer_admin', 'customer_user'] }, customerAdmin)).toBe(true);
    expect(canAccess({ roles: ['customer_admin'] }, providerAdmin)).toBe(false);
  });

  it('lets everyone in when nothing is required', () => {
    expect(canAccess({}, customerAdmin)).toBe(true);
  });
});

describe('isActivePath', () => {
  it('matches the path and its sub-paths only', () => {
    expect(isActivePath('/organizations', '/organizations')).toBe(true);
    expect(isActivePath('/organizations', '/organizations/o_1')).toBe(true);
    expect(isActivePath('/organizations', '/organizationsX')).toBe(false);
  });
});
