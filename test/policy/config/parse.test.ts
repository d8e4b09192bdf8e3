import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, renderConfig, type Capabilities } from '../../../src/policy/config/index.js';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';
import { stripSpans } from '../../../src/policy/dsl/serialize.js';

function failure(text: string, options = {}): PolicyError {
  try {
    parseConfig(text, options);
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

/** Every leaf error as `line:col: message`. */
const located = (e: PolicyError): string[] => PolicyErrors.flatten(e).map((x) => `${x.location.line}:${x.location.column}: ${x.message}`);

test('defaults of an almost empty file', () => {
  const { config, warnings } = parseConfig('approvals: [ {} ]');
  assert.deepEqual(warnings, []);
  assert.equal(config.approvals.length, 1);
  const p = config.approvals[0];
  assert.equal(p.position, 1);
  assert.equal(p.name, '');
  assert.deepEqual(p.match, { type: 'all', count: 1, self: true });
  assert.deepEqual(p.authormatch, { type: 'universe', count: 1, self: true });
  assert.equal(p.merge, undefined);
  assert.equal(config.pattern.source, '(?i)^I approve\\s*(version:\\s*(?P<version>\\S+))?\\s*(comment:\\s*(?P<comment>.*\\S))?\\s*');
  assert.deepEqual(config.commit, { range: 'head', antirange: 'head', tagrange: 'head', ignoreuimerge: true });
  assert.deepEqual(config.audit, { enable: false, branches: ['master'] });
  assert.equal(config.isOld, false);
});

test('DEFAULT_PATTERN comes from the options', () => {
  assert.equal(parseConfig('approvals: [{}]', { defaultPattern: 'ok' }).config.pattern.source, 'ok');
});

test('keys match case-insensitively; a nested object only overwrites what it mentions', () => {
  const { config } = parseConfig('APPROVALS: [ { MATCH: "a" } ]\nCommit: {\n  Range: all\n}\nmerge: {\n  enable: true\n}');
  assert.deepEqual(stripSpans(config.approvals[0].match), { type: 'entity', name: 'a', count: 1, self: true });
  assert.deepEqual(config.commit, { range: 'all', antirange: 'head', tagrange: 'head', ignoreuimerge: true });
  assert.deepEqual(config.merge, { enable: true, uptodate: true, method: 'merge', delete: false });
});

test('a policy section starts from the defaults, not from the top-level values', () => {
  const text = 'approvals: [\n  {\n    merge: {\n      delete: true\n    }\n  }\n]\nmerge: {\n  enable: true\n  method: squash\n}';
  const { config } = parseConfig(text);
  assert.deepEqual(config.approvals[0].merge, { enable: false, uptodate: true, method: 'merge', delete: true });
});

test('match: off forces antimatch false and materialises merge and tag; true does not', () => {
  const off = parseConfig('approvals: [ { match: "off", antimatch: "a" } ]').config.approvals[0];
  assert.deepEqual(off.antimatch, { type: 'false' });
  assert.equal(off.antimatchText, 'false');
  assert.deepEqual(off.merge, { enable: false, uptodate: true, method: 'merge', delete: false });
  assert.equal(off.tag?.template, '{{.Version}}');
  const t = parseConfig('approvals: [ { match: "true" } ]').config.approvals[0];
  assert.equal(t.merge, undefined);
  assert.equal(t.tag, undefined);
  // Only the top-level matcher counts.
  const nested = parseConfig('approvals: [ { match: "off or a" } ]').config.approvals[0];
  assert.equal(nested.merge, undefined);
});

test('empty input and empty approvals', () => {
  assert.deepEqual(located(failure('')), ['1:1: No approval policies specified']);
  assert.deepEqual(located(failure('\n\napprovals: []')), ['3:1: No approval policies specified']);
  assert.equal(failure('approvals: null').message, 'No approval policies specified');
});

test('Go-like type errors point at the value', () => {
  assert.deepEqual(located(failure('approvals: [\n  { name: 5 }\n]')), [
    '2:11: json: cannot unmarshal number into Go struct field ApprovalPolicy.approvals.name of type string',
  ]);
  assert.deepEqual(located(failure('approvals: [{}]\nmerge: {\n  enable: "yes"\n}')), [
    '3:11: json: cannot unmarshal string into Go struct field MergeConfig.merge.enable of type bool',
  ]);
  assert.deepEqual(located(failure('approvals: {}')), [
    '1:12: json: cannot unmarshal object into Go struct field Config.approvals of type []*model.ApprovalPolicy',
  ]);
  assert.deepEqual(located(failure('approvals: [{}]\npattern: 5')), ['2:10: json: cannot unmarshal number into Go value of type string']);
  assert.deepEqual(located(failure('[1]')), ['1:1: json: cannot unmarshal array into Go value of type model.Config']);
});

test('all decode errors are reported together', () => {
  const e = failure('approvals: [\n  {\n    match: "a and"\n    antimatch: "true[count=2]"\n  }\n]\ncommit: {\n  range: tail\n}\npattern: "("');
  assert.ok(e instanceof PolicyErrors);
  assert.equal(e.message.split('\n')[0], '4 error(s) occurred:');
  assert.deepEqual(located(e), [
    "3:18: Unable to parse approval policy 'a and'. " + PolicyErrors.flatten(e)[0].message.split('. ').slice(1).join('. '),
    '4:21: Attributes are not allowed for true',
    '8:10: Unknown CommitRange enum value: tail',
    '10:10: error parsing regexp: missing closing ): `(`',
  ]);
});

test('an empty match expression is a configuration error', () => {
  const e = failure('approvals: [ { match: "" } ]');
  assert.match(e.message, /^Unable to parse approval policy ''\. /);
  assert.deepEqual([e.location.line, e.location.column], [1, 23]);
});

test('enum errors', () => {
  assert.equal(failure('approvals: [{}]\nfeedback: {\n types: ["comment", "Review"]\n}').message, 'Unknown FeedbackType enum value: Review');
  assert.equal(failure('approvals: [{}]\ntag: {\n increment: huge\n}').message, 'Unknown Semver enum value: huge');
  assert.equal(
    failure('approvals: [{}]\ncomment: {\n targets: [ { target: "github", types: ["opened"] } ]\n}').message,
    'Unknown CommentMessage enum value: opened',
  );
});

test('the top-level tag template is compiled even when tagging is disabled', () => {
  assert.deepEqual(located(failure('approvals: [{}]\ntag: {\n  template: "{{"\n}')), ['3:3: template: tag:1: unclosed action']);
  assert.match(failure('approvals: [{}]\ntag: {\n  template: "a b"\n}').message, /^Illegal template tag a b:/);
});

test('validation errors: final scope, exclusive criteria, duplicate names, policy tags, maintainers type', () => {
  const text = [
    'approvals: [',
    '  {',
    '    name: x',
    '    scope: {',
    '      paths: ["a"]',
    '      regexpaths: ["b"]',
    '    }',
    '    tag: {',
    '      template: "{{"',
    '    }',
    '  }',
    '  {',
    '    name: x',
    '    scope: {',
    '      branches: ["m"]',
    '      regexbase: ["m"]',
    '    }',
    '  }',
    '  {',
    '    name: x',
    '    scope: {',
    '      paths: ["p"]',
    '      branches: ["b"]',
    '      regexpaths: ["r"]',
    '      regexbase: ["b"]',
    '      regexcompare: ["c"]',
    '    }',
    '  }',
    ']',
    'maintainers: {',
    '  type: yaml',
    '}',
  ].join('\n');
  const e = failure(text);
  assert.deepEqual(located(e), [
    '22:7: Final scope must have no paths',
    '23:7: Final scope must have no branches',
    '24:7: Final scope must have no path regexp',
    '25:7: Final scope must have no base branch regular expressions',
    '26:7: Final scope must have no compare branch regular expressions',
    '9:7: template: tag:1: unclosed action',
    "6:7: 'paths' and 'regexpaths' cannot be used together",
    "16:7: 'branches' and 'regexbase' cannot be used together",
    "13:11: The approval scope name 'x' is used more than once",
    "24:7: 'paths' and 'regexpaths' cannot be used together",
    "25:7: 'branches' and 'regexbase' cannot be used together",
    '31:3: yaml is not one of the permitted MAINTAINER types [hjson legacy text toml]',
  ]);
  assert.match(e.message, /^12 error\(s\) occurred:\n\n\* Final scope must have no paths\n\* /);
});

test('empty names may repeat', () => {
  assert.equal(parseConfig('approvals: [\n  { scope: { branches: ["a"] } }\n  {}\n]').config.approvals.length, 2);
});

const none: Capabilities = {
  Org: { Read: false },
  Repo: { Tag: false, Merge: false, DeleteBranch: false, CommitStatus: false, PRWriteComment: false, DeploymentStatus: false },
};

test('capability errors come first, deduplicated, at the key that needs them', () => {
  const text = [
    'approvals: [',
    '  {',
    '    merge: {',
    '      enable: true',
    '    }',
    '  }',
    ']',
    'merge: {',
    '  enable: true',
    '  delete: true',
    '}',
    'tag: {',
    '  enable: true',
    '}',
    'comment: {',
    '  enable: true',
    '  targets: [ { target: "slack" }, { target: "github" } ]',
    '}',
  ].join('\n');
  assert.deepEqual(located(failure(text, { capabilities: none })), [
    '1:1: commit status OAuth scope is required',
    '13:3: unable to git tag with provided OAuth scopes',
    '9:3: unable to git merge with provided OAuth scopes',
    '10:3: unable to delete branch with provided OAuth scopes',
    '17:37: unable to add PR comment with provided OAuth scopes',
  ]);
  // Nothing enabled: only the commit status scope is required.
  assert.deepEqual(located(failure('approvals: [{}]', { capabilities: none })), ['1:1: commit status OAuth scope is required']);
  const statusOnly: Capabilities = { ...none, Repo: { ...none.Repo, CommitStatus: true } };
  assert.equal(parseConfig('approvals: [{}]\ncomment: {\n  enable: true\n  targets: [ { target: "slack" } ]\n}', { capabilities: statusOnly }).config.comment.enable, true);
  assert.equal(
    failure('approvals: [ { tag: { enable: true } } ]', { capabilities: statusOnly }).message,
    'unable to git tag with provided OAuth scopes',
  );
});

test('errors name the file from the options', () => {
  assert.equal(failure('', { file: 'template.checks-out' }).location.file, 'template.checks-out');
  assert.equal(failure('a: [', { file: 'x' }).location.file, 'x');
  assert.equal(failure('', { brandingName: 'acme' }).location.file, '.acme');
});

test('warnings: unknown keys (with a hint), repeated keys, ambiguous expressions', () => {
  const text = 'approvals: [\n  {\n    match: "a and b or c"\n    mach: x\n  }\n]\nmerge: {\n  enabel: true\n}\nfoo: 1\nfoo: 2';
  const { warnings } = parseConfig(text);
  const w = warnings.map((x) => `${x.location.line}:${x.location.column}: ${x.message}`);
  assert.deepEqual(w.slice(0, 4), [
    "4:5: unknown key 'mach' in 'approvals' is ignored (did you mean 'match'?)",
    "8:3: unknown key 'enabel' in 'merge' is ignored (did you mean 'enable'?)",
    "10:1: unknown key 'foo' is ignored",
    "11:1: unknown key 'foo' is ignored",
  ]);
  assert.equal(w.length, 5);
  assert.match(w[4], /^3:13: match: 'a and b or c' is read as 'a and \(b or c\)'/);
  const rep = parseConfig('approvals: [{}]\nmerge: {\n  enable: true\n  ENABLE: false\n}');
  assert.equal(rep.config.merge.enable, false);
  assert.deepEqual(rep.warnings.map((x) => x.message), ["key 'ENABLE' repeats 'enable' (line 3); the last one is used"]);
});

test('DSL errors inside multiline and escaped strings are located in the file', () => {
  const e = failure("approvals: [\n  {\n    match:\n      '''\n      a and\n      b[count=x]\n      '''\n  }\n]");
  assert.deepEqual([e.location.line, e.location.column], [6, 15]);
  const esc = failure('approvals: [ { match: "\\u0061 and true[self=1]" } ]');
  assert.equal(esc.message, 'Attributes are not allowed for true');
  assert.deepEqual([esc.location.line, esc.location.column], [1, 39]);
});

test('null keeps defaults for scalars and sections, clears nullable fields', () => {
  const { config } = parseConfig(
    'approvals: [ { match: null, scope: null } ]\nmerge: null\nantipattern: null\ncomment: {\n  targets: null\n}\ncommit: {\n  range: null\n}',
  );
  assert.deepEqual(config.approvals[0].match, { type: 'all', count: 1, self: true });
  assert.equal(config.merge.uptodate, true);
  assert.equal(config.antipattern, undefined);
  assert.equal(config.comment.targets, null);
  assert.equal(config.commit.range, 'head');
});

test('scopes, targets and overrides decode fully', () => {
  const text = [
    'approvals: [',
    '  {',
    '    name: docs',
    '    scope: {',
    '      paths: [" docs/** ", "*.md"]',
    '      regexcompare: ["^feature/"]',
    '    }',
    '    pattern: "(?i)^ship"',
    '    antipattern: "(?i)^stop"',
    '    antititle: "WIP"',
    '    authormatch: "us"',
    '    feedback: {',
    '      types: ["review"]',
    '    }',
    '  }',
    '  {}',
    ']',
    'antititle: "(?i)^wip"',
    'comment: {',
    '  enable: true',
    '  targets: [ { target: "chat.example.com", pattern: "^x", names: ["#a", "@b"], types: ["merge", "tag"] } ]',
    '}',
    'deploy: {',
    '  enable: true',
    '  path: deploy.hjson',
    '}',
    'audit: {',
    '  enable: true',
    '  branches: ["main", "release"]',
    '}',
  ].join('\n');
  const { config } = parseConfig(text);
  assert.deepEqual(renderConfig(config).approvals, [
    {
      name: 'docs',
      scope: { paths: [' docs/** ', '*.md'], regexcompare: ['^feature/'] },
      match: 'all[count=1,self=true]',
      antimatch: 'all[count=1,self=true]',
      authormatch: 'us[count=1,self=true]',
      pattern: '(?i)^ship',
      antipattern: '(?i)^stop',
      antititle: 'WIP',
      feedback: { types: ['review'], authoraffirm: true },
    },
    { scope: {}, match: 'all[count=1,self=true]', antimatch: 'all[count=1,self=true]', authormatch: 'universe[count=1,self=true]' },
  ]);
  assert.equal(config.approvals[0].scope.paths[0].test('docs/a/b'), true);
  assert.equal(config.antititle?.source, '(?i)^wip');
  assert.deepEqual(renderConfig(config).comment, {
    enable: true,
    targets: [{ target: 'chat.example.com', pattern: '^x', types: ['merge', 'tag'], names: ['#a', '@b'] }],
  });
  assert.deepEqual(config.deploy, { enable: true, path: 'deploy.hjson' });
  assert.deepEqual(config.audit, { enable: true, branches: ['main', 'release'] });
});

test('hostile keys are ordinary keys', () => {
  const { config, warnings } = parseConfig('__proto__: { polluted: 1 }\nconstructor: 1\napprovals: [ { __proto__: 1 } ]');
  assert.equal(config.approvals.length, 1);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(warnings.length, 3);
});

test('locateExpression maps a column of a written expression to the file', () => {
  const { config } = parseConfig('approvals: [\n  {\n    match: "a and bob"\n    antimatch: "x"\n  }\n  { match: "off", antimatch: "y" }\n]');
  const [p, off] = config.approvals;
  assert.deepEqual(p.locateExpression?.('match', 7), { file: '.checks-out', line: 3, column: 19 });
  assert.deepEqual(p.locateExpression?.('match'), { file: '.checks-out', line: 3, column: 13 });
  assert.equal(p.locateExpression?.('authormatch', 1), undefined);
  assert.equal(off.locateExpression?.('antimatch', 1), undefined);
  assert.deepEqual(off.locateExpression?.('match', 1), { file: '.checks-out', line: 6, column: 13 });
});

test('warnings are capped', () => {
  const { warnings } = parseConfig(`approvals: [{}]\n${Array.from({ length: 500 }, (_, i) => `k${i}: 1`).join('\n')}`);
  assert.equal(warnings.length, 101);
  assert.equal(warnings[100].message, 'further warnings omitted');
});
