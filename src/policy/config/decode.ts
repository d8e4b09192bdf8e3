/**
 * Go `encoding/json`-like decoding of a located HJSON tree into pre-filled defaults (spec §2.2): keys match
 * fields case-insensitively, unknown keys are ignored (with a warning), a present nested object only overwrites
 * the sub-fields it mentions, `null` leaves a non-nullable field unchanged, and a wrong JSON type yields Go's
 * `json: cannot unmarshal <type> into Go struct field <Struct>.<path> of type <type>` message.
 *
 * Unlike Go, which stops at the first failure of a custom decoder, every error is collected with the position
 * of the offending value, so that one pass over the file reports everything.
 */
import { PolicyError, PolicyErrors, type SourceLocation } from '../errors.js';
import type { HEntry, HNode, Pos } from './hjson-parse.js';
import type { ConfigWarning } from './types.js';

/** Where a field sits, for Go-style type errors: the innermost struct and the JSON path from the root. */
export interface FieldCtx {
  struct: string;
  path: string;
  goType: string;
  /** Prefix under which key positions are remembered (default `path`); policies use `approvals.<i>`. */
  mark?: string;
}

export const MAX_WARNINGS = 100;

export type FieldHandler = (value: HNode, entry: HEntry) => void;

export class Decoder {
  readonly errors: PolicyError[] = [];
  readonly warnings: ConfigWarning[] = [];
  /** Position of every decoded key, by dotted lower-case path (`merge.enable`, `approvals.0.scope.paths`). */
  readonly keys = new Map<string, Pos>();

  constructor(
    readonly file: string,
    private readonly position: (offset: number) => Pos,
  ) {}

  loc(pos: Pos): SourceLocation {
    return { file: this.file, line: pos.line, column: pos.column };
  }

  /** Location of the character at `index` inside a string node's value (falls back to the node). */
  locInString(node: HNode, index: number): SourceLocation {
    if (node.kind !== 'string' || node.offsets.length === 0) return this.loc(node.pos);
    const last = node.offsets.length - 1;
    if (index <= last) return this.loc(this.position(node.offsets[Math.max(0, index)]));
    const p = this.position(node.offsets[last]);
    return { file: this.file, line: p.line, column: p.column + 1 };
  }

  error(message: string, pos: Pos): void {
    this.errors.push(new PolicyError(message, this.loc(pos)));
  }

  /** Records an engine error, located at `pos` unless it already knows better (a line of its own). */
  rethrown(err: PolicyError, pos: Pos): void {
    for (const e of PolicyErrors.flatten(err)) {
      const where = e.location.line !== undefined ? { ...e.location, file: this.file } : this.loc(pos);
      this.errors.push(new PolicyError(e.message, where));
    }
  }

  /** Records a warning; a hostile file cannot produce an unbounded list. */
  warn(message: string, pos: Pos): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ message, location: this.loc(pos) });
    else if (this.warnings.length === MAX_WARNINGS) this.warnings.push({ message: 'further warnings omitted', location: this.loc(pos) });
  }

  typeError(node: HNode, ctx: FieldCtx): void {
    this.error(`json: cannot unmarshal ${node.kind} into Go struct field ${ctx.struct}.${ctx.path} of type ${ctx.goType}`, node.pos);
  }

  /** The message Go's `json.Unmarshal(data, &s)` gives inside a custom decoder expecting a string. */
  stringValueError(node: HNode): void {
    this.error(`json: cannot unmarshal ${node.kind} into Go value of type string`, node.pos);
  }

  /**
   * Walks an object's entries, dispatching each to the handler whose name equals the key ignoring case.
   * Returns false (after recording a type error) when `node` is neither an object nor null.
   */
  struct(node: HNode, ctx: FieldCtx, handlers: Record<string, FieldHandler>): boolean {
    if (node.kind === 'null') return false;
    if (node.kind !== 'object') {
      this.typeError(node, ctx);
      return false;
    }
    const known = Object.keys(handlers);
    const seen = new Map<string, HEntry>();
    for (const entry of node.entries) {
      const lower = entry.key.toLowerCase();
      if (!Object.prototype.hasOwnProperty.call(handlers, lower)) {
        this.warnUnknown(entry, known, ctx.path);
        continue;
      }
      const before = seen.get(lower);
      if (before !== undefined) {
        this.warn(`key '${entry.key}' repeats '${before.key}' (line ${before.keyPos.line}); the last one is used`, entry.keyPos);
      }
      seen.set(lower, entry);
      const prefix = ctx.mark ?? ctx.path;
      this.keys.set(prefix === '' ? lower : `${prefix}.${lower}`, entry.keyPos);
      handlers[lower](entry.value, entry);
    }
    return true;
  }

  private warnUnknown(entry: HEntry, known: string[], path: string): void {
    const where = path === '' ? '' : ` in '${path}'`;
    const lower = entry.key.toLowerCase();
    const close = known.find((k) => editDistance(k, lower) <= Math.min(2, Math.floor(k.length / 3)));
    const hint = close !== undefined ? ` (did you mean '${close}'?)` : '';
    this.warn(`unknown key '${entry.key}'${where} is ignored${hint}`, entry.keyPos);
  }

  bool(node: HNode, ctx: FieldCtx): boolean | undefined {
    if (node.kind === 'bool') return node.value;
    if (node.kind !== 'null') this.typeError(node, { ...ctx, goType: 'bool' });
    return undefined;
  }

  string(node: HNode, ctx: FieldCtx): string | undefined {
    if (node.kind === 'string') return node.value;
    if (node.kind !== 'null') this.typeError(node, { ...ctx, goType: 'string' });
    return undefined;
  }

  /** A `[]string`: null → null; a wrong element type is reported and the element skipped. */
  stringList(node: HNode, ctx: FieldCtx): string[] | null | undefined {
    if (node.kind === 'null') return null;
    if (node.kind !== 'array') {
      this.typeError(node, { ...ctx, goType: '[]string' });
      return undefined;
    }
    const out: string[] = [];
    for (const item of node.items) {
      if (item.kind === 'string') out.push(item.value);
      else this.typeError(item, { ...ctx, goType: 'string' });
    }
    return out;
  }

  /** A list whose elements go through a custom string decoder (regexes, enums, globs). */
  customList<T>(node: HNode, ctx: FieldCtx, element: (item: HNode & { kind: 'string' }) => T | undefined): T[] | null | undefined {
    if (node.kind === 'null') return null;
    if (node.kind !== 'array') {
      this.typeError(node, ctx);
      return undefined;
    }
    const out: T[] = [];
    for (const item of node.items) {
      if (item.kind !== 'string') {
        this.stringValueError(item);
        continue;
      }
      const v = element(item);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** A case-sensitive enum decoded from a string (`Unknown <Enum> enum value: <v>`). */
  enumValue<T extends string>(node: HNode, allowed: readonly T[], enumName: string): T | undefined {
    if (node.kind === 'null') return undefined;
    if (node.kind !== 'string') {
      this.stringValueError(node);
      return undefined;
    }
    if ((allowed as readonly string[]).includes(node.value)) return node.value as T;
    this.error(`Unknown ${enumName} enum value: ${node.value}`, node.pos);
    return undefined;
  }

  /** Runs an engine compiler on a string value, recording its PolicyError at the value. */
  compile<T>(node: HNode & { kind: 'string' }, fn: (text: string) => T): T | undefined {
    try {
      return fn(node.value);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      this.rethrown(e, node.pos);
      return undefined;
    }
  }
}

/** Levenshtein distance, for "did you mean" hints on short keys only. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 40 || b.length > 40) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
