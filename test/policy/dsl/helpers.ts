/** Shared helpers of the DSL tests. */
import assert from 'node:assert/strict';
import { PolicyError } from '../../../src/policy/errors.js';
import { parseMatcher, stripSpans, type Matcher } from '../../../src/policy/dsl/index.js';

/** Parses and drops spans, for structural comparisons. */
export function ast(text: string): Matcher {
  return stripSpans(parseMatcher(text));
}

/** Asserts that parsing fails with a PolicyError carrying `message` (substring) and `column`. */
export function parseFails(text: string, message: string, column?: number): PolicyError {
  let caught: unknown;
  try {
    parseMatcher(text);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PolicyError, `expected a PolicyError for ${JSON.stringify(text)}, got ${String(caught)}`);
  assert.ok(caught.message.includes(message), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(message)}`);
  if (column !== undefined) assert.equal(caught.location.column, column, `column for ${JSON.stringify(text)}`);
  return caught;
}

export const e = (name: string, count = 1, self = true): Matcher => ({ type: 'entity', name, count, self });
