/**
 * Parser of the approval-match DSL (spec §3.2). It keeps the original's precedence-free, right-nested reading
 * (`a and b or c` = `a and (b or c)`, `not a and b` = `not (a and b)`) and its error wording, but rejects the
 * malformed inputs the original silently accepted or crashed on (conformance README §6): missing operands,
 * a name after a parenthesised group, `a {b}`, unterminated groups and calls, empty parameters.
 */
import { PolicyError } from '../errors.js';
import type { Span } from './ast.js';
import { lex, type Token } from './lexer.js';
import type { Attribute, Attributes, Syntax } from './syntax.js';

/** Deeper nesting is refused so that hostile input cannot exhaust the stack of any recursive pass. */
export const MAX_DEPTH = 500;

export function parseSyntax(text: string): Syntax {
  return new Parser(lex(text)).parseTop();
}

function fail(message: string, column: number): never {
  throw new PolicyError(message, { column });
}

/** The original's message for a token that cannot appear where it is. */
function unexpected(t: Token): never {
  if (t.kind === 'name') fail(`invalid noun ${t.text} at position ${t.pos}`, t.col);
  fail(`invalid '${t.text}' at position ${t.pos}`, t.col);
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  parseTop(): Syntax {
    if (this.tokens.length === 0) fail('empty expression', 1);
    const node = this.parseExpr(0);
    const t = this.peek();
    if (t !== undefined) {
      if (t.kind === 'rparen') fail('premature end of tokens', t.col);
      unexpected(t);
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token | undefined {
    const t = this.tokens[this.i];
    if (t !== undefined) this.i += 1;
    return t;
  }

  private last(): Token {
    return this.tokens[this.i - 1];
  }

  private spanFrom(start: Token | Span): Span {
    const s = 'col' in start ? start.col : start.start;
    return { start: s, end: this.last().endCol };
  }

  /** `not` expr | operand [(`and`|`or`) expr] — the right operand is everything that follows. */
  private parseExpr(depth: number): Syntax {
    const first = this.peek();
    if (depth > MAX_DEPTH) fail('expression is nested too deeply', first?.col ?? this.last().endCol);
    if (first?.kind === 'not') {
      this.next();
      const child = this.parseExpr(depth + 1);
      return { kind: 'not', opToken: first, child, span: this.spanFrom(first) };
    }
    const left = this.parseOperand(depth);
    const op = this.peek();
    if (op?.kind === 'and' || op?.kind === 'or') {
      this.next();
      const right = this.parseExpr(depth + 1);
      return { kind: 'binary', op: op.kind, opToken: op, left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }

  private parseOperand(depth: number): Syntax {
    const t = this.next();
    if (t === undefined) {
      const prev = this.last();
      fail(`missing operand after '${prev.text}' at position ${prev.pos}`, prev.endCol);
    }
    switch (t.kind) {
      case 'name':
        if (this.peek()?.kind === 'lparen') return this.parseCall(t, depth);
        return { kind: 'noun', name: t, attrs: this.parseAttributes(), span: this.spanFrom(t) };
      case 'lbrace':
        return this.parseAnonymous(t);
      case 'lparen': {
        const inner = this.parseExpr(depth + 1);
        this.expectClose(t);
        return { kind: 'group', inner, span: this.spanFrom(t) };
      }
      default:
        return unexpected(t);
    }
  }

  private expectClose(open: Token): void {
    const t = this.next();
    if (t === undefined) fail(`missing ')' to close '(' found at position ${open.pos}`, open.col);
    if (t.kind !== 'rparen') unexpected(t);
  }

  /**
   * name `(` expr (`,` expr)* `)` — every argument is required (`f(1,,a)` and `f(a,b,)` are errors), except
   * that `atleast(N,)` is accepted because it is the canonical text of an `atleast` without choices (§3.4).
   */
  private parseCall(name: Token, depth: number): Syntax {
    const open = this.next() as Token;
    const args: Syntax[] = [];
    for (;;) {
      args.push(this.parseExpr(depth + 1));
      const t = this.next();
      if (t === undefined) fail(`missing ')' to close '(' found at position ${open.pos}`, open.col);
      if (t.kind === 'rparen') break;
      if (t.kind !== 'comma') unexpected(t);
      if (name.text === 'atleast' && args.length === 1 && this.peek()?.kind === 'rparen') {
        this.next();
        break;
      }
    }
    return { kind: 'call', name, args, span: this.spanFrom(name) };
  }

  /** `[` key `=` value (`,` key `=` value)* `]`, optional. */
  private parseAttributes(): Attributes | undefined {
    const open = this.peek();
    if (open?.kind !== 'lbracket') return undefined;
    this.next();
    const entries: Attribute[] = [];
    const expect = (kind: 'name' | 'eq'): Token => {
      const t = this.next();
      if (t === undefined) {
        if (entries.length === 0 && this.last() === open) {
          fail(`missing ']' to close '[' found at position ${open.pos}`, open.col);
        }
        fail(`missing ']' at position ${this.last().pos}`, this.last().col);
      }
      if (t.kind !== kind) unexpected(t);
      return t;
    };
    for (;;) {
      const key = expect('name');
      expect('eq');
      const value = expect('name');
      entries.push({ key, value });
      const t = this.next();
      if (t === undefined) fail(`missing ']' at position ${this.last().pos}`, this.last().col);
      if (t.kind === 'rbracket') return { open, entries };
      if (t.kind !== 'comma') unexpected(t);
    }
  }

  /** `{` [name (`,` name)*] `}` [attributes]. */
  private parseAnonymous(open: Token): Syntax {
    const members: Token[] = [];
    const take = (): Token => {
      const t = this.next();
      if (t === undefined) fail(`missing '}' to close '{' found at position ${open.pos}`, open.col);
      return t;
    };
    let t = take();
    if (t.kind !== 'rbrace') {
      for (;;) {
        if (t.kind !== 'name') unexpected(t);
        members.push(t);
        t = take();
        if (t.kind === 'rbrace') break;
        if (t.kind === 'name') fail(`missing ',' at position ${t.pos}`, t.col);
        if (t.kind !== 'comma') fail(`missing '}' at position ${t.pos}`, t.col);
        t = take();
      }
    }
    const attrs = this.parseAttributes();
    return { kind: 'anonymous', members, attrs, span: this.spanFrom(open) };
  }
}
