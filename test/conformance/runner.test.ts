import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError } from '../../src/policy/errors.js';
import { SkipVector, type KindAdapter } from '../../src/conformance/kind.js';
import { exitCode, formatHuman, formatJson, parseVectorFile, runVectors, VectorFileError, type RunSummary } from '../../src/conformance/runner.js';
import type { AdapterLoad } from '../../src/conformance/kinds/index.js';

/** A fake engine: returns `input.result`, or fails the way `input.fail` says. */
const echo: KindAdapter = {
  normative: ['value', 'items', 'tree', 'obj'],
  setValued: ['items', 'tree.**.members'],
  run(input) {
    switch (input.fail) {
      case 'policy':
        throw new PolicyError(String(input.message));
      case 'type':
        throw new TypeError('x is undefined');
      case 'skip':
        throw new SkipVector('behaviour not recognised');
      case 'result':
        return { error: new PolicyError(String(input.message)) };
      default:
        return input.result as Record<string, unknown>;
    }
  },
};

const staged: KindAdapter = {
  normative: ['people'],
  errorFields: ['parse_error', 'snapshot_error', 'validate_error'],
  run: (input) => input.result as Record<string, unknown>,
};

const anyStage: KindAdapter = {
  normative: ['ast'],
  errorFields: ['error', 'parse_error', 'compile_error'],
  messageNotCompared: ['error', 'parse_error', 'compile_error'],
  run: (input) => input.result as Record<string, unknown>,
};

// Real kind names (the runner only knows the 17 of the README); the fakes stand in for their adapters.
const fakes: Record<string, KindAdapter> = { glob: echo, 'maintainers-snapshot': staged, 'dsl-parse': anyStage };
async function fakeLoad(kind: string): Promise<AdapterLoad> {
  const adapter = fakes[kind];
  return adapter ? { status: 'ok', adapter } : { status: 'unavailable', reason: 'adapter not implemented' };
}

async function one(kind: string, input: unknown, expect: unknown) {
  const summary = await runVectors({ vectors: [{ kind, source: 's', input, expect }] }, { loadAdapter: fakeLoad });
  return summary.results[0];
}

test('exact values pass and a differing string fails naming the field', async () => {
  assert.equal((await one('glob', { result: { value: 'a\tb', obj: { n: 1, b: true } } }, { value: 'a\tb', obj: { b: true, n: 1.0 } })).outcome, 'passed');
  const r = await one('glob', { result: { value: 'A' } }, { value: 'a' });
  assert.equal(r.outcome, 'failed');
  assert.match(r.reason ?? '', /^value: expected "a", got "A"/);
});

test('null is a value distinct from "", [] and a missing key', async () => {
  assert.equal((await one('glob', { result: { obj: { env: null } } }, { obj: { env: null } })).outcome, 'passed');
  for (const got of [{ env: '' }, { env: [] }, {}]) {
    assert.equal((await one('glob', { result: { obj: got } }, { obj: { env: null } })).outcome, 'failed', JSON.stringify(got));
  }
  // A key holding undefined is absent, as in JSON.
  assert.equal((await one('glob', { result: { obj: {} } }, { obj: {} })).outcome, 'passed');
});

test('objects need the same key set; extra top-level result keys are ignored', async () => {
  assert.equal((await one('glob', { result: { obj: { a: 1, b: 2 } } }, { obj: { a: 1 } })).outcome, 'failed');
  assert.equal((await one('glob', { result: { obj: { a: 1 }, other: 5 } }, { obj: { a: 1 } })).outcome, 'passed');
  assert.match((await one('glob', { result: { obj: {} } }, { obj: { a: 1 } })).reason ?? '', /obj: missing key\(s\) "a"/);
});

test('ordered arrays compare in order; set-valued ones after sorting, duplicates significant', async () => {
  assert.equal((await one('glob', { result: { value: ['b', 'a'] } }, { value: ['a', 'b'] })).outcome, 'failed');
  assert.equal((await one('glob', { result: { items: ['b', 'a', 'B'] } }, { items: ['B', 'a', 'b'] })).outcome, 'passed');
  assert.equal((await one('glob', { result: { items: ['a', 'a'] } }, { items: ['a'] })).outcome, 'failed');
  assert.equal((await one('glob', { result: { items: ['a', 'b', 'b'] } }, { items: ['a', 'a', 'b'] })).outcome, 'failed');
});

