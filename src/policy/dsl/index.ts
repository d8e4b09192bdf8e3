/**
 * The approval-match DSL (spec §3): parse, serialise, evaluate (with an explanation trace), validate against a
 * maintainers snapshot, lint.
 */
import type { Matcher } from './ast.js';
import { compileSyntax } from './compiler.js';
import { parseSyntax } from './parser.js';

export type { LeafType, Matcher, MatcherType, Span } from './ast.js';
export { lex, type Token, type TokenKind } from './lexer.js';
export { MAX_DEPTH } from './parser.js';
export { serializeMatcher, stripSpans } from './serialize.js';

/**
 * Lexes, parses and compiles a match expression. Throws PolicyError (location.column = 1-based character
 * column inside `text`; callers add the offset of the expression in its file).
 */
export function parseMatcher(text: string): Matcher {
  return compileSyntax(parseSyntax(text));
}
