import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHjson, needsQuotes, parseConfig, renderConfig } from '../../../src/policy/config/index.js';

test('top-level key order, optional regexes omitted unless set', () => {
  const plain = renderConfig(parseConfig('approvals: [{}]').config);
  assert.deepEqual(Object.keys(plain), ['approvals', 'pattern', 'commit', 'maintainers', 'merge', 'feedback', 'tag', 'comment', 'deploy', 'audit']);
  const full = renderConfig(parseConfig('approvals: [{}]\nantititle: "t"\nantipattern: "p"').config);
  assert.deepEqual(Object.keys(full).slice(0, 4), ['approvals', 'pattern', 'antipattern', 'antititle']);
  assert.equal(full.antipattern, 'p');
});

test('ignoreuimerge is rendered only when true', () => {
  assert.deepEqual(renderConfig(parseConfig('approvals: [{}]\ncommit: {\n  ignoreuimerge: false\n}').config).commit, {
    range: 'head', antirange: 'head', tagrange: 'head',
  });
});

test('policies: name only when set, scope without empty arrays, matchers canonical, overrides when present', () => {
  const text = 'approvals: [\n  {\n    name: n\n    scope: {\n      branches: ["b"]\n      paths: []\n    }\n    match: "a and b or c"\n    tag: {\n      docker: true\n    }\n  }\n  {\n    match: "(a and b) or c"\n  }\n]';
  const [first, second] = renderConfig(parseConfig(text).config).approvals as Record<string, unknown>[];
  assert.deepEqual(Object.keys(first), ['name', 'scope', 'match', 'antimatch', 'authormatch', 'tag']);
  assert.deepEqual(first.scope, { branches: ['b'] });
  assert.equal(first.match, 'a[count=1,self=true] and b[count=1,self=true] or c[count=1,self=true]');
  assert.equal(second.match, '(a[count=1,self=true] and b[count=1,self=true]) or c[count=1,self=true]');
  assert.deepEqual(first.tag, { enable: false, algorithm: 'semver', template: '{{.Version}}', increment: 'patch', docker: true });
  assert.equal(JSON.stringify(renderConfig(parseConfig(text).config)).includes('"position"'), false);
});

test('comment targets render all four fields, null when unset', () => {
  const r = renderConfig(parseConfig('approvals: [{}]\ncomment: {\n  targets: [ { target: "github" } ]\n}').config);
  assert.deepEqual(r.comment, { enable: false, targets: [{ target: 'github', pattern: null, types: null, names: null }] });
});

test('HJSON encoder: quoting of plain strings', () => {
  for (const s of ['', ' a', 'a ', '"a', "'a", '#a', '//a', '/*a', '{a', '[a', ':a', ',a', 'true', 'null', 'false , x', '12', '-1.5', '3 }', 'a\nb', 'a\tb']) {
    assert.equal(needsQuotes(s), true, s);
  }
  for (const s of ['MAINTAINERS', 'legacy', 'a b', 'a:b', '12a', 'truex', 'a#b', 'é']) assert.equal(needsQuotes(s), false, s);
  assert.equal(
    encodeHjson({
      kind: 'struct',
      fields: [
        { key: 'a b', value: { kind: 'string', value: 'x' } },
        { key: 'e', value: { kind: 'list', items: [] } },
        { key: 'n', value: { kind: 'number', value: 0 }, omitempty: true },
        { key: 'l', value: { kind: 'list', items: [{ kind: 'string', value: 'true' }, { kind: 'bool', value: true }] } },
        { key: 's', value: { kind: 'struct', fields: [{ key: 'z', value: { kind: 'bool', value: false } }] }, omitempty: true },
      ],
    }, { omitEmptyStructs: true }),
    '{\n  "a b": x\n  e: []\n  l:\n  [\n    "true"\n    true\n  ]\n}',
  );
});