test('"**" in a set-valued path reaches arrays at any depth, and Map/Set results are rendered', async () => {
  const tree = { type: 'and', children: [{ members: ['y', 'x'] }, { not: { members: ['b', 'a'] } }] };
  const expected = { type: 'and', children: [{ members: ['x', 'y'] }, { not: { members: ['a', 'b'] } }] };
  assert.equal((await one('glob', { result: { tree } }, { tree: expected })).outcome, 'passed');
  // children itself is ordered
  const swapped = { type: 'and', children: [expected.children[1], expected.children[0]] };
  assert.equal((await one('glob', { result: { tree } }, { tree: swapped })).outcome, 'failed');
  const summary = await runVectors({ vectors: [{ kind: 'glob', expect: { obj: { g: ['a'] } } }] }, {
    loadAdapter: async () => ({ status: 'ok', adapter: { normative: ['obj'], run: () => ({ obj: new Map([['g', new Set(['a'])]]) }) } }),
  });
  assert.equal(summary.passed, 1);
});

test('error string is a substring; true defers to error_prefix and error_contains', async () => {
  const fail = (message: string) => ({ fail: 'policy', message });
  assert.equal((await one('glob', fail('bad glob: x'), { error: 'glob: x' })).outcome, 'passed');
  assert.equal((await one('glob', fail('bad glob: x'), { error: 'glob: y' })).outcome, 'failed');
  assert.equal((await one('glob', fail('Illegal tag x: y'), { error: true, error_prefix: 'Illegal tag' })).outcome, 'passed');
  assert.equal((await one('glob', fail('ctx: Illegal tag'), { error: true, error_prefix: 'Illegal tag' })).outcome, 'failed');
  assert.equal((await one('glob', fail('b then a'), { error: true, error_contains: ['a', 'b'] })).outcome, 'passed');
  assert.equal((await one('glob', fail('b only'), { error: true, error_contains: ['a', 'b'] })).outcome, 'failed');
  assert.equal((await one('glob', { fail: 'result', message: 'returned' }, { error: 'return' })).outcome, 'passed');
});

test('expected error that succeeds, and unexpected error, both fail', async () => {
  const r1 = await one('glob', { result: { value: 1 } }, { error: true });
  assert.equal(r1.outcome, 'failed');
  assert.match(r1.reason ?? '', /succeeded/);
  const r2 = await one('glob', { fail: 'policy', message: 'boom\nline two' }, { value: 1 });
  assert.equal(r2.outcome, 'failed');
  assert.match(r2.reason ?? '', /unexpected error: "boom\\nline two"/);
  assert.ok(!(r2.reason ?? '').includes('\n'), 'reasons are one line');
});

test('a non-PolicyError exception is a crash even when an error is expected', async () => {
  const r = await one('glob', { fail: 'type' }, { error: true });
  assert.equal(r.outcome, 'failed');
  assert.match(r.reason ?? '', /^crash: TypeError: x is undefined/);
});

test('skips: unknown kind, no normative field, SkipVector; never counted as passed', async () => {
  assert.deepEqual(await one('no-such-kind', {}, { value: 1 }), { index: 0, kind: 'no-such-kind', source: 's', outcome: 'skipped', reason: 'unknown kind "no-such-kind"' });
  assert.equal((await one('glob', { result: {} }, { regex: 'informative only' })).outcome, 'skipped');
  assert.equal((await one('glob', { fail: 'skip' }, { value: 1 })).reason, 'behaviour not recognised');
  assert.equal((await one(42 as unknown as string, {}, {})).outcome, 'skipped');
});

test('a kind without an adapter fails its vectors: not implemented is never a skip', async () => {
  const r = await one('regex', {}, { matches: true });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'adapter not implemented');
});

