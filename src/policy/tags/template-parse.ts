/**
 * Parser for the Go text/template subset accepted in `tag.template` (spec §2.5): literal text, `{{ }}`
 * actions holding a pipeline of commands (`.Version`, `.`, string/number/bool literals, the functions
 * `print`, `printf`, `println`, `len`, `html`, `urlquery`), `|` chaining, parentheses, comments
 * `{{/* … *\/}}` and the trim markers `{{- ` / ` -}}`. Control structures and variables are refused with a
 * PolicyError. Error texts follow Go: `template: tag:<line>: <what>`.
 */
import { PolicyError } from '../errors.js';

export type Operand =
  | { kind: 'field'; path: string[]; pos: number; text: string }
  | { kind: 'dot'; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'bool'; value: boolean; pos: number }
  | { kind: 'func'; name: string; pos: number }
  | { kind: 'pipeline'; pipeline: Command[]; pos: number };

/** One command of a pipeline: an operand followed by arguments (arguments only when it is a function). */
export interface Command {
  operands: Operand[];
}

export type Node = { kind: 'text'; text: string } | { kind: 'action'; pipeline: Command[]; pos: number };

export const TEMPLATE_NAME = 'tag';

/** Functions the subset implements (a subset of Go's builtins). */
export const SUPPORTED_FUNCS = new Set(['print', 'printf', 'println', 'len', 'html', 'urlquery']);
/** Go builtins we do not implement: named in the error so users know why their template is refused. */
const GO_BUILTINS = new Set(['js', 'and', 'or', 'not', 'call', 'index', 'slice', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);

// Sticky (`y`) so that they match at `lastIndex` without copying the rest of the template.
const WORD = /[+-]?[0-9][0-9a-zA-Z_.+-]*|[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD = /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y;
const SPACE = new Set([' ', '\t', '\r', '\n']);

// Loops, not regexes: `/[ \t]+$/` is quadratic on long runs of spaces in V8.
function trimStartSpace(s: string): string {
  let i = 0;
  while (i < s.length && SPACE.has(s[i])) i++;
  return s.slice(i);
}

function trimEndSpace(s: string): string {
  let i = s.length;
  while (i > 0 && SPACE.has(s[i - 1])) i--;
  return s.slice(0, i);
}

/** Go's `%#U` of the first character: `U+002F '/'` (no quoted form for non-printables). */
function goRune(s: string): string {
  const cp = s.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? hex : `${hex} '${String.fromCodePoint(cp)}'`;
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === '\n') line++;
  return line;
}

class Parser {
  private pos = 0;
  private actionStart = 0;

  constructor(private readonly src: string) {}

  fail(what: string, at = this.actionStart): never {
    throw new PolicyError(`template: ${TEMPLATE_NAME}:${lineOf(this.src, at)}: ${what}`);
  }

  parse(): Node[] {
    const nodes: Node[] = [];
    const src = this.src;
    let trimNext = false;
    while (this.pos <= src.length) {
      const open = src.indexOf('{{', this.pos);
      let text = src.slice(this.pos, open < 0 ? src.length : open);
      if (trimNext) text = trimStartSpace(text);
      if (open < 0) {
        if (text !== '') nodes.push({ kind: 'text', text });
        break;
      }
      this.actionStart = open;
      this.pos = open + 2;
      if (src[this.pos] === '-' && SPACE.has(src[this.pos + 1] ?? '')) {
        text = trimEndSpace(text);
        this.pos += 2;
      }
      if (text !== '') nodes.push({ kind: 'text', text });
      // As in Go, a comment starts right after the delimiter (or its trim marker): `{{ /*` is an action.
      if (src.startsWith('/*', this.pos)) {
        trimNext = this.comment();
        continue;
      }
      const { pipeline, trim } = this.action();
      trimNext = trim;
      nodes.push({ kind: 'action', pipeline, pos: open });
    }
    return nodes;
  }

  private skipSpace(): void {
    while (SPACE.has(this.src[this.pos] ?? '')) this.pos++;
  }

  /** At `/*`: consumes the comment and the closing delimiter; returns whether it trims the next text. */
  private comment(): boolean {
    const end = this.src.indexOf('*/', this.pos + 2);
    if (end < 0) this.fail('unclosed comment');
    this.pos = end + 2;
    // Go wants the delimiter right after `*/` (a trim marker needs exactly one space before it).
    if (this.src.startsWith('}}', this.pos)) {
      this.pos += 2;
      return false;
    }
    if (SPACE.has(this.src[this.pos] ?? '') && this.src.startsWith('-}}', this.pos + 1)) {
      this.pos += 4;
      return true;
    }
    this.fail('comment ends before closing delimiter');
  }

  /** Consumes `}}` or ` -}}` (after optional spaces); undefined when neither is there. */
  private closeDelim(): boolean | undefined {
    const src = this.src;
    let p = this.pos;
    while (SPACE.has(src[p] ?? '')) p++;
    if (src.startsWith('}}', p)) {
      this.pos = p + 2;
      return false;
    }
    if (src.startsWith('-}}', p) && SPACE.has(src[p - 1] ?? '')) {
      this.pos = p + 3;
      return true;
    }
    return undefined;
  }

  private action(): { pipeline: Command[]; trim: boolean } {
    const pipeline = this.pipeline(false);
    const trim = this.closeDelim();
    if (trim === undefined) this.unexpectedHere();
    if (pipeline.length === 0) this.fail('missing value for command');
    return { pipeline, trim };
  }

  /** Reads commands separated by `|` until `}}`/` -}}` (top level) or `)` (nested). */
  private pipeline(nested: boolean): Command[] {
    const commands: Command[] = [];
    let current: Operand[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.src.length) this.fail('unclosed action');
      const c = this.src[this.pos];
      if (!nested && (this.src.startsWith('}}', this.pos) || this.src.startsWith('-}}', this.pos))) {
        if (c === '-' && !SPACE.has(this.src[this.pos - 1] ?? '')) this.unexpectedHere();
        break;
      }
      if (nested && c === ')') {
        this.pos++;
        break;
      }
      if (c === '|') {
        if (current.length === 0) this.fail('missing command');
        commands.push({ operands: current });
        current = [];
        this.pos++;
        continue;
      }
      current.push(this.operand());
    }
    if (current.length > 0) commands.push({ operands: current });
    else if (commands.length > 0) this.fail('missing command');
    return commands;
  }

  private unexpectedHere(): never {
    const rest = this.src.slice(this.pos);
    if (rest === '') this.fail('unclosed action');
    this.fail(`unrecognized character in action: ${goRune(rest)}`);
  }

  private operand(): Operand {
    const src = this.src;
    const start = this.pos;
    const c = src[start];
    if (c === '.') return this.fieldOrDot(start);
    if (c === '"') return { kind: 'string', value: this.quoted(), pos: start };
    if (c === '`') {
      const end = src.indexOf('`', start + 1);
      if (end < 0) this.fail('unterminated raw quoted string');
      this.pos = end + 1;
      return { kind: 'string', value: src.slice(start + 1, end), pos: start };
    }
    if (c === '(') {
      this.pos++;
      const pipeline = this.pipeline(true);
      if (pipeline.length === 0) this.fail('missing value for parenthesized pipeline');
      return { kind: 'pipeline', pipeline, pos: start };
    }
    if (c === ')') this.fail('unexpected right paren');
    if (c === '$') this.fail('variables are not supported in tag templates');
    WORD.lastIndex = start;
    const word = WORD.exec(src);
    if (!word) this.fail(`unrecognized character in action: ${goRune(src.slice(start))}`);
    this.pos = start + word[0].length;
    const w = word[0];
    if (/^[+-]?[0-9]/.test(w)) {
      const value = Number(w);
      if (!/^[+-]?[0-9]+(\.[0-9]+)?$/.test(w) || !Number.isFinite(value)) this.fail(`bad number syntax: "${w}"`);
      return { kind: 'number', value, text: w, pos: start };
    }
    if (w === 'true' || w === 'false') return { kind: 'bool', value: w === 'true', pos: start };
    if (KEYWORDS.has(w)) this.fail(`"${w}" is not supported in tag templates`);
    if (SUPPORTED_FUNCS.has(w)) return { kind: 'func', name: w, pos: start };
    if (GO_BUILTINS.has(w)) this.fail(`function "${w}" is not supported in tag templates`);
    this.fail(`function "${w}" not defined`);
  }

  private fieldOrDot(start: number): Operand {
    FIELD.lastIndex = start;
    const m = FIELD.exec(this.src);
    if (!m) {
      this.pos = start + 1;
      const next = this.src[this.pos] ?? '';
      if (next !== '' && !SPACE.has(next) && !'|)}-'.includes(next)) this.fail(`bad character ${JSON.stringify(next)}`);
      return { kind: 'dot', pos: start };
    }
    this.pos = start + m[0].length;
    return { kind: 'field', path: m[0].slice(1).split('.'), pos: start, text: m[0] };
  }

  /** A Go interpreted string literal (common escapes). */
  private quoted(): string {
    const src = this.src;
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      const c = src[i];
      if (c === undefined || c === '\n') this.fail('unterminated quoted string');
      if (c === '"') break;
      if (c === '\\') {
        const e = src[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          i += 2;
          continue;
        }
        const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(src.slice(i + 1, i + 10));
        if (hex) {
          const cp = parseInt(hex[0].slice(1), 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('invalid syntax');
          out += String.fromCodePoint(cp);
          i += 1 + hex[0].length;
          continue;
        }
        this.fail('invalid syntax');
      }
      out += c;
      i++;
    }
    this.pos = i + 1;
    return out;
  }
}

/** Parses a template into nodes; PolicyError with Go's `template: tag:<line>: …` wording on failure. */
export function parseTemplate(src: string): Node[] {
  return new Parser(src).parse();
}
