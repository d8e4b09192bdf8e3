/** Source positions: UTF-16 offsets → 1-based line and column (columns count code points). */

/** 1-based line and column (code points) of a node's first character, plus its UTF-16 offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

/** Largest index `i` with `sorted[i] <= value` (-1 when none). */
function floorIndex(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * Builds line/column lookups over a source text in O(log n) per lookup (a linear scan per node would make
 * a long one-line file quadratic). Columns count code points: the second halves of surrogate pairs are
 * recorded once and subtracted.
 */
export function positionIndex(text: string): (offset: number) => Pos {
  const lineStarts = [0];
  const pairTails: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) lineStarts.push(i + 1);
    else if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) pairTails.push(i);
    }
  }
  return (offset: number): Pos => {
    const off = Math.max(0, Math.min(offset, text.length));
    const line = floorIndex(lineStarts, off);
    const start = lineStarts[line];
    // Pair tails in [start, off): each makes one character out of two UTF-16 units.
    const tails = floorIndex(pairTails, off - 1) - floorIndex(pairTails, start - 1);
    return { line: line + 1, column: off - start - tails + 1, offset: off };
  };
}