test('malformed vectors fail instead of crashing the runner', async () => {
  const summary = await runVectors({ vectors: [null, 'x', { kind: 'glob' }, { kind: 'glob', expect: { value: 1 }, input: [] }] }, { loadAdapter: fakeLoad });
  assert.equal(summary.failed, 4);
  assert.match(summary.results[1].reason ?? '', /not a JSON object/);
  assert.match(summary.results[2].reason ?? '', /"expect" is not an object/);
});

test('staged errors: validate_error compared only when present, null means the stage succeeds', async () => {
  const ok = { people: {} };
  assert.equal((await one('maintainers-snapshot', { result: { ...ok, validate_error: 'x' } }, ok)).outcome, 'passed');
  assert.equal((await one('maintainers-snapshot', { result: ok }, { ...ok, validate_error: null })).outcome, 'passed');
  assert.equal((await one('maintainers-snapshot', { result: { ...ok, validate_error: 'bad' } }, { ...ok, validate_error: null })).outcome, 'failed');
  assert.equal((await one('maintainers-snapshot', { result: { ...ok, validate_error: 'foo must be' } }, { ...ok, validate_error: 'must be' })).outcome, 'passed');
  // parse_error absent from expect means parsing must succeed
  assert.equal((await one('maintainers-snapshot', { result: { ...ok, parse_error: 'oops' } }, ok)).outcome, 'failed');
  assert.equal((await one('maintainers-snapshot', { result: { snapshot_error: 'no org' } }, { snapshot_error: 'no org' })).outcome, 'passed');
});

test('message-not-compared error fields form one group (dsl-parse)', async () => {
  assert.equal((await one('dsl-parse', { result: { error: 'anything' } }, { compile_error: 'original text' })).outcome, 'passed');
  assert.equal((await one('dsl-parse', { result: { ast: {} } }, { parse_error: 'x' })).outcome, 'failed');
  assert.equal((await one('dsl-parse', { result: { parse_error: 'x' } }, { ast: { type: 'true' } })).outcome, 'failed');
  assert.equal((await one('dsl-parse', { result: { ast: { type: 'true' } } }, { ast: { type: 'true' } })).outcome, 'passed');
});

test('custom field comparison replaces the generic rules for that field', async () => {
  const adapter: KindAdapter = {
    normative: ['posts'],
    compare: { posts: (e, a) => (String(a).endsWith(String(e)) ? undefined : 'posts: suffix differs') },
    run: () => ({ posts: 'https://base/icon.png' }),
  };
  const load = async (): Promise<AdapterLoad> => ({ status: 'ok', adapter });
  const s = await runVectors({ vectors: [{ kind: 'notification-filter', expect: { posts: 'icon.png' } }, { kind: 'notification-filter', expect: { posts: 'x' } }] }, { loadAdapter: load });
  assert.deepEqual([s.passed, s.failed], [1, 1]);
  assert.equal(s.results[1].reason, 'posts: suffix differs');
});

async function mixed(): Promise<RunSummary> {
  return runVectors({
    vectors: [
      { kind: 'glob', source: 'a.go', expect: { value: 1 }, input: { result: { value: 1 } } },
      { kind: 'mystery', source: 'b.go', expect: {} },
      { kind: 'glob', source: 'c.go', expect: { value: 1 }, input: { result: { value: 2 } } },
      { kind: 'regex', source: 'd.go', expect: { matches: true } },
    ],
  }, { loadAdapter: fakeLoad });
}

test('human output: FAIL lines, SKIP lines, per kind in order of appearance, totals last', async () => {
  const text = formatHuman(await mixed());
  assert.equal(text, [
    'FAIL [2] glob c.go: value: expected 1, got 2',
    'FAIL [3] regex d.go: adapter not implemented',
    'SKIP [1] mystery b.go: unknown kind "mystery"',
    'glob: 1 passed, 1 failed, 0 skipped',
    'mystery: 0 passed, 0 failed, 1 skipped',
    'regex: 0 passed, 1 failed, 0 skipped',
    '1 passed, 2 failed, 1 skipped',
    '',
  ].join('\n'));
});

