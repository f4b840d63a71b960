import { describe, expect, it } from 'vitest';
import { calendarDay, dayBefore, isRegistrationNumber, monthOf, monthOptions } from './api';

describe('billing helpers', () => {
  it('accepts only T and 13 digits as a Japanese registration number', () => {
    expect(isRegistrationNumber('T9010401234567')).toBe(true);
    expect(isRegistrationNumber('T901040123456')).toBe(false);
    expect(isRegistrationNumber('9010401234567')).toBe(false);
    expect(isRegistrationNumber('T90104012345678')).toBe(false);
    expect(isRegistrationNumber('t9010401234567')).toBe(false);
  });

  it('counts months across year ends', () => {
    const now = new Date('2026-01-31T23:00:00Z');
    expect(monthOf(now)).toBe('2026-01');
    expect(monthOf(now, -1)).toBe('2025-12');
    expect(monthOf(now, -13)).toBe('2024-12');
    const options = monthOptions('ja-JP', now, 3);
    expect(options.map((o) => o.value)).toEqual(['2026-01', '2025-12', '2025-11']);
    expect(options[0]!.label).toBe('2026年1月');
  });

  it('shows the last day of an exclusive period end and plain dates without shifting', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
    expect(calendarDay('2026-12-22', 'en-US')).toBe('Dec 22, 2026');
  });
});
