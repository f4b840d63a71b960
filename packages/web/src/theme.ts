import { createTheme, type MantineColorsTuple, type MantineThemeOverride } from '@mantine/core';
import type { Branding } from './api/types';

const HEX = /^#([0-9a-f]{6})$/i;

export const isHexColor = (value: unknown): value is string => typeof value === 'string' && HEX.test(value);

function parse(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(hex: string, target: number, weight: number): string {
  const channels = parse(hex).map((c) => Math.round(c + (target - c) * weight));
  return `#${channels.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Mantine wants ten shades per colour. The partner gives one; it becomes shade 6, the one Mantine uses
 * for filled elements in light mode, so buttons show exactly the partner's colour. Lighter shades
 * (backgrounds, hovers) are tints towards white, darker ones shades towards black.
 */
export function shadesOf(hex: string): MantineColorsTuple {
  const base = hex.toLowerCase();
  return [
    mix(base, 255, 0.92),
    mix(base, 255, 0.8),
    mix(base, 255, 0.64),
    mix(base, 255, 0.48),
    mix(base, 255, 0.3),
    mix(base, 255, 0.14),
    base,
    mix(base, 0, 0.14),
    mix(base, 0, 0.28),
    mix(base, 0, 0.42),
  ];
}

/** csp-commerce's own colour, used before sign-in and for partners without branding. */
export const DEFAULT_PRIMARY = '#1c5fd4';

export function buildTheme(branding?: Branding): MantineThemeOverride {
  const primary = isHexColor(branding?.primaryColor) ? branding.primaryColor : DEFAULT_PRIMARY;
  const accent = isHexColor(branding?.accentColor) ? branding.accentColor : primary;
  return createTheme({
    primaryColor: 'brand',
    primaryShade: { light: 6, dark: 5 },
    colors: { brand: shadesOf(primary), accent: shadesOf(accent) },
    // Partner colours can be light (yellow, cyan): let Mantine pick readable text on them.
    autoContrast: true,
    defaultRadius: 'sm',
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Hiragino Sans", "Noto Sans JP", "Yu Gothic UI", Meiryo, sans-serif',
    headings: { fontWeight: '600' },
  });
}
