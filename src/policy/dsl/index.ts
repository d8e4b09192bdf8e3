/**
 * The approval-match DSL (spec §3): parse, serialise, evaluate (with an explanation trace), validate against a
 * maintainers snapshot, lint.
 */
import type { Matcher } from './ast.js';
import { compileSyntax } from './compiler.js';
import { lintSyntax, type LintWarning } from './lint.js';
import { parseSyntax } from './parser.js';

export type { LeafType, Matcher, MatcherType, Span } from './ast.js';
export { lex, type Token, type TokenKind } from './lexer.js';
export type { Syntax } from './syntax.js';
export { MAX_DEPTH, parseSyntax } from './parser.js';
export { compileSyntax } from './compiler.js';
export { serializeMatcher, stripSpans } from './serialize.js';
export { validateMatcher } from './validate.js';
export { lintMatcher, lintSyntax, type LintWarning } from './lint.js';
export { evaluateMatcher, type EvaluationInput, type EvaluationResult, type MatcherAction } from './evaluate.js';
export {
  SYNTHETIC_AUTHOR_INDEX,
  walkTrace,
  type CandidateSource,
  type FeedbackOutcome,
  type FeedbackTrace,
  type LeafTrace,
  type MatcherEvent,
  type Participant,
  type TraceNode,
} from './trace.js';

/**
 * Lexes, parses and compiles a match expression. Throws PolicyError (location.column = 1-based character
 * column inside `text`; callers add the offset of the expression in its file).
 */
export function parseMatcher(text: string): Matcher {
  return compileSyntax(parseSyntax(text));
}

/** parseMatcher plus the lint warnings of the same text, from one parse. */
export function analyzeMatcher(text: string): { matcher: Matcher; warnings: LintWarning[] } {
  const tree = parseSyntax(text);
  return { matcher: compileSyntax(tree), warnings: lintSyntax(tree, text) };
}