test('JSON output and exit codes', async () => {
  const summary = await mixed();
  const json = JSON.parse(formatJson(summary));
  assert.deepEqual(Object.keys(json), ['total', 'passed', 'failed', 'skipped', 'byKind', 'failures']);
  assert.deepEqual([json.total, json.passed, json.failed, json.skipped], [4, 1, 2, 1]);
  assert.deepEqual(json.byKind.mystery, { passed: 0, failed: 0, skipped: 1 });
  assert.deepEqual(json.failures.map((f: { source: string }) => f.source), ['c.go', 'd.go']);
  assert.match(json.failures[0].reason, /^vector 2: value:/);
  assert.equal(exitCode(summary), 1);
  const onlySkip = await runVectors({ vectors: [{ kind: 'mystery', expect: {} }] });
  assert.equal(exitCode(onlySkip), 1);
  const allPass = await runVectors({ vectors: [{ kind: 'glob', expect: { value: 1 }, input: { result: { value: 1 } } }] }, { loadAdapter: fakeLoad });
  assert.equal(exitCode(allPass), 0);
  assert.equal(exitCode(await runVectors({ vectors: [] })), 0);
});

test('--kind filter keeps only the named kinds', async () => {
  const s = await runVectors({ vectors: [{ kind: 'glob', expect: { value: 1 }, input: { result: { value: 1 } } }, { kind: 'regex', expect: { matches: true } }] }, { loadAdapter: fakeLoad, kinds: ['glob'] });
  assert.deepEqual([s.total, s.passed, [...s.byKind.keys()]], [1, 1, ['glob']]);
});

test('parseVectorFile rejects what is not a vector file', () => {
  assert.throws(() => parseVectorFile('{'), VectorFileError);
  assert.throws(() => parseVectorFile('[]'), VectorFileError);
  assert.throws(() => parseVectorFile('{"vectors": {}}'), VectorFileError);
  assert.deepEqual(parseVectorFile('{"vectors": []}'), { vectors: [] });
});

test('normativePrefixes make open-ended expect keys normative', async () => {
  const adapter: KindAdapter = {
    normative: [],
    normativePrefixes: ['tag_for_version_'],
    run: () => ({ 'tag_for_version_1.2.3': 'v1.2.3', 'tag_for_version_2.0.0': 'v2' }),
  };
  const load = async (): Promise<AdapterLoad> => ({ status: 'ok', adapter });
  const s = await runVectors({
    vectors: [
      { kind: 'tag-template', expect: { 'tag_for_version_1.2.3': 'v1.2.3' } },
      { kind: 'tag-template', expect: { 'tag_for_version_2.0.0': 'v2.0.0' } },
      { kind: 'tag-template', expect: { note_only: 'x' } },
    ],
  }, { loadAdapter: load });
  assert.deepEqual(s.results.map((r) => r.outcome), ['passed', 'failed', 'skipped']);
});

test('a non-PolicyError returned in an error field is a crash too', async () => {
  const adapter: KindAdapter = { normative: [], run: () => ({ error: new RangeError('index out of range') }) };
  const s = await runVectors({ vectors: [{ kind: 'glob', expect: { error: true } }] }, { loadAdapter: async () => ({ status: 'ok', adapter }) });
  assert.equal(s.failed, 1);
  assert.match(s.results[0].reason ?? '', /^crash: RangeError: index out of range/);
});

test('kinds and sources with line breaks stay on one report line', async () => {
  const s = await runVectors({ vectors: [{ kind: 'evil\nkind', source: 'a\nb', expect: {} }] });
  const text = formatHuman(s);
  assert.equal(text.split('\n').length, 4);
  assert.match(text, /^SKIP \[0\] evil\\nkind a\\nb: /);
});

test('an absurdly deep expected value fails its vector instead of aborting the run', async () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const s = await runVectors({
    vectors: [
      { kind: 'glob', expect: { value: deep }, input: { result: { value: deep } } },
      { kind: 'glob', expect: { value: 1 }, input: { result: { value: 1 } } },
    ],
  }, { loadAdapter: fakeLoad });
  assert.deepEqual(s.results.map((r) => r.outcome), ['failed', 'passed']);
  assert.match(s.results[0].reason ?? '', /could not be compared/);
});
