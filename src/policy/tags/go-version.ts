/**
 * Version strings with the semantics of hashicorp/go-version, which the original used to read repository
 * tags and approval-comment versions (spec §9): optional `v`, one or more numeric segments (padded to at
 * least three), an optional pre-release (`-rc1`, or `beta` right after the digits) and `+metadata`.
 * Segments are BigInts so that huge numbers neither overflow nor lose precision.
 */

export interface GoVersion {
  /** Numeric segments, padded with zeros to at least 3. */
  segments: bigint[];
  /** Pre-release without its leading `-`; `""` when none. */
  pre: string;
  /** Build metadata without its `+`; `""` when none. Ignored by comparisons. */
  metadata: string;
}

const PART = '[0-9A-Za-z\\-~]+';
// The accepted grammar, anchored: no surrounding whitespace.
const VERSION_RE = new RegExp(
  '^v?([0-9]+(?:\\.[0-9]+)*?)' +
    // `[0-9]+[…]*` of the original written as `[0-9][…]*` (same language, no quadratic backtracking).
    `(?:-([0-9][0-9A-Za-z\\-~]*(?:\\.${PART})*)|(?:-?([A-Za-z\\-~][0-9A-Za-z\\-~]*(?:\\.${PART})*)))?` +
    `(?:\\+(${PART}(?:\\.${PART})*))?$`,
);

// Go parses segments as int64; larger values make the tag unparseable.
const INT64_MAX = (1n << 63n) - 1n;

/** Parses a version; null when the text is not a version (such tags are ignored). */
export function parseGoVersion(text: string): GoVersion | null {
  if (typeof text !== 'string' || text.length > 1024) return null;
  const m = VERSION_RE.exec(text);
  if (m === null) return null;
  const segments: bigint[] = [];
  for (const s of m[1].split('.')) {
    const n = BigInt(s);
    if (n > INT64_MAX) return null;
    segments.push(n);
  }
  while (segments.length < 3) segments.push(0n);
  return { segments, pre: m[2] ?? m[3] ?? '', metadata: m[4] ?? '' };
}

/** Canonical text: all segments, then `-pre` and `+metadata` (`v2.1` → `2.1.0`). */
export function formatGoVersion(v: GoVersion): string {
  let s = v.segments.map(String).join('.');
  if (v.pre !== '') s += `-${v.pre}`;
  if (v.metadata !== '') s += `+${v.metadata}`;
  return s;
}

export const ZERO_VERSION: GoVersion = Object.freeze({ segments: [0n, 0n, 0n], pre: '', metadata: '' }) as GoVersion;

/** -1, 0 or 1. Segments first (missing ones count as 0), then a release beats any pre-release. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i] ?? 0n;
    const y = b.segments[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return comparePrereleases(a.pre, b.pre);
}

function comparePrereleases(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = comparePart(pa[i] ?? '', pb[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

const NUMERIC = /^[0-9]+$/;

/** One dot-separated pre-release part: numbers sort before words, a missing part loses to a word. */
function comparePart(a: string, b: string): number {
  if (a === b) return 0;
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (a === '') return bn ? -1 : 1;
  if (b === '') return an ? 1 : -1;
  if (an && !bn) return -1;
  if (!an && bn) return 1;
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return a < b ? -1 : 1;
}

/** The greatest parseable version among `texts` (unparseable ones are skipped), starting from 0.0.0. */
export function maxGoVersion(texts: Iterable<string>): GoVersion {
  let best = ZERO_VERSION;
  for (const t of texts) {
    const v = parseGoVersion(t);
    if (v !== null && compareGoVersions(v, best) > 0) best = v;
  }
  return best;
}
