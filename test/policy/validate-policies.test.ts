import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/policy/config/index.js';
import { validatePolicies } from '../../src/policy/validate-policies.js';
import type { Snapshot } from '../../src/policy/types.js';

function snapshot(people: string[], orgs: Record<string, string[]> = {}): Snapshot {
  return {
    people: new Map(people.map((p) => [p, { login: p, name: '', email: '' }])),
    orgs: new Map(Object.entries(orgs)),
    personToOrgs: new Map(),
  };
}

test('an unknown name is reported at its exact column in the file, astral characters counted once', () => {
  const text = '{\n  approvals: [\n    { name: "😀", match: "😀x[count=1] and ghost" }\n    { antimatch: "a\\u0041b" }\n  ]\n}\n';
  const { config } = parseConfig(text);
  const errors = validatePolicies(config, snapshot(['😀x']), '.checks-out');
  const ghost = errors.find((e) => e.message.includes('ghost'));
  // "😀x[count=1] and ghost": ghost is character 17 of the expression, column 42 of line 3
  assert.equal(ghost?.message, 'policy 1 (😀) match: ghost must be either org or person');
  assert.deepEqual(ghost?.location, { file: '.checks-out', line: 3, column: 42 });
  // an escape sequence inside the string: the entity starts at the string's first character
  const aab = errors.find((e) => e.message.includes('aab'));
  assert.deepEqual(aab?.location, { file: '.checks-out', line: 4, column: 19 });
});

test('keys in any case are located; a valid config has no errors', () => {
  const text = 'APPROVALS: [\n  { MATCH: "all and nobody" }\n]\n';
  const { config } = parseConfig(text);
  assert.deepEqual(validatePolicies(config, snapshot(['amy']), 'cfg').map((e) => [e.message, e.location.line, e.location.column]), [
    ['policy 1 match: nobody must be either org or person', 2, 21],
  ]);
  assert.deepEqual(validatePolicies(config, snapshot(['amy', 'nobody']), 'cfg'), []);
});

test('counts must be positive, in every expression field', () => {
  const { config } = parseConfig('approvals: [\n  {\n    authormatch: "all[count=0]"\n  }\n]\n');
  const errors = validatePolicies(config, snapshot(['amy']), '.checks-out');
  assert.deepEqual(errors.map((e) => [e.message, e.location.line]), [['policy 1 authormatch: approval count must be positive', 3]]);
});
