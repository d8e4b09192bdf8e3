/**
 * Compilation of the parse tree into a `Matcher` (spec §3.3), with the original error messages. Every error
 * is a PolicyError whose `location.column` is the 1-based character column inside the expression.
 */
import { PolicyError, PolicyErrors } from '../errors.js';
import type { LeafType, Matcher, Span } from './ast.js';
import type { Token } from './lexer.js';
import type { Attributes, Syntax } from './syntax.js';

const KEYWORD_LEAVES: ReadonlySet<string> = new Set<LeafType>(['all', 'universe', 'us', 'them']);
const CONSTANTS: ReadonlySet<string> = new Set(['true', 'false', 'off']);

/** Go's strconv.Atoi: optional sign, decimal digits (kept within exact JavaScript integers). */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

const GO_TRUE: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  return undefined;
}

function fail(message: string, at: Token | Span): never {
  throw new PolicyError(message, { column: 'col' in at ? at.col : at.start });
}

/** Duplicate attribute names: the last one wins (the original collected them in a map). */
function attributeMap(attrs: Attributes | undefined): Map<string, Token> {
  const map = new Map<string, Token>();
  for (const { key, value } of attrs?.entries ?? []) {
    map.delete(key.text);
    map.set(key.text, value);
  }
  return map;
}

/** `count` and `self` of a leaf; the `&{…}` dump mirrors the original's partially built matcher. */
function leafAttributes(attrs: Attributes | undefined): { count: number; self: boolean } {
  let count = 1;
  let self = true;
  const dump = (): string => `&{Approvals:${count} Self:${self}}`;
  for (const [key, value] of attributeMap(attrs)) {
    if (key === 'count') {
      const n = parseGoInt(value.text);
      if (n === undefined) fail(`Expected number, found ${value.text} for count attribute on ${dump()}`, value);
      count = n;
    } else if (key === 'self') {
      const b = parseGoBool(value.text);
      if (b === undefined) fail(`Expected true or false, found ${value.text} for self attribute on ${dump()}`, value);
      self = b;
    } else {
      const keyToken = attrs?.entries.find((e) => e.key.text === key)?.key ?? value;
      fail(`Unexpected attributes found on ${dump()}`, keyToken);
    }
  }
  return { count, self };
}

export function compileSyntax(node: Syntax): Matcher {
  const span = node.span;
  switch (node.kind) {
    case 'noun':
      return compileNoun(node.name, node.attrs, span);
    case 'anonymous': {
      const members = [...new Set(node.members.map((m) => m.text.toLowerCase()))].sort();
      return { type: 'anonymous', members, ...leafAttributes(node.attrs), span };
    }
    case 'group':
      return compileSyntax(node.inner);
    case 'binary':
      return { type: node.op, children: [compileSyntax(node.left), compileSyntax(node.right)], span };
    case 'not':
      return { type: 'not', child: compileSyntax(node.child), span };
    case 'call':
      return compileCall(node.name, node.args, span);
  }
}

function compileNoun(name: Token, attrs: Attributes | undefined, span: Span): Matcher {
  const word = name.text;
  if (KEYWORD_LEAVES.has(word)) return { type: word as LeafType, ...leafAttributes(attrs), span };
  if (CONSTANTS.has(word)) {
    if (attrs !== undefined) fail(`Attributes are not allowed for ${word}`, attrs.open);
    return { type: word as 'true' | 'false' | 'off', span };
  }
  if (word === 'issue-author') return { type: 'issue-author', span };
  return { type: 'entity', name: word.toLowerCase(), ...leafAttributes(attrs), span };
}

/** Go's `%v` of a map: `map[k:v k2:v2]`, keys sorted. */
function goMapDump(attrs: Attributes | undefined): string {
  const entries = [...attributeMap(attrs)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, v]) => `${k}:${v.text}`).join(' ')}]`;
}

function compileCall(name: Token, args: Syntax[], span: Span): Matcher {
  if (name.text === 'atleast') {
    const [first, ...rest] = args;
    let count: number | undefined;
    if (first.kind === 'noun') {
      count = parseGoInt(first.name.text);
      if (count === undefined) {
        fail(`atleast() function first argument expected number, observed ${first.name.text} ${goMapDump(first.attrs)}`, first.span);
      }
    } else {
      fail('atleast() function first argument expected number', first.span);
    }
    // The choices compile independently and their errors are reported together.
    const children: Matcher[] = [];
    const errors: PolicyError[] = [];
    for (const arg of rest) {
      try {
        children.push(compileSyntax(arg));
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        errors.push(...PolicyErrors.flatten(e));
      }
    }
    const err = PolicyErrors.of(errors);
    if (err !== undefined) throw err;
    return { type: 'atleast', count, children, span };
  }
  if (name.text === 'author') {
    if (args.length !== 1) fail('author() function must have one argument', name);
    return { type: 'author', child: compileSyntax(args[0]), span };
  }
  return fail(`Unknown function '${name.text}'`, name);
}
