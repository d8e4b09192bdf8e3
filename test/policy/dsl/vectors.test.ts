/** Every dsl-parse vector of the conformance file, through the conformance adapter and directly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { adapter } from '../../../src/conformance/kinds/dsl-parse.js';

interface Vector {
  kind: string;
  input: Record<string, unknown>;
  expect: Record<string, unknown>;
}

const file = new URL('../../../../shared/conformance/checks-out-vectors.json', import.meta.url);
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors.filter((v) => v.kind === 'dsl-parse');

test('the vector file has the 51 dsl-parse vectors', () => {
  assert.equal(vectors.length, 51);
});

const sortMembers = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortMembers);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'members' && Array.isArray(x) ? [...x].sort() : sortMembers(x);
    return out;
  }
  return v;
};

for (const [i, v] of vectors.entries()) {
  test(`dsl-parse vector ${i}: ${JSON.stringify(v.input.expression)}`, async () => {
    const result = await adapter.run(v.input, v.expect);
    const wantsError = ['error', 'parse_error', 'compile_error'].some((f) => f in v.expect);
    if (wantsError) {
      assert.equal(typeof result.error, 'string', `expected a failure, got ${JSON.stringify(result)}`);
      return;
    }
    assert.equal(result.error, undefined);
    assert.deepEqual(sortMembers(result.ast), sortMembers(v.expect.ast));
    assert.equal(result.serialized, v.expect.serialized);
  });
}
