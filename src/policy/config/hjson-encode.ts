/**
 * The project's HJSON encoder (spec §2.7), as used to convert a legacy `.lgtm` into a `.checks-out` file:
 * two-space indent, `\n` line ends, root braces, every object/array value opening on its own line, fields in
 * struct order, omitempty fields skipped when empty and — with "omit empty structs" — a struct whose fields
 * are all zero counts as empty. Values with their own JSON form (regexes, matchers, enums, string sets) are
 * written as compact JSON; plain strings are quoteless unless that would change how they read back.
 *
 * The input is an explicit description of the Go value (`EncValue`), so struct order and omitempty are data.
 */

export type EncValue =
  | { kind: 'struct'; fields: EncField[] }
  /** A value with its own JSON marshaller: written as `json`; `zero` says whether the Go value is the zero value. */
  | { kind: 'raw'; json: string; zero: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; value: number }
  /** A plain slice (elements written one per line). */
  | { kind: 'list'; items: EncValue[] }
  | { kind: 'null' };

export interface EncField {
  key: string;
  value: EncValue;
  omitempty?: boolean;
}

export interface EncodeOptions {
  omitEmptyStructs?: boolean;
}

/** Go's notion of an empty value for `omitempty` (extended to structs by `omitEmptyStructs`). */
function isEmpty(v: EncValue, omitEmptyStructs: boolean): boolean {
  switch (v.kind) {
    case 'null':
      return true;
    case 'string':
      return v.value === '';
    case 'bool':
      return !v.value;
    case 'number':
      return v.value === 0;
    case 'list':
      return v.items.length === 0;
    case 'raw':
      return v.zero;
    case 'struct':
      return omitEmptyStructs && v.fields.every((f) => isEmpty(f.value, true));
  }
}

const KEYWORD_LIKE = /^(?:true|false|null)\s*(?:(?:,|\]|\}|#|\/\/|\/\*).*)?$/s;
const NUMBER_LIKE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\s*(?:(?:,|\]|\}|#|\/\/|\/\*).*)?$/s;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether a plain string must be written quoted to read back as the same string. */
export function needsQuotes(s: string): boolean {
  if (s === '') return true;
  const first = s.charAt(0);
  if (/\s/u.test(first) || /\s/u.test(s.charAt(s.length - 1))) return true;
  if ('"\'#{}[]:,'.includes(first) || s.startsWith('//') || s.startsWith('/*')) return true;
  if (CONTROL.test(s)) return true;
  return KEYWORD_LIKE.test(s) || NUMBER_LIKE.test(s);
}

function encodeKey(key: string): string {
  return key !== '' && !/[\s{}[\],:"'#]|\/\/|\/\*/u.test(key) ? key : JSON.stringify(key);
}

class Writer {
  readonly out: string[] = [];

  constructor(private readonly omitEmptyStructs: boolean) {}

  private pad(level: number): string {
    return '  '.repeat(level);
  }

  /** Whether `v` is written on lines of its own after `key:`. */
  private isBlock(v: EncValue): boolean {
    return v.kind === 'struct' || (v.kind === 'list' && v.items.length > 0);
  }

  scalar(v: EncValue): string {
    switch (v.kind) {
      case 'null':
        return 'null';
      case 'raw':
        return v.json;
      case 'bool':
        return String(v.value);
      case 'number':
        return Number.isFinite(v.value) ? String(v.value) : 'null';
      case 'string':
        return needsQuotes(v.value) ? JSON.stringify(v.value) : v.value;
      case 'list':
        return '[]';
      case 'struct':
        return '{}';
    }
  }

  /** Writes a block value (struct or non-empty list) starting on a new line at `level`. */
  block(v: EncValue, level: number): void {
    if (v.kind === 'struct') {
      this.out.push(`${this.pad(level)}{`);
      for (const f of v.fields) {
        if (f.omitempty === true && isEmpty(f.value, this.omitEmptyStructs)) continue;
        this.field(f.key, f.value, level + 1);
      }
      this.out.push(`${this.pad(level)}}`);
      return;
    }
    if (v.kind === 'list') {
      this.out.push(`${this.pad(level)}[`);
      for (const item of v.items) {
        if (this.isBlock(item)) this.block(item, level + 1);
        else this.out.push(`${this.pad(level + 1)}${this.scalar(item)}`);
      }
      this.out.push(`${this.pad(level)}]`);
      return;
    }
    this.out.push(`${this.pad(level)}${this.scalar(v)}`);
  }

  field(key: string, v: EncValue, level: number): void {
    if (this.isBlock(v)) {
      this.out.push(`${this.pad(level)}${encodeKey(key)}:`);
      this.block(v, level);
    } else {
      this.out.push(`${this.pad(level)}${encodeKey(key)}: ${this.scalar(v)}`);
    }
  }
}

/** Encodes a value as HJSON text (no trailing newline). */
export function encodeHjson(value: EncValue, options: EncodeOptions = {}): string {
  const w = new Writer(options.omitEmptyStructs === true);
  w.block(value, 0);
  return w.out.join('\n');
}
