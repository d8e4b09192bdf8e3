/** Spec §2.2–§2.5 corner cases: `match: off` post-processing, validation errors and their rendering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, renderConfig, PolicyError, PolicyErrors, evaluatePullRequest } from '../../../src/policy/index.js';
import { cfg, snap, r, pr } from './_helpers.js';

const fails = (text: string): PolicyError => {
  try {
    parseConfig(text);
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail(`parsed: ${text}`);
};
const messagesOf = (e: PolicyError) => PolicyErrors.flatten(e).map((x) => x.message);

test('§2.4 match off forces antimatch false and materialises merge and tag', () => {
  const p = cfg('approvals:[{match: "off", antimatch: "all[count=1]"}]').approvals[0];
  assert.equal(p.antimatch.type, 'false');
  assert.equal(p.merge?.delete, false);
  assert.equal(p.tag?.enable, false);
  const out = renderConfig(cfg('approvals:[{match: "off", antimatch: "all[count=1]"}]')) as { approvals: { antimatch: string }[] };
  assert.equal(out.approvals[0].antimatch, 'false');
  // A request for changes cannot block it.
  const d = evaluatePullRequest({ config: cfg('approvals:[{match: "off"}]'), snapshot: snap(['bob']), pr: pr('a'), lists: { approval: [r('bob', 'CHANGES_REQUESTED')] } });
  assert.deepEqual([d.approved, d.disapprovers], [true, []]);
});

test('§2.4 match "true", nested off, and OFF do none of that', () => {
  for (const m of ['true', 'off or bob', 'OFF']) {
    const p = cfg(`approvals:[{match: "${m}"}]`).approvals[0];
    assert.equal(p.merge, undefined, m);
    assert.equal(p.tag, undefined, m);
    assert.equal(p.antimatch.type, 'all', m);
  }
});

test('§2.4 an explicit merge section under match off is kept', () => {
  const p = cfg('approvals:[{match: "off", merge: {enable: true, delete: true}}]').approvals[0];
  assert.deepEqual([p.merge?.enable, p.merge?.delete], [true, true]);
});

test('§2.4 positions are 1-based', () => {
  assert.deepEqual(cfg('approvals:[{scope: {branches: ["a"]}}, {}]').approvals.map((p) => p.position), [1, 2]);
});

test('§2.3 a present policy section takes defaults, not the top-level values', () => {
  const c = cfg('approvals:[{merge: {enable: true}}], merge: {method: "squash", uptodate: false}');
  assert.deepEqual([c.approvals[0].merge?.method, c.approvals[0].merge?.uptodate], ['merge', true]);
});

test('§2.2 a partial nested object keeps the other defaults; keys are case-insensitive', () => {
  const c = cfg('APPROVALS:[{MATCH: "true"}], commit: {range: "all"}');
  assert.deepEqual([c.commit.range, c.commit.antirange, c.commit.ignoreuimerge], ['all', 'head', true]);
  assert.equal(c.approvals[0].match.type, 'true');
});

test('§2.5 zero policies: a single error', () => {
  assert.equal(fails('approvals: []').message, 'No approval policies specified');
  assert.equal(fails('').message, 'No approval policies specified');
});

test('§2.5 every final-scope violation is its own error', () => {
  const e = fails('approvals:[{scope: {branches: ["a"], regexcompare: ["x"], regexpaths: ["y"]}}]');
  const msgs = messagesOf(e);
  for (const m of ['Final scope must have no branches', 'Final scope must have no path regexp', 'Final scope must have no compare branch regular expressions']) {
    assert.ok(msgs.includes(m), m);
  }
  assert.ok(!msgs.includes('Final scope must have no paths'));
});

test('§2.5 paths with regexpaths, branches with regexbase', () => {
  const msgs = messagesOf(fails('approvals:[{scope: {paths: ["a"], regexpaths: ["b"], branches: ["c"], regexbase: ["d"]}}, {}]'));
  assert.deepEqual(msgs.sort(), ["'branches' and 'regexbase' cannot be used together", "'paths' and 'regexpaths' cannot be used together"]);
});

test('§2.5 duplicate names reported once per name; empty names may repeat', () => {
  const msgs = messagesOf(fails('approvals:[{name: "x", scope: {branches: ["a"]}}, {name: "x", scope: {branches: ["b"]}}, {name: "x", scope: {branches: ["c"]}}, {}]'));
  assert.deepEqual(msgs, ["The approval scope name 'x' is used more than once"]);
  assert.equal(cfg('approvals:[{scope: {branches: ["a"]}}, {}]').approvals.length, 2);
});

test('§2.5 the top-level tag template is compiled even when tagging is disabled', () => {
  assert.equal(fails('approvals:[{}], tag: {template: "{{.Version"}').message, 'template: tag:1: unclosed action');
});

test('§2.5 tag ref rules: `]` rejected, `[` accepted; docker charset', () => {
  fails('approvals:[{}], tag: {template: "v]{{.Version}}"}');
  assert.equal(cfg('approvals:[{}], tag: {template: "v[{{.Version}}"}').tag.template, 'v[{{.Version}}');
  const e = fails('approvals:[{}], tag: {template: "v+{{.Version}}", docker: true}');
  assert.ok(e.message.startsWith('Illegal template tag v+{{.Version}} with Docker validation enabled:\n'), e.message);
  assert.match(e.message, /only \[A-Za-z0-9_.-\] characters\s+are allowed|only \[A-Za-z0-9_.-\] characters are allowed/);
});

test('§2.3 unknown enum values, exact', () => {
  assert.equal(fails('approvals:[{}], commit: {range: "some"}').message, 'Unknown CommitRange enum value: some');
  assert.equal(fails('approvals:[{}], feedback: {types: ["Comment"]}').message, 'Unknown FeedbackType enum value: Comment');
  assert.equal(fails('approvals:[{}], tag: {increment: "huge"}').message, 'Unknown Semver enum value: huge');
});

test(
  '§2.5 several errors are rendered "N error(s) occurred:\\n\\n* e1\\n* e2"',
  () => {
    const e = fails('approvals:[{scope: {branches: ["a"], paths: ["x"]}}]');
    assert.equal(e.message, '2 error(s) occurred:\n\n* Final scope must have no paths\n* Final scope must have no branches');
  },
);

test('§2.5 a policy tag section must compile too (and checks docker)', () => {
  assert.equal(fails('approvals:[{tag: {template: "{{.Nope}}"}}]').message.length > 0, true);
  const e = fails('approvals:[{tag: {template: "a b{{.Version}}"}}]');
  assert.ok(e instanceof PolicyError);
  assert.ok(cfg('approvals:[{tag: {template: "v{{.Version}}"}}]').approvals[0].tag?.template === 'v{{.Version}}');
});
