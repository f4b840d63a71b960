import { describe, expect, it } from 'vitest';
import { diffSnapshots, formatValue } from './diff';

describe('diffSnapshots', () => {
  it('reports changed, added, removed and unchanged fields, nested ones as paths', () => {
    const diff = diffSnapshots(
      { name: 'Reseller A', country: 'DE', branding: { primaryColor: '#112233' }, old: 1 },
      { name: 'Reseller A GmbH', country: 'DE', branding: { primaryColor: '#445566', logoUrl: 'x' } },
    );
    expect(diff).toEqual([
      { path: 'branding.logoUrl', kind: 'added', after: 'x' },
      { path: 'branding.primaryColor', kind: 'changed', before: '#112233', after: '#445566' },
      { path: 'country', kind: 'unchanged', before: 'DE', after: 'DE' },
      { path: 'name', kind: 'changed', before: 'Reseller A', after: 'Reseller A GmbH' },
      { path: 'old', kind: 'removed', before: 1 },
    ]);
  });

  it('treats a creation as all-added and a deletion as all-removed', () => {
    expect(diffSnapshots(null, { a: 1 })).toEqual([{ path: 'a', kind: 'added', after: 1 }]);
    expect(diffSnapshots({ a: 1 }, null)).toEqual([{ path: 'a', kind: 'removed', before: 1 }]);
    expect(diffSnapshots(null, null)).toEqual([]);
  });

  it('compares arrays as whole values', () => {
    const diff = diffSnapshots({ domains: ['a.test'] }, { domains: ['a.test'] });
    expect(diff).toEqual([{ path: 'domains', kind: 'unchanged', before: ['a.test'], after: ['a.test'] }]);
  });
});

describe('formatValue', () => {
  it('shows strings bare and everything else as JSON', () => {
    expect(formatValue('x')).toBe('x');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(['a'])).toBe('["a"]');
    expect(formatValue(undefined)).toBe('');
  });
});
