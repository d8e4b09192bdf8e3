import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, type Config } from '../../src/policy/config/index.js';
import { scopeMatches, selectPolicy } from '../../src/policy/scope.js';

function config(scopes: string[]): Config {
  const policies = scopes.map((s, i) => `  {\n    name: p${i + 1}\n    scope: ${s}\n  }`).join('\n');
  return parseConfig(`approvals: [\n${policies}\n  {\n    name: default\n  }\n]`).config;
}

const pick = (c: Config, baseBranch: string, files: string[] = [], compareBranch = 'feature'): string =>
  selectPolicy(c, { baseBranch, compareBranch, files }).name;

test('first matching policy wins, in order', () => {
  const c = config(['{ branches: ["master"] }', '{ branches: ["master", "dev"] }']);
  assert.equal(pick(c, 'master'), 'p1');
  assert.equal(pick(c, 'dev'), 'p2');
  assert.equal(pick(c, 'Dev'), 'default');
  assert.equal(selectPolicy(c, { baseBranch: 'x', compareBranch: '', files: [] }).position, 3);
});

test('paths: at least one file and every file must match some glob', () => {
  const c = config(['{ paths: ["docs/**", "*.md"] }']);
  assert.equal(pick(c, 'm', ['docs/a', 'README.md']), 'p1');
  assert.equal(pick(c, 'm', ['docs/a', 'src/a']), 'default');
  assert.equal(pick(c, 'm', []), 'default');
});

test('regexpaths: same rule, unanchored regexes', () => {
  const c = config(['{ regexpaths: ["\\\\.md$", "^docs/"] }']);
  assert.equal(pick(c, 'm', ['a.md', 'docs/x']), 'p1');
  assert.equal(pick(c, 'm', ['a.md', 'src/x']), 'default');
  assert.equal(pick(c, 'm', []), 'default');
});

test('regexbase and regexcompare; criteria combine with AND', () => {
  const c = config([
    '{ regexbase: ["^release/"], regexcompare: ["^hotfix/"] }',
    '{ regexcompare: ["^feat"] }',
  ]);
  assert.equal(pick(c, 'release/1', [], 'hotfix/x'), 'p1');
  assert.equal(pick(c, 'release/1', [], 'feature'), 'p2');
  assert.equal(pick(c, 'main', [], 'hotfix/x'), 'default');
  const d = config(['{ branches: ["main"], paths: ["a"] }']);
  assert.equal(pick(d, 'main', ['a']), 'p1');
  assert.equal(pick(d, 'main', ['b']), 'default');
  assert.equal(pick(d, 'dev', ['a']), 'default');
});

test('an empty scope matches everything', () => {
  const c = config(['{}']);
  assert.equal(pick(c, 'anything', []), 'p1');
  assert.equal(scopeMatches(c.approvals[0].scope, { baseBranch: '', compareBranch: '', files: [] }), true);
});

test('without any matching policy (unvalidated config) a policy matching nothing is returned', () => {
  const c = config(['{ branches: ["a"] }']);
  c.approvals.pop();
  const p = selectPolicy(c, { baseBranch: 'b', compareBranch: '', files: [] });
  assert.deepEqual([p.position, p.match], [0, { type: 'false' }]);
});
