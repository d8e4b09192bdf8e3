/**
 * Miniglob (spec §5): the path patterns of `scope.paths`. Translation to an anchored regex: trim surrounding
 * whitespace, then one leading and one trailing `/`; `**` → `.*`, `*` → `[^/]*`, everything else literal
 * (so `?` and `[` are literals). Matching runs on re2js, in linear time whatever the glob and the path.
 */
import { RE2JS } from 're2js';
import type { CompiledGlob } from './config/types.js';

/** Go's regexp.QuoteMeta. */
function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const SPACE = /^[\s\u0085]$/u;

/** Go strings.TrimSpace: Unicode white space at both ends (a loop: a regex `\s+$` is quadratic). */
export function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text.charAt(start))) start++;
  while (end > start && SPACE.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The anchored regex source of a glob, e.g. `^[^/]*\.java$` for `*.java`. */
export function globToRegexSource(glob: string): string {
  let body = trimSpace(glob);
  if (body.startsWith('/')) body = body.slice(1);
  if (body.endsWith('/')) body = body.slice(0, -1);
  const parts = body.split('**').map((part) => part.split('*').map(quoteMeta).join('[^/]*'));
  return `^${parts.join('.*')}$`;
}

class Glob implements CompiledGlob {
  readonly #re: RE2JS;

  constructor(
    readonly text: string,
    readonly source: string,
  ) {
    // No flags: like Go, `.` in the translated `**` does not match a newline.
    this.#re = RE2JS.compile(source, 0);
  }

  test(path: string): boolean {
    return this.#re.matches(path);
  }

  toJSON(): string {
    return this.text;
  }
}

/** Compiles a glob. Never fails: every text is a valid glob. */
export function compileGlob(text: string): CompiledGlob {
  return new Glob(text, globToRegexSource(text));
}
