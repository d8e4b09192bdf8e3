import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

/** A fresh directory holding the given files. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'co-validate-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const GOOD_CONFIG = `{
  approvals: [
    { name: "core", match: "core[count=1,self=false]" },
  ]
}
`;
const GOOD_MAINTAINERS = 'alice\nbob\ngithub-org acme\n';
const MEMBERS = JSON.stringify({ org_members: { acme: ['Carol', 'dave'] } });

test('a valid repository: exit 0 and a one-line confirmation', async () => {
  const dir = repo({ '.checks-out': '{ approvals: [ { match: "alice[count=1] or bob[count=1]" } ] }', MAINTAINERS: 'alice\nbob\n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '.checks-out and MAINTAINERS: valid\n');
  assert.equal(r.code, 0);
});

test('groups from github-org directives are expanded from the --members file', async () => {
  const withAcme = GOOD_CONFIG.replace('core[', 'acme[');
  const dir = repo({ '.checks-out': withAcme, MAINTAINERS: GOOD_MAINTAINERS, 'members.json': MEMBERS });
  assert.equal((await runCli(['validate', '--members', 'members.json'], { cwd: dir })).code, 0);
  // Without the members file the look-up cannot be answered: an error at the directive's line.
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^MAINTAINERS:3:1: Attempting to expand github-org acme\. No membership data for the members of organization acme$/m);
});

test('unknown names and bad counts are reported at their place in the expression', async () => {
  const config = `{
  approvals: [
    { match: "alice[count=1] and nobody[count=2]", antimatch: "ghost" },
    { name: "second", match: "all[count=0]" },
  ]
}
`;
  const dir = repo({ '.checks-out': config, MAINTAINERS: 'alice\n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, [
    '.checks-out:3:34: policy 1 match: nobody must be either org or person',
    '.checks-out:3:64: policy 1 antimatch: ghost must be either org or person',
    '.checks-out:4:31: policy 2 (second) match: approval count must be positive',
    '3 errors, 0 warnings',
    '',
  ].join('\n'));
});

test('syntax errors in both files are all reported with file:line:col', async () => {
  const dir = repo({ '.checks-out': '{\n  approvals: [\n    { match: "alice and (" }\n  ]\n}\n', MAINTAINERS: 'alice\n  \n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^\.checks-out:3:\d+: Unable to parse approval policy 'alice and \('/);
  assert.match(lines[1], /^MAINTAINERS:2:1: Unable to parse line: {3}$/);
  assert.equal(lines[2], '2 errors, 0 warnings');
});

test('warnings do not fail validation', async () => {
  const dir = repo({ '.checks-out': '{ approvals: [ { match: "alice[count=1]", machs: 1 } ] }', MAINTAINERS: 'alice\n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\.checks-out:1:\d+: warning: .*machs/m);
  assert.match(r.stdout, /valid \(1 warning\)\n$/);
});

test('--format json: one object with located errors and warnings', async () => {
  const dir = repo({ 'conf.hjson': '{ approvals: [ { match: "ghost[count=1]" } ] }', 'people.txt': 'alice\n' });
  const r = await runCli(['validate', '--config', 'conf.hjson', '--maintainers', 'people.txt', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report, {
    valid: false,
    files: { config: 'conf.hjson', maintainers: 'people.txt' },
    errors: [{ message: 'policy 1 match: ghost must be either org or person', file: 'conf.hjson', line: 1, column: 26 }],
    warnings: [],
  });
});

test('maintainers.path and maintainers.type of the configuration are honoured', async () => {
  const config = '{ approvals: [ { match: "devs[count=1]" } ], maintainers: { path: "OWNERS.toml", type: "toml" } }';
  const toml = '[people.alice]\n[org.devs]\npeople = ["alice"]\n';
  const dir = repo({ '.checks-out': config, 'OWNERS.toml': toml });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.stdout, '.checks-out and OWNERS.toml: valid\n');
  assert.equal(r.code, 0);
});

test('missing or unreadable inputs: one-line error, exit 2', async () => {
  const empty = repo({});
  let r = await runCli(['validate'], { cwd: empty });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^checks-out validate: no \.checks-out or \.lgtm file in .*\(use --config F\)\n$/);
  assert.equal(r.stdout, '');

  const noMaintainers = repo({ '.checks-out': GOOD_CONFIG });
  r = await runCli(['validate'], { cwd: noMaintainers });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'checks-out validate: MAINTAINERS: no such file\n');

  const dir = repo({ '.checks-out': GOOD_CONFIG, MAINTAINERS: GOOD_MAINTAINERS, 'bad.json': '{"org_members": {"acme": "x"}}', 'broken.json': '{' });
  for (const members of ['bad.json', 'broken.json', 'absent.json']) {
    r = await runCli(['validate', '--members', members], { cwd: dir });
    assert.equal(r.code, 2, members);
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^checks-out validate: ${members.replace('.', '\\.')}: `));
  }
  r = await runCli(['validate', '--config', '.'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is a directory/);
});

test('bad usage: exit 2', async () => {
  const dir = repo({ '.checks-out': GOOD_CONFIG, MAINTAINERS: GOOD_MAINTAINERS });
  for (const args of [['--format', 'xml'], ['--bogus'], ['extra'], ['--config'], ['--repo', 'no-slash']]) {
    const r = await runCli(['validate', ...args], { cwd: dir });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^checks-out validate: /);
  }
});

test('--repo gives repo-self its meaning', async () => {
  const dir = repo({
    '.checks-out': GOOD_CONFIG.replace('core[', 'acme['),
    MAINTAINERS: 'alice\ngithub-org repo-self\n',
    'members.json': JSON.stringify({ org_members: { acme: ['erin'], local: ['zed'] } }),
  });
  assert.equal((await runCli(['validate', '--members', 'members.json', '--repo', 'acme/widgets'], { cwd: dir })).code, 0);
  assert.equal((await runCli(['validate', '--members', 'members.json'], { cwd: dir })).code, 1);
});

test('hostile names are data: __proto__ as a person and a group', async () => {
  const dir = repo({ '.checks-out': '{ approvals: [ { match: "__proto__[count=1]" } ] }', MAINTAINERS: '__proto__\nconstructor\n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout);
});

test('falls back to a legacy .lgtm when there is no .checks-out, with a warning to convert', async () => {
  const dir = repo({ '.lgtm': 'approvals = 1\n', MAINTAINERS: 'alice\n' });
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '.lgtm: warning: legacy .lgtm file: convert it with `checks-out convert`\n.lgtm and MAINTAINERS: valid (1 warning)\n');
  const both = repo({ '.lgtm': 'approvals = "x"\n', '.checks-out': '{ approvals: [ { match: "alice[count=1]" } ] }', MAINTAINERS: 'alice\n' });
  assert.equal((await runCli(['validate'], { cwd: both })).code, 0, '.checks-out wins over .lgtm');
});

test('with deploy.enable the deployment file is checked too', async () => {
  const config = '{ approvals: [ { match: "alice[count=1]" } ], deploy: { enable: true } }';
  const good = repo({ '.checks-out': config, MAINTAINERS: 'alice\n', DEPLOYMENTS: '{ main: { tasks: ["deploy"], env: "prod" } }' });
  assert.equal((await runCli(['validate'], { cwd: good })).stdout, '.checks-out and MAINTAINERS: valid\n');
  const bad = repo({ '.checks-out': config, MAINTAINERS: 'alice\n', DEPLOYMENTS: '' });
  const r = await runCli(['validate'], { cwd: bad });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^DEPLOYMENTS(:\d+:\d+)?: No content in deployment map$/m);
  const missing = await runCli(['validate'], { cwd: repo({ '.checks-out': config, MAINTAINERS: 'alice\n' }) });
  assert.equal(missing.code, 0);
  assert.match(missing.stdout, /^DEPLOYMENTS: warning: deploy\.enable is set but the deployment file DEPLOYMENTS does not exist$/m);
});
