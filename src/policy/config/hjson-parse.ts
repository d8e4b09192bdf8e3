/**
 * A located HJSON parser for the dialect of hjson-go v0.2.3 (spec §2.2): optional root braces, `#` `//` `/* *\/`
 * comments, optional commas, quoteless keys, quoteless values that run to the end of the line, `'''`
 * multiline strings. Unlike the original it keeps where every node came from, so that configuration errors
 * can point at the offending key or value. Syntax errors are PolicyErrors with file/line/column.
 *
 * Linear time, bounded nesting: hostile input cannot hang it or overflow the stack.
 */
import { PolicyError, type SourceLocation } from '../errors.js';
import { positionIndex, type Pos } from './positions.js';

export type { Pos } from './positions.js';

export interface HEntry {
  /** The key as written (quotes removed). */
  key: string;
  keyPos: Pos;
  value: HNode;
}

export type HNode =
  | { kind: 'object'; pos: Pos; entries: HEntry[] }
  | { kind: 'array'; pos: Pos; items: HNode[] }
  | { kind: 'string'; pos: Pos; value: string; quoted: boolean; /** source offset of each UTF-16 unit of value */ offsets: number[] }
  | { kind: 'number'; pos: Pos; value: number; text: string }
  | { kind: 'bool'; pos: Pos; value: boolean }
  | { kind: 'null'; pos: Pos };

export interface HjsonDocument {
  root: HNode;
  /** Maps a UTF-16 offset of the source to a 1-based line/column. */
  position(offset: number): Pos;
}

const MAX_DEPTH = 200;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function isPunctuator(c: string): boolean {
  return c === '{' || c === '}' || c === '[' || c === ']' || c === ',' || c === ':';
}

/** Whitespace as hjson-go sees it: any byte up to and including space. */
function isWhite(c: string): boolean {
  return c !== '' && c <= ' ';
}

class Parser {
  private i = 0;
  /** First quoteless string that swallowed a closing bracket: the usual cause of "End of input" errors. */
  private swallowed: number | undefined;
  readonly position: (offset: number) => Pos;

  constructor(
    private readonly src: string,
    private readonly file: string | undefined,
  ) {
    this.position = positionIndex(src);
  }

  private ch(k = 0): string {
    return this.src.charAt(this.i + k);
  }

  private fail(message: string, offset = this.i): never {
    if (this.swallowed !== undefined && this.swallowed < offset) {
      // The usual cause: `{enable: true}` on one line reads `true}` as a string (spec §2.2).
      const w = this.position(this.swallowed);
      message +=
        ` (note: the quoteless value at line ${w.line}, column ${w.column} runs to the end of its line, ` +
        'closing bracket included; quote it or end the line after it)';
      if (message.startsWith('End of input')) offset = this.swallowed;
    }
    const p = this.position(offset);
    const loc: SourceLocation = { line: p.line, column: p.column };
    if (this.file !== undefined) loc.file = this.file;
    throw new PolicyError(message, loc);
  }

  private white(): void {
    for (;;) {
      while (isWhite(this.ch())) this.i++;
      const c = this.ch();
      if (c === '#' || (c === '/' && this.ch(1) === '/')) {
        while (this.i < this.src.length && this.ch() !== '\n') this.i++;
      } else if (c === '/' && this.ch(1) === '*') {
        const end = this.src.indexOf('*/', this.i + 2);
        this.i = end < 0 ? this.src.length : end + 2;
      } else {
        return;
      }
    }
  }

  parseRoot(): HNode {
    this.white();
    const c = this.ch();
    if (c === '{' || c === '[') return this.trailing(this.value(0));
    let first: unknown;
    try {
      return this.trailing(this.object(true, 0));
    } catch (e) {
      first = e;
    }
    // Not a brace-less object: maybe a single bare value (`true`, `5`, `"x"`). A quoteless string would
    // "succeed" on any one-line text, hiding the real syntax error, so only other values are accepted.
    this.i = 0;
    this.swallowed = undefined;
    let value: HNode;
    try {
      value = this.trailing(this.value(0));
    } catch {
      throw first;
    }
    if (value.kind === 'string' && !value.quoted) throw first;
    return value;
  }

