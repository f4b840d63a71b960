export type DiffKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffEntry {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Arrays stay whole values: a list of domains reads better as "[a, b] → [a, b, c]" than as indexes.
function flatten(value: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && Object.keys(child).length > 0) flatten(child, path, out);
    else out.set(path, child);
  }
}

function equal(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field-by-field comparison of an audit record's `before` and `after` snapshots (either may be null:
 * creations have no before, deletions no after). Nested objects become dotted paths.
 */
export function diffSnapshots(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): DiffEntry[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before) flatten(before, '', a);
  if (after) flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.map((path): DiffEntry => {
    const inBefore = a.has(path);
    const inAfter = b.has(path);
    if (!inBefore) return { path, kind: 'added', after: b.get(path) };
    if (!inAfter) return { path, kind: 'removed', before: a.get(path) };
    const kind = equal(a.get(path), b.get(path)) ? 'unchanged' : 'changed';
    return { path, kind, before: a.get(path), after: b.get(path) };
  });
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
