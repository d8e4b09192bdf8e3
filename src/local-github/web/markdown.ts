/**
 * A small, safe Markdown renderer for the pages that show check-run output (summary, text), covering what
 * apps such as checks-out write: ATX headings, paragraphs, bullet and ordered lists (nested by indentation),
 * pipe tables, fenced code, block quotes, rules, and inline markup (see markdown-inline.ts).
 *
 * Safety: the input is never trusted. All text is escaped; the only HTML that passes through is `<details>`,
 * `<details open>`, `<summary>…</summary>` and `</details>` on lines of their own (as GitHub allows for
 * collapsible sections), re-emitted by this file without any attribute from the input, and always balanced.
 * Work is linear in the input: line-oriented, no regex with nested quantifiers, bounded nesting.
 */
import { esc, Raw } from './html.js';
import { renderInline } from './markdown-inline.js';

const MAX_QUOTE_DEPTH = 8;
const MAX_LIST_DEPTH = 16;
const MAX_DETAILS_DEPTH = 16;

const isBlank = (line: string): boolean => line.trim() === '';

function indentOf(line: string): number {
  let n = 0;
  while (line[n] === ' ') n++;
  return n;
}

/** Leading tabs count as four spaces, so indentation is measured in spaces only. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  const lead = /^[ \t]*/.exec(line)![0];
  return lead.replace(/\t/g, '    ') + line.slice(lead.length);
}

interface Fence {
  char: string;
  length: number;
  indent: number;
}

