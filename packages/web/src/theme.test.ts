import { describe, expect, it } from 'vitest';
import { buildTheme, DEFAULT_PRIMARY, isHexColor, shadesOf } from './theme';

describe('shadesOf', () => {
  it('keeps the partner colour as shade 6, lighter before, darker after', () => {
    const shades = shadesOf('#D4145A');
    expect(shades).toHaveLength(10);
    expect(shades[6]).toBe('#d4145a');
    const lightness = shades.map((s) =>
      [1, 3, 5].reduce((sum, i) => sum + Number.parseInt(s.slice(i, i + 2), 16), 0),
    );
    for (let i = 1; i < lightness.length; i++) expect(lightness[i]).toBeLessThan(lightness[i - 1]!);
  });
});

describe('buildTheme', () => {
  it('applies a valid primary colour and ignores invalid ones', () => {
    expect(buildTheme({ primaryColor: '#00a86b' }).colors?.brand?.[6]).toBe('#00a86b');
    expect(buildTheme({ primaryColor: 'red; background: url(x)' }).colors?.brand?.[6]).toBe(DEFAULT_PRIMARY);
    expect(buildTheme().colors?.brand?.[6]).toBe(DEFAULT_PRIMARY);
  });

  it('accepts only #rrggbb', () => {
    expect(isHexColor('#abcdef')).toBe(true);
    expect(isHexColor('#abc')).toBe(false);
    expect(isHexColor(undefined)).toBe(false);
  });
});
