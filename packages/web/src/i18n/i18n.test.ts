import { describe, expect, it } from 'vitest';
import de from './de.json';
import en from './en.json';
import ja from './ja.json';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null)
      for (const entry of leaves(value, path)) out.set(...entry);
    else out.set(path, value);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const locales = { en, ja, de } as Record<string, Tree>;
const reference = leaves(en);

describe.each(Object.entries(locales))('locale %s', (_name, resources) => {
  const entries = leaves(resources);

  it('has exactly the keys of every other locale', () => {
    expect([...entries.keys()].sort()).toEqual([...reference.keys()].sort());
  });

  it('has no empty or non-string texts', () => {
    for (const [key, value] of entries) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it('uses the same {{placeholders}} as English', () => {
    for (const [key, value] of entries) {
      expect(placeholders(value as string), key).toEqual(placeholders(reference.get(key) as string));
    }
  });
});
