/**
 * Inline Markdown (GitHub-flavoured subset) to HTML: backslash escapes, code spans, emphasis (`*`/`_`, one to three),
 * `~~strike~~`, `[text](url)` links and hard line breaks. Every character from the input reaches the output
 * escaped; tags come only from this file. Each step is amortised O(1) per character, so hostile input stays
 * linear: delimiters live on one stack and are popped at most once, the closing backtick run is found by binary
 * search, and the scan for a link destination never re-reads characters an earlier scan passed.
 */
import { esc } from './html.js';

type Kind = '*' | '**' | '***' | '_' | '__' | '___' | '~~';
const KINDS: readonly Kind[] = ['*', '**', '***', '_', '__', '___', '~~'];
const OPEN: Record<Kind, string> = { '*': '<em>', '**': '<strong>', '***': '<strong><em>', _: '<em>', __: '<strong>', ___: '<strong><em>', '~~': '<del>' };
const CLOSE: Record<Kind, string> = { '*': '</em>', '**': '</strong>', '***': '</em></strong>', _: '</em>', __: '</strong>', ___: '</em></strong>', '~~': '</del>' };

type Counts = Record<Kind, number>;
/** An unmatched emphasis opener (its token is the literal run until a closer turns it into a tag), or a `[`. */
type Barrier = { barrier: true };
type Entry = { kind: Kind; token: number } | Barrier;
interface Bracket {
  token: number;
  active: boolean;
  barrier: Barrier;
}

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const isSpace = (c: string): boolean => c === '' || /\s/u.test(c);
const isPunct = (c: string): boolean => /[\p{P}\p{S}]/u.test(c);

function zeroCounts(): Counts {
  return { '*': 0, '**': 0, '***': 0, _: 0, __: 0, ___: 0, '~~': 0 };
}

/** Links only to the web (http, https) or relative to the page; never javascript:, data: and the like. */
export function safeUrl(url: string): boolean {
  if (url === '' || /[\u0000-\u001f\u007f\\]/.test(url)) return false;
  if (/^https?:\/\/[^/]/i.test(url)) return true;
  const colon = url.indexOf(':');
  if (colon < 0) return true;
  const end = url.search(/[/?#]/);
  return end >= 0 && end < colon; // the colon is in a path, query or fragment, not a scheme
}

/** Start positions of every maximal backtick run, by length (sorted, for binary search). */
function backtickRuns(s: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    let j = i;
    while (s[j] === '`') j++;
    const list = runs.get(j - i) ?? [];
    list.push(i);
    runs.set(j - i, list);
    i = j;
  }
  return runs;
}

function firstAfter(list: number[] | undefined, pos: number): number {
  if (!list) return -1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : -1;
}

function codeSpan(content: string): string {
  let c = content.replace(/\n/g, ' ');
  if (c.length >= 2 && c.startsWith(' ') && c.endsWith(' ') && c.trim() !== '') c = c.slice(1, -1);
  return `<code>${esc(c)}</code>`;
}

export function renderInline(s: string): string {
  const tokens: string[] = [];
  const stack: Entry[] = [];
  const segments: Counts[] = [zeroCounts()];
  const brackets: Bracket[] = [];
  let runs: Map<number, number[]> | undefined;
  let scanFrom = -1;
  let scanStop = -1;
  let text = '';
  const flush = (): void => {
    if (text !== '') tokens.push(esc(text));
    text = '';
  };
  const push = (html: string): number => {
    flush();
    tokens.push(html);
    return tokens.length - 1;
  };
  /** Where a link destination starting at `from` ends: the first `)`, whitespace, `(`, `<` or `>`. */
  const destinationStop = (from: number): number => {
    if (from > scanFrom && from <= scanStop) return scanStop;
    let j = from;
    while (j < s.length && !/[\s()<>]/.test(s[j])) j++;
    scanFrom = from;
    scanStop = j;
    return j;
  };
  /** A `[` that did not become a link: its openers join the enclosing segment (its barrier stays, inert). */
  const dissolve = (): void => {
    const inner = segments.pop()!;
    const outer = segments[segments.length - 1];
    for (const k of KINDS) outer[k] += inner[k];
  };

  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && (ASCII_PUNCT.test(s[i + 1]) || s[i + 1] === '\n')) {
      if (s[i + 1] === '\n') push('<br>\n');
      else text += s[i + 1];
      i += 2;
    } else if (c === '`') {
      let j = i;
      while (s[j] === '`') j++;
      runs ??= backtickRuns(s);
      const close = firstAfter(runs.get(j - i), j);
      if (close >= 0) {
        push(codeSpan(s.slice(j, close)));
        i = close + (j - i);
      } else {
        text += s.slice(i, j);
        i = j;
      }
    } else if (c === '*' || c === '_' || c === '~') {
      let j = i;
      while (s[j] === c) j++;
      const run = s.slice(i, j);
      const kind = (KINDS as readonly string[]).includes(run) ? (run as Kind) : undefined;
      i = j;
      if (!kind) {
        text += run;
        continue;
      }
      const before = s[i - run.length - 1] ?? '';
      const after = s[i] ?? '';
      const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
      const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
      const canOpen = c === '_' ? left && (!right || isPunct(before)) : left;
      const canClose = c === '_' ? right && (!left || isPunct(after)) : right;
      const counts = segments[segments.length - 1];
      if (canClose && counts[kind] > 0) {
        // Openers above the match stay literal text; each entry is popped once, which keeps this linear.
        for (;;) {
          const e = stack.pop()!;
          if ('barrier' in e) continue; // only dissolved barriers can be above a live segment's opener
          counts[e.kind]--;
          if (e.kind === kind) {
            tokens[e.token] = OPEN[kind];
            push(CLOSE[kind]);
            break;
          }
        }
      } else if (canOpen) {
        stack.push({ kind, token: push(run) });
        counts[kind]++;
      } else text += run;
    } else if (c === '[') {
      const barrier: Barrier = { barrier: true };
      stack.push(barrier);
      segments.push(zeroCounts());
      brackets.push({ token: push('['), active: true, barrier });
      i++;
    } else if (c === ']') {
      const b = brackets.pop();
      const stop = b?.active && s[i + 1] === '(' ? destinationStop(i + 2) : -1;
      if (!b || stop < 0 || s[stop] !== ')') {
        if (b) dissolve();
        text += ']';
        i++;
        continue;
      }
      // A link: unmatched openers inside its text stay literal, and links cannot contain links.
      while (stack.pop() !== b.barrier);
      segments.pop();
      const url = s.slice(i + 2, stop);
      const ok = safeUrl(url);
      tokens[b.token] = ok ? `<a href="${esc(url)}" rel="nofollow noopener">` : '';
      push(ok ? '</a>' : '');
      for (const outer of brackets) outer.active = false;
      i = stop + 1;
    } else if (c === '\n') {
      push(s[i - 1] === ' ' && s[i - 2] === ' ' ? '<br>\n' : '\n');
      i++;
    } else {
      let j = i + 1;
      while (j < s.length && !'\\`*_~[]\n'.includes(s[j])) j++;
      text += s.slice(i, j);
      i = j;
    }
  }
  flush();
  return tokens.join('');
}
