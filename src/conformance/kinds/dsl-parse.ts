/**
 * Conformance kind `dsl-parse` (README §4.1): lex, parse and compile an expression, then serialise it
 * canonically. Whether it fails is compared, not the message. Anonymous `members` are set-valued at any
 * depth; the compiler also returns them sorted, so the comparison holds either way.
 */
import { isPolicyError } from '../../policy/errors.js';
import { parseMatcher, serializeMatcher, stripSpans } from '../../policy/dsl/index.js';
import { SkipVector, type KindAdapter } from '../kind.js';

const ERROR_FIELDS = ['error', 'parse_error', 'compile_error'] as const;

export const adapter: KindAdapter = {
  normative: ['ast', 'serialized'],
  errorFields: ERROR_FIELDS,
  messageNotCompared: ERROR_FIELDS,
  setValued: ['ast.**.members'],
  run(input) {
    const expression = input.expression;
    if (typeof expression !== 'string') throw new SkipVector('input.expression is not a string');
    try {
      const matcher = parseMatcher(expression);
      return { ast: stripSpans(matcher), serialized: serializeMatcher(matcher) };
    } catch (err) {
      if (!isPolicyError(err)) throw err;
      return { error: err.message };
    }
  },
};
