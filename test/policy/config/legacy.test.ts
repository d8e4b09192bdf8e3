import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configToHjson, lgtmToChecksOut, parseConfig, parseLegacyConfig, renderConfig } from '../../../src/policy/config/index.js';
import { PolicyError } from '../../../src/policy/errors.js';

function failure(text: string): PolicyError {
  try {
    parseLegacyConfig(text);
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('keys, defaults from the options, ignored keys', () => {
  const c = parseLegacyConfig('approvals = 3\npattern = "LOOKGOOD"\nself_approval_off = true\nteam = "x"');
  assert.equal(c.isOld, true);
  assert.equal(c.approvals[0].matchText, 'all[count=3,self=false]');
  assert.equal(c.pattern.source, 'LOOKGOOD');
  assert.deepEqual(c.maintainers, { path: 'MAINTAINERS', type: 'legacy' });
  assert.deepEqual(c.tag, { enable: false, algorithm: '', template: '', increment: 'patch', docker: false });
  assert.deepEqual(c.deploy, { enable: false, path: '' });
  const d = parseLegacyConfig('', { approvals: 1, pattern: '^ok', selfApprovalOff: true });
  assert.equal(d.approvals[0].matchText, 'all[count=1,self=false]');
  assert.equal(d.pattern.source, '^ok');
  const e = parseLegacyConfig('');
  assert.equal(e.approvals[0].matchText, 'all[count=2,self=true]');
  assert.equal(e.pattern.source, '(?i)LGTM');
});

test('wrong value types are errors located at their key', () => {
  const e = failure('\napprovals = "3"');
  assert.equal(e.message, 'approvals in .lgtm must be an integer, found string');
  assert.deepEqual(e.location, { file: '.lgtm', line: 2, column: 1 });
  assert.equal(failure('approvals = 2.5').message, 'approvals in .lgtm must be an integer, found float');
  assert.equal(failure('approvals = 99999999999999999999').message.startsWith('approvals in .lgtm must be a smaller integer'), true);
  assert.equal(failure('self_approval_off = "yes"').message, 'self_approval_off in .lgtm must be a boolean, found string');
  assert.equal(failure('pattern = [1]').message, 'pattern in .lgtm must be a string, found array');
  const re = failure('  pattern = "("');
  assert.equal(re.message, 'error parsing regexp: missing closing ): `(`');
  assert.deepEqual(re.location, { file: '.lgtm', line: 1, column: 3 });
});

test('TOML syntax errors come from the TOML library with a position', () => {
  const e = failure('approvals = = 1');
  assert.match(e.message, /^Invalid TOML document/);
  assert.equal(e.location.line, 1);
  assert.equal(typeof e.location.column, 'number');
});

test('the HJSON rendering of a legacy config (empty structs omitted)', () => {
  const text = configToHjson(parseLegacyConfig('approvals = 3\npattern = "LOOKGOOD"\nself_approval_off = true'));
  assert.ok(text.startsWith('{\n  approvals:\n  [\n    {\n      scope:\n      {\n      }\n      match: "all[count=3,self=false]"\n'));
  assert.ok(!text.includes('tag:') && !text.includes('deploy:') && !text.includes('comment:'));
  assert.ok(text.endsWith('  audit:\n  {\n    enable: false\n    branches: ["master"]\n  }\n}'));
});

test('conversion drops scope, antimatch, authormatch and maintainers, and re-parses as .checks-out', () => {
  const file = lgtmToChecksOut('approvals = 3\npattern = "LOOKGOOD"\nself_approval_off = true');
  assert.ok(file.startsWith('{\n  approvals:\n  [\n    {\n      match: "all[count=3,self=false]"\n    }\n  ]\n  pattern: "LOOKGOOD"\n  commit:\n  {\n    range: "head"\n'));
  assert.ok(!file.includes('maintainers') && !file.includes('antimatch') && !file.includes('scope'));
  const { config } = parseConfig(file);
  const rendered = renderConfig(config);
  assert.equal(rendered.pattern, 'LOOKGOOD');
  assert.deepEqual(rendered.approvals, [
    { scope: {}, match: 'all[count=3,self=false]', antimatch: 'all[count=1,self=true]', authormatch: 'universe[count=1,self=true]' },
  ]);
});

test('hostile TOML: deep nesting and prototype keys', () => {
  assert.ok(failure('a = ' + '['.repeat(5000)) instanceof PolicyError);
  const c = parseLegacyConfig('__proto__ = 1\n[constructor]\nx = 1');
  assert.equal(c.approvals.length, 1);
});
