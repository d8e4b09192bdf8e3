/**
 * The parse tree of a match expression, before compilation. Unlike the compiled `Matcher` it remembers
 * parenthesised groups and the tokens everything came from, which lint warnings and error columns need.
 */
import type { Span } from './ast.js';
import type { Token } from './lexer.js';

export interface Attribute {
  key: Token;
  value: Token;
}

export interface Attributes {
  open: Token;
  entries: Attribute[];
}

export type Syntax =
  | { kind: 'noun'; name: Token; attrs?: Attributes; span: Span }
  | { kind: 'anonymous'; members: Token[]; attrs?: Attributes; span: Span }
  | { kind: 'call'; name: Token; args: Syntax[]; span: Span }
  | { kind: 'group'; inner: Syntax; span: Span }
  | { kind: 'binary'; op: 'and' | 'or'; opToken: Token; left: Syntax; right: Syntax; span: Span }
  | { kind: 'not'; opToken: Token; child: Syntax; span: Span };