  private trailing(node: HNode): HNode {
    this.white();
    if (this.i < this.src.length) this.fail('Syntax error, found trailing characters');
    return node;
  }

  private value(depth: number): HNode {
    if (depth > MAX_DEPTH) this.fail('Nesting too deep');
    this.white();
    switch (this.ch()) {
      case '{':
        return this.object(false, depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
      case "'":
        return this.string(true);
      default:
        return this.quoteless();
    }
  }

  private object(withoutBraces: boolean, depth: number): HNode {
    const pos = this.position(this.i);
    const entries: HEntry[] = [];
    if (!withoutBraces) this.i++;
    this.white();
    if (!withoutBraces && this.ch() === '}') {
      this.i++;
      return { kind: 'object', pos, entries };
    }
    while (this.i < this.src.length) {
      const keyPos = this.position(this.i);
      const key = this.key();
      this.white();
      if (this.ch() !== ':') this.fail(`Expected ':' instead of '${this.ch()}'`);
      this.i++;
      const value = this.value(depth);
      entries.push({ key, keyPos, value });
      this.white();
      if (this.ch() === ',') {
        this.i++;
        this.white();
      }
      if (!withoutBraces && this.ch() === '}') {
        this.i++;
        return { kind: 'object', pos, entries };
      }
      this.white();
    }
    if (withoutBraces) return { kind: 'object', pos, entries };
    return this.fail("End of input while parsing an object (did you forget a closing '}'?)");
  }

  private array(depth: number): HNode {
    const pos = this.position(this.i);
    const items: HNode[] = [];
    this.i++;
    this.white();
    if (this.ch() === ']') {
      this.i++;
      return { kind: 'array', pos, items };
    }
    while (this.i < this.src.length) {
      items.push(this.value(depth));
      this.white();
      if (this.ch() === ',') {
        this.i++;
        this.white();
      }
      if (this.ch() === ']') {
        this.i++;
        return { kind: 'array', pos, items };
      }
      this.white();
    }
    return this.fail("End of input while parsing an array (did you forget a closing ']'?)");
  }

  private key(): string {
    const c = this.ch();
    if (c === '"' || c === "'") {
      const node = this.string(false);
      return node.kind === 'string' ? node.value : '';
    }
    const start = this.i;
    let spaceAt = -1;
    for (;;) {
      const k = this.ch();
      if (k === ':') {
        if (this.i === start) this.fail("Found ':' but no key name (for an empty key name use quotes)");
        const name = this.src.slice(start, spaceAt >= 0 ? spaceAt : this.i);
        if (spaceAt >= 0 && this.src.slice(spaceAt, this.i).trim() !== '') {
          this.fail('Found whitespace in your key name (use quotes to include)', spaceAt);
        }
        return name;
      }
      if (k === '') this.fail('Found EOF while looking for a key name (check your syntax)');
      if (isWhite(k)) {
        if (spaceAt < 0) spaceAt = this.i;
      } else if (isPunctuator(k)) {
        this.fail(`Found '${k}' where a key name was expected (check your syntax or use quotes if the key name includes {}[],: or whitespace)`);
      } else if (spaceAt >= 0) {
        this.fail('Found whitespace in your key name (use quotes to include)', spaceAt);
      }
      this.i++;
    }
  }

  private string(allowMultiline: boolean): HNode {
    const pos = this.position(this.i);
    const quote = this.ch();
    if (allowMultiline && quote === "'" && this.ch(1) === "'" && this.ch(2) === "'") return this.multiline(pos);
    this.i++;
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      const c = this.ch();
      if (c === '') this.fail('Bad string');
      if (c === quote) {
        this.i++;
        return { kind: 'string', pos, value, quoted: true, offsets };
      }
      if (c === '\n' || c === '\r') this.fail('Bad string containing newline');
      const at = this.i;
      if (c === '\\') {
        this.i++;
        const e = this.ch();
        const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = this.src.slice(this.i + 1, this.i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`Bad \\u char ${hex}`);
          value += String.fromCharCode(parseInt(hex, 16));
          offsets.push(at);
          this.i += 5;
          continue;
        }
        if (!Object.prototype.hasOwnProperty.call(simple, e)) this.fail(`Bad escape \\${e}`);
        value += simple[e];
        offsets.push(at);
        this.i++;
        continue;
      }
      value += c;
      offsets.push(at);
      this.i++;
    }
  }

  private multiline(pos: Pos): HNode {
    // Indentation of the opening ''' is stripped from every following line.
    let lineStart = this.i;
    while (lineStart > 0 && this.src[lineStart - 1] !== '\n') lineStart--;
    const indent = this.i - lineStart;
    this.i += 3;
    const skipIndent = (): void => {
      let skip = indent;
      while (skip > 0 && isWhite(this.ch()) && this.ch() !== '\n') {
        skip--;
        this.i++;
      }
    };
    while (isWhite(this.ch()) && this.ch() !== '\n') this.i++;
    if (this.ch() === '\n') {
      this.i++;
      skipIndent();
    }
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      const c = this.ch();
      if (c === '') this.fail('Bad multiline string');
      if (c === "'" && this.ch(1) === "'" && this.ch(2) === "'") {
        this.i += 3;
        if (value.endsWith('\n')) {
          value = value.slice(0, -1);
          offsets.pop();
        }
        return { kind: 'string', pos, value, quoted: true, offsets };
      }
      if (c !== '\r') {
        value += c;
        offsets.push(this.i);
      }
      this.i++;
      if (c === '\n') skipIndent();
    }
  }

  /** true/false/null, a number, or a quoteless string running to the end of the line. */
  private quoteless(): HNode {
    const start = this.i;
    const pos = this.position(start);
    const first = this.ch();
    if (first === '') this.fail('Found EOF while looking for a value');
    if (isPunctuator(first)) {
      this.fail(`Found a punctuator character '${first}' when expecting a quoteless string (check your syntax)`);
    }
    // Only the text before the first stop character can be a keyword or number (neither contains one).
    let candidate = first === 't' || first === 'f' || first === 'n' || first === '-' || (first >= '0' && first <= '9');
    for (this.i++; ; this.i++) {
      const c = this.ch();
      const eol = c === '' || c === '\n' || c === '\r';
      const stop = eol || c === ',' || c === '}' || c === ']' || c === '#' || (c === '/' && (this.ch(1) === '/' || this.ch(1) === '*'));
      if (!stop) continue;
      if (candidate) {
        candidate = false;
        const text = this.src.slice(start, this.i).trim();
        if (text === 'true' || text === 'false') return { kind: 'bool', pos, value: text === 'true' };
        if (text === 'null') return { kind: 'null', pos };
        if (first !== 't' && first !== 'f' && first !== 'n' && NUMBER.test(text)) {
          return { kind: 'number', pos, value: Number(text), text };
        }
      }
      if (eol) {
        let end = this.i;
        while (end > start && /\s/u.test(this.src.charAt(end - 1))) end--;
        if (this.swallowed === undefined && /[}\]]/.test(this.src.slice(start, end))) this.swallowed = start;
        const offsets: number[] = [];
        for (let k = start; k < end; k++) offsets.push(k);
        return { kind: 'string', pos, value: this.src.slice(start, end), quoted: false, offsets };
      }
    }
  }
}

/** Parses HJSON text. Throws PolicyError (with `file` when given) on a syntax error. */
export function parseHjson(text: string, file?: string): HjsonDocument {
  const parser = new Parser(text, file);
  const root = parser.parseRoot();
  return { root, position: parser.position };
}

/** Plain JS value of a node (objects become null-prototype records; later duplicate keys win). */
export function toPlain(node: HNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out = Object.create(null) as Record<string, unknown>;
      for (const e of node.entries) out[e.key] = toPlain(e.value);
      return out;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}
