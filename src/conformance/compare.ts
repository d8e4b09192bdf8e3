/**
 * Value comparison of conformance README §3.1: JSON-shaped values, `null` distinct from a missing key,
 * arrays ordered except at the set-valued paths a kind names. Results describe the first mismatch on one
 * line so that a failing vector's reason points at the field to look at.
 */

/** A compiled set-valued path: segments where `*` is any one key/index and `**` any number of them. */
export type PathPattern = readonly string[];

export function compilePaths(paths: readonly string[] = []): PathPattern[] {
  return paths.map((p) => p.split('.'));
}

/** Whether the concrete path `path` (keys and indices as strings) matches one of `patterns`. */
export function pathMatches(patterns: readonly PathPattern[], path: readonly string[]): boolean {
  return patterns.some((p) => matchFrom(p, 0, path, 0));
}

function matchFrom(pattern: PathPattern, pi: number, path: readonly string[], si: number): boolean {
  if (pi === pattern.length) return si === path.length;
  const seg = pattern[pi];
  if (seg === '**') {
    for (let k = si; k <= path.length; k++) if (matchFrom(pattern, pi + 1, path, k)) return true;
    return false;
  }
  if (si === path.length) return false;
  return (seg === '*' || seg === path[si]) && matchFrom(pattern, pi + 1, path, si + 1);
}

/**
 * Converts an adapter's result into plain JSON shape: `Map` → object, `Set` → array, keys holding
 * `undefined` dropped. Objects are built without a prototype so that keys such as `__proto__` stay data.
 */
export function toJsonShape(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of value) if (v !== undefined) out[String(k)] = toJsonShape(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toJsonShape);
  if (Array.isArray(value)) return value.map(toJsonShape);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = toJsonShape(v);
    }
    return out;
  }
  return value;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Short one-line rendering of a value for a mismatch message. */
export function show(v: unknown, max = 120): string {
  if (v === undefined) return '(missing)';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Stable text key for sorting set elements: strings as themselves (JS default sort), others as JSON. */
function sortKey(v: unknown): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

function sortedCopy(list: readonly unknown[]): unknown[] {
  return list
    .map((v) => ({ v, k: sortKey(v) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((e) => e.v);
}

/**
 * Compares `actual` against `expected` under README §3.1. `path` is where `expected` sits in the result
 * (its first segment is the top-level field). Returns a one-line description of the first mismatch, or
 * `undefined` when equal. `actual` must already be in JSON shape (see `toJsonShape`).
 */
export function compareValues(
  expected: unknown,
  actual: unknown,
  path: readonly string[],
  setPaths: readonly PathPattern[] = [],
): string | undefined {
  const where = path.length > 0 ? path.join('.') : '(root)';
  const ek = kindOf(expected);
  const ak = kindOf(actual);
  if (ek !== ak) return `${where}: expected ${show(expected)}, got ${show(actual)}`;
  switch (ek) {
    case 'null':
      return undefined;
    case 'string':
    case 'boolean':
      return expected === actual ? undefined : `${where}: expected ${show(expected)}, got ${show(actual)}`;
    case 'number':
      return expected === actual || (Number.isNaN(expected) && Number.isNaN(actual))
        ? undefined
        : `${where}: expected ${show(expected)}, got ${show(actual)}`;
    case 'array': {
      let e = expected as unknown[];
      let a = actual as unknown[];
      const isSet = pathMatches(setPaths, path);
      if (e.length !== a.length) {
        return `${where}: expected ${e.length} element(s) ${show(e)}, got ${a.length} ${show(a)}`;
      }
      if (isSet) {
        e = sortedCopy(e);
        a = sortedCopy(a);
      }
      for (let i = 0; i < e.length; i++) {
        // Elements of a set are addressed by position after sorting; the message shows both whole sets.
        const diff = compareValues(e[i], a[i], [...path, String(i)], setPaths);
        if (diff !== undefined) return isSet ? `${where} (set): expected ${show(e)}, got ${show(a)}` : diff;
      }
      return undefined;
    }
    case 'object': {
      const eo = expected as Record<string, unknown>;
      const ao = actual as Record<string, unknown>;
      const eKeys = Object.keys(eo);
      const aKeys = Object.keys(ao).filter((k) => ao[k] !== undefined);
      const aSet = new Set(aKeys);
      const eSet = new Set(eKeys);
      const missing = eKeys.filter((k) => !aSet.has(k));
      if (missing.length > 0) return `${where}: missing key(s) ${missing.map((k) => JSON.stringify(k)).join(', ')}`;
      const extra = aKeys.filter((k) => !eSet.has(k));
      if (extra.length > 0) return `${where}: unexpected key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`;
      for (const k of eKeys) {
        const diff = compareValues(eo[k], ao[k], [...path, k], setPaths);
        if (diff !== undefined) return diff;
      }
      return undefined;
    }
    default:
      return `${where}: cannot compare a value of type ${ek}`;
  }
}