function fenceOpen(line: string): Fence | undefined {
  const m = /^( {0,3})(`{3,}|~{3,})/.exec(line);
  if (!m) return undefined;
  if (m[2][0] === '`' && line.slice(m[0].length).includes('`')) return undefined; // a code span, not a fence
  return { char: m[2][0], length: m[2].length, indent: m[1].length };
}

function closesFence(line: string, f: Fence): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1][0] === f.char && m[1].length >= f.length;
}

function heading(line: string): { level: number; text: string } | undefined {
  const m = /^ {0,3}(#{1,6})(?=[ \t]|$)/.exec(line);
  if (!m) return undefined;
  let text = line.slice(m[0].length).trim();
  // An optional closing run of '#' (after a space) is not part of the text.
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0) text = '';
  else if (end < text.length && (text[end - 1] === ' ' || text[end - 1] === '\t')) text = text.slice(0, end).trimEnd();
  return { level: m[1].length, text };
}

function isRule(line: string): boolean {
  if (indentOf(line) > 3) return false;
  const compact = line.replace(/[ \t]/g, '');
  if (compact.length < 3 || !'-*_'.includes(compact[0])) return false;
  for (const ch of compact) if (ch !== compact[0]) return false;
  return true;
}

interface ListMarker {
  indent: number;
  ordered: boolean;
  start: number;
  content: string;
}

function listMarker(line: string): ListMarker | undefined {
  const m = /^( *)([-*+]|(\d{1,9})[.)])(?: |$)/.exec(line);
  if (!m) return undefined;
  return { indent: m[1].length, ordered: m[3] !== undefined, start: m[3] === undefined ? 1 : Number(m[3]), content: line.slice(m[0].length) };
}

const isQuote = (line: string): boolean => /^ {0,3}>/.test(line);

type DetailsLine = { type: 'open'; summary?: string } | { type: 'summary'; text: string } | { type: 'close' };

/** The only raw HTML let through: whole lines opening or closing a collapsible section, or its summary. */
function detailsLine(line: string): DetailsLine | undefined {
  const t = line.trim();
  if (!t.startsWith('<') || !t.endsWith('>')) return undefined;
  if (/^<\/details>$/i.test(t)) return { type: 'close' };
  if (/^<details(?: open)?>$/i.test(t)) return { type: 'open' };
  const both = /^<details(?: open)?>[ \t]*<summary>/i.exec(t);
  const summaryAt = both ? both[0].length : /^<summary>/i.test(t) ? '<summary>'.length : -1;
  if (summaryAt < 0 || !t.toLowerCase().endsWith('</summary>')) return undefined;
  const text = t.slice(summaryAt, t.length - '</summary>'.length);
  return both ? { type: 'open', summary: text } : { type: 'summary', text };
}

/** Cells of a table row; `\|` is a literal pipe inside a cell (also inside code spans, as on GitHub). */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let endsWithPipe = false;
  const t = line.trim();
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    endsWithPipe = false;
    if (c === '\\' && t[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      cells.push(cell);
      cell = '';
      endsWithPipe = true;
    } else cell += c;
  }
  if (!endsWithPipe) cells.push(cell);
  if (t.startsWith('|')) cells.shift();
  return cells.map((x) => x.trim());
}

type Align = 'left' | 'center' | 'right' | undefined;

function delimiterRow(line: string): Align[] | undefined {
  if (!line.includes('-')) return undefined;
  const cells = splitRow(line);
  const aligns: Align[] = [];
  for (const cell of cells) {
    if (!/^:?-+:?$/.test(cell)) return undefined;
    const l = cell.startsWith(':');
    const r = cell.endsWith(':');
    aligns.push(l && r ? 'center' : r ? 'right' : l ? 'left' : undefined);
  }
  return aligns;
}

function tableStart(lines: readonly string[], i: number): Align[] | undefined {
  if (!lines[i].includes('|') || i + 1 >= lines.length) return undefined;
  const aligns = delimiterRow(lines[i + 1]);
  return aligns && aligns.length === splitRow(lines[i]).length ? aligns : undefined;
}

function startsBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i];
  return fenceOpen(line) !== undefined || heading(line) !== undefined || isRule(line) || listMarker(line) !== undefined ||
    isQuote(line) || detailsLine(line) !== undefined || tableStart(lines, i) !== undefined;
}

class BlockRenderer {
  private out: string[] = [];
  private openDetails = 0;
  private i = 0;

  constructor(private readonly lines: readonly string[], private readonly depth: number) {}

  render(): string {
    const { lines } = this;
    while (this.i < lines.length) {
      const line = lines[this.i];
      if (isBlank(line)) this.i++;
      else if (fenceOpen(line)) this.fenced(fenceOpen(line)!);
      else if (this.details(detailsLine(line))) this.i++;
      else if (heading(line)) {
        const h = heading(line)!;
        this.out.push(`<h${h.level}>${renderInline(h.text)}</h${h.level}>`);
        this.i++;
      } else if (isRule(line)) {
        this.out.push('<hr>');
        this.i++;
      } else if (isQuote(line) && this.depth < MAX_QUOTE_DEPTH) this.quote();
      else if (tableStart(lines, this.i)) this.table(tableStart(lines, this.i)!);
      else if (listMarker(line)) this.list();
      else this.paragraph();
    }
    for (; this.openDetails > 0; this.openDetails--) this.out.push('</details>');
    return this.out.join('\n');
  }

  private details(d: DetailsLine | undefined): boolean {
    if (!d) return false;
    if (d.type === 'open') {
      if (this.openDetails >= MAX_DETAILS_DEPTH) return false;
      this.openDetails++;
      this.out.push(d.summary === undefined ? '<details>' : `<details><summary>${renderInline(d.summary)}</summary>`);
      return true;
    }
    if (this.openDetails === 0) return false; // a stray closing tag or summary is shown as text
    if (d.type === 'summary') this.out.push(`<summary>${renderInline(d.text)}</summary>`);
    else {
      this.openDetails--;
      this.out.push('</details>');
    }
    return true;
  }

  private fenced(f: Fence): void {
    const body: string[] = [];
    this.i++;
    while (this.i < this.lines.length && !closesFence(this.lines[this.i], f)) {
      const line = this.lines[this.i++];
      body.push(line.slice(Math.min(f.indent, indentOf(line))));
    }
    this.i++; // the closing fence (an unclosed fence runs to the end, as on GitHub)
    this.out.push(`<pre><code>${body.map(esc).join('\n')}</code></pre>`);
  }

  private quote(): void {
    const inner: string[] = [];
    while (this.i < this.lines.length && isQuote(this.lines[this.i])) {
      const line = this.lines[this.i++];
      const rest = line.slice(line.indexOf('>') + 1);
      inner.push(rest.startsWith(' ') ? rest.slice(1) : rest);
    }
    this.out.push(`<blockquote>${new BlockRenderer(inner, this.depth + 1).render()}</blockquote>`);
  }

  private table(aligns: Align[]): void {
    const row = (line: string, tag: 'th' | 'td'): string => {
      const cells = splitRow(line);
      return `<tr>${aligns.map((a, k) => `<${tag}${a ? ` align="${a}"` : ''}>${renderInline(cells[k] ?? '')}</${tag}>`).join('')}</tr>`;
    };
    const parts = [`<table><thead>${row(this.lines[this.i], 'th')}</thead><tbody>`];
    this.i += 2;
    while (this.i < this.lines.length && !isBlank(this.lines[this.i]) && this.lines[this.i].includes('|') &&
      !fenceOpen(this.lines[this.i]) && !detailsLine(this.lines[this.i]) && !isQuote(this.lines[this.i])) {
      parts.push(row(this.lines[this.i++], 'td'));
    }
    parts.push('</tbody></table>');
    this.out.push(parts.join(''));
  }

  /** A list; deeper-indented items open nested lists inside the current item. */
  private list(): void {
    const stack: { indent: number; tag: 'ul' | 'ol' }[] = [];
    const parts: string[] = [];
    let pending: string[] = [];
    const flush = (): void => {
      if (pending.length) parts.push(renderInline(pending.join('\n')));
      pending = [];
    };
    const open = (m: ListMarker): void => {
      const tag = m.ordered ? 'ol' : 'ul';
      parts.push(m.ordered && m.start !== 1 ? `<ol start="${m.start}"><li>` : `<${tag}><li>`);
      stack.push({ indent: m.indent, tag });
    };
    const close = (): void => {
      parts.push(`</li></${stack.pop()!.tag}>`);
    };
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      const m = listMarker(line);
      if (m) {
        flush();
        while (stack.length > 1 && m.indent < stack[stack.length - 1].indent) close();
        const top = stack[stack.length - 1];
        if (!top || (m.indent >= top.indent + 2 && stack.length + this.depth < MAX_LIST_DEPTH)) open(m);
        else if ((m.ordered ? 'ol' : 'ul') !== top.tag) {
          close();
          open(m);
        } else parts.push('</li><li>');
        pending.push(m.content);
      } else if (!isBlank(line) && !startsBlock(this.lines, this.i)) pending.push(line.trim());
      else break;
      this.i++;
    }
    flush();
    while (stack.length) close();
    this.out.push(parts.join(''));
  }

  private paragraph(): void {
    const text: string[] = [this.lines[this.i++].trimStart()];
    while (this.i < this.lines.length && !isBlank(this.lines[this.i]) && !startsBlock(this.lines, this.i)) {
      // Trailing spaces matter (two make a hard break), leading ones do not.
      text.push(this.lines[this.i++].trimStart());
    }
    this.out.push(`<p>${renderInline(text.join('\n').trimEnd())}</p>`);
  }
}

/** GitHub-flavoured Markdown (the subset above) as HTML that is safe to embed in a page. */
export function renderMarkdown(src: string): string {
  const lines = String(src ?? '').replace(/\r\n?/g, '\n').split('\n').map(expandTabs);
  return new BlockRenderer(lines, 0).render();
}

/** For the `html` template: the rendered Markdown in a `.md` container. */
export function markdown(src: string): Raw {
  return new Raw(`<div class="md">${renderMarkdown(src)}</div>`);
}
