import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeployments } from '../../../src/policy/config/index.js';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';

function failure(text: string): PolicyError {
  try {
    parseDeployments(text);
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('entries with tasks and env, absent distinguishable from empty', () => {
  const d = parseDeployments('master: {\n  tasks: ["a", "b"]\n  env: prod\n}\ndev: {\n  env: ""\n}\nqa: {\n  TASKS: []\n}\nx: {}');
  assert.deepEqual(d.get('master'), { tasks: ['a', 'b'], env: 'prod' });
  assert.deepEqual(d.get('dev'), { tasks: null, env: '' });
  assert.deepEqual(d.get('qa'), { tasks: [], env: null });
  assert.deepEqual(d.get('x'), { tasks: null, env: null });
  assert.deepEqual([...d.keys()], ['master', 'dev', 'qa', 'x']);
});

test('branch names are case-sensitive map keys; hostile names are ordinary', () => {
  const d = parseDeployments('Master: { env: "a" }\nmaster: {\n  env: b\n}\n__proto__: {}');
  assert.equal(d.get('Master')?.env, 'a');
  assert.equal(d.get('master')?.env, 'b');
  assert.ok(d.has('__proto__'));
});

test('empty file, empty object and null are "No content in deployment map"', () => {
  for (const t of ['', '{}', '  # nothing\n', 'null']) {
    const e = failure(t);
    assert.equal(e.message, 'No content in deployment map');
    assert.equal(e.location.file, 'DEPLOYMENTS');
  }
});

test('type errors are located and aggregated', () => {
  const e = failure('master: {\n  tasks: "a"\n  env: 5\n}\ndev: 3');
  assert.ok(e instanceof PolicyErrors);
  assert.deepEqual(
    PolicyErrors.flatten(e).map((x) => `${x.location.line}:${x.location.column}: ${x.message}`),
    [
      '2:10: json: cannot unmarshal string into Go struct field DeploymentConfig.master.tasks of type []string',
      '3:8: json: cannot unmarshal number into Go struct field DeploymentConfig.master.env of type string',
      '5:6: json: cannot unmarshal number into Go struct field map[string]model.DeploymentConfig.dev of type model.DeploymentConfig',
    ],
  );
  assert.equal(failure('[1]').message, 'json: cannot unmarshal array into Go value of type map[string]model.DeploymentConfig');
  assert.match(failure('a: {').message, /^End of input while parsing an object/);
});
