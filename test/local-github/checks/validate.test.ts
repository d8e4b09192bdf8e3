import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChecksError } from '../../../src/local-github/checks/errors.js';
import {
  validateCreateSuiteBody,
  validatePreferencesBody,
  validateRunBody,
} from '../../../src/local-github/checks/validate.js';

function rejects(fn: () => unknown): ChecksError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ChecksError, `expected ChecksError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ChecksError');
}

const annotation = { path: 'a.ts', start_line: 1, end_line: 1, annotation_level: 'warning', message: 'm' };

test('family 1: a missing head_sha reads exactly like GitHub', () => {
  const e = rejects(() => validateRunBody({ name: 'x' }, true));
  assert.equal(e.status, 422);
  assert.equal(e.body.message, 'Invalid request.\n\n"head_sha" wasn\'t supplied.');
  assert.equal(e.body.documentation_url, 'https://docs.github.com/rest/checks/runs#create-a-check-run');
  assert.equal(e.body.errors, undefined);
});

test('family 1: several missing annotation keys are listed alphabetically, one line per annotation', () => {
  const e = rejects(() =>
    validateRunBody(
      {
        name: 'x',
        head_sha: 'a',
        output: { title: 't', summary: 's', annotations: [{ start_line: 1, end_line: 1, message: 'm' }, { path: 'p', start_line: 1, end_line: 1 }] },
      },
      true,
    ),
  );
  assert.equal(
    e.body.message,
    'Invalid request.\n\n"annotation_level", "path" weren\'t supplied.\n"annotation_level", "message" weren\'t supplied.',
  );
});

test('family 1: 65,535-character limit on summary and text (update documents its own URL)', () => {
  assert.doesNotThrow(() => validateRunBody({ output: { summary: 'x'.repeat(65535) } }, false));
  const e = rejects(() => validateRunBody({ output: { summary: 'x'.repeat(95964) } }, false));
  assert.equal(e.body.message, 'Invalid request.\n\nOnly 65535 characters are allowed; 95964 were supplied.');
  assert.equal(e.body.documentation_url, 'https://docs.github.com/rest/checks/runs#update-a-check-run');
  const t = rejects(() => validateRunBody({ output: { summary: 's', text: 'y'.repeat(65536) } }, false));
  assert.equal(t.body.message, 'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.');
});

test('family 1: no more than 50 annotations per request', () => {
  const fifty = Array.from({ length: 50 }, () => annotation);
  assert.doesNotThrow(() => validateRunBody({ output: { summary: 's', annotations: fifty } }, false));
  const e = rejects(() => validateRunBody({ output: { summary: 's', annotations: [...fifty, annotation, annotation] } }, false));
  assert.equal(e.body.message, 'Invalid request.\n\nNo more than 50 items are allowed; 52 were supplied.');
});

test('family 1: at most 3 actions, with 20/40/20-character fields', () => {
  const action = { label: 'l'.repeat(20), description: 'd'.repeat(40), identifier: 'i'.repeat(20) };
  assert.doesNotThrow(() => validateRunBody({ actions: [action, action, action] }, false));
  assert.equal(
    rejects(() => validateRunBody({ actions: [action, action, action, action] }, false)).body.message,
    'Invalid request.\n\nNo more than 3 items are allowed; 4 were supplied.',
  );
  for (const [key, max] of [['label', 20], ['description', 40], ['identifier', 20]] as const) {
    const e = rejects(() => validateRunBody({ actions: [{ ...action, [key]: 'z'.repeat(max + 1) }] }, false));
    assert.equal(e.body.message, `Invalid request.\n\nOnly ${max} characters are allowed; ${max + 1} were supplied.`);
  }
  const missing = rejects(() => validateRunBody({ actions: [{ label: 'x' }] }, false));
  assert.equal(missing.body.message, 'Invalid request.\n\n"description", "identifier" weren\'t supplied.');
});

test('family 1: enums, types and date-times', () => {
  assert.match(
    String(rejects(() => validateRunBody({ name: 'n', head_sha: 'a', status: 'bogus' }, true)).body.message),
    /For 'properties\/status', "bogus" is not a member of \["queued", "in_progress", "completed"\]\./,
  );
  assert.match(
    String(rejects(() => validateRunBody({ conclusion: 'great' }, false)).body.message),
    /"great" is not a member of \["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"\]/,
  );
  assert.match(String(rejects(() => validateRunBody({ name: 5 }, false)).body.message), /For 'properties\/name', 5 is not a string\./);
  assert.match(String(rejects(() => validateRunBody({ name: null }, false)).body.message), /nil is not a string/);
  assert.match(String(rejects(() => validateRunBody({ started_at: 'yesterday' }, false)).body.message), /is not a valid date-time/);
  assert.match(
    String(rejects(() => validateRunBody({ output: { summary: 's', annotations: [{ ...annotation, annotation_level: 'error' }] } }, false)).body.message),
    /For 'properties\/annotation_level', "error" is not a member of \["notice", "warning", "failure"\]/,
  );
  assert.match(
    String(rejects(() => validateRunBody({ output: { summary: 's', annotations: [{ ...annotation, start_line: 1.5 }] } }, false)).body.message),
    /1\.5 is not an integer/,
  );
  assert.match(String(rejects(() => validateRunBody([1, 2], true)).body.message), /is not an object/);
  assert.match(String(rejects(() => validateRunBody('x', false)).body.message), /is not an object/);
});

test('family 1: create needs output title and summary, update only summary', () => {
  assert.equal(
    rejects(() => validateRunBody({ name: 'n', head_sha: 'a', output: {} }, true)).body.message,
    'Invalid request.\n\n"summary", "title" weren\'t supplied.',
  );
  assert.equal(rejects(() => validateRunBody({ output: {} }, false)).body.message, 'Invalid request.\n\n"summary" wasn\'t supplied.');
  assert.doesNotThrow(() => validateRunBody({ output: { summary: 's' } }, false));
  assert.equal(
    rejects(() => validateRunBody({ output: { summary: 's', images: [{ alt: 'a' }] } }, false)).body.message,
    'Invalid request.\n\n"image_url" wasn\'t supplied.',
  );
});

test('family 2: completed (or completed_at) without a conclusion is missing_field', () => {
  for (const body of [{ status: 'completed' }, { completed_at: '2024-01-01T00:00:00Z' }]) {
    for (const create of [true, false]) {
      const e = rejects(() => validateRunBody({ name: 'n', head_sha: 'a', ...body }, create));
      assert.deepEqual(e.body.errors, [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' }]);
      assert.equal(e.body.message, 'Validation Failed');
      assert.equal(e.status, 422);
    }
  }
});

test('family 2: stale cannot be set by a client; Actions-only statuses are refused', () => {
  const e = rejects(() => validateRunBody({ conclusion: 'stale' }, false));
  assert.equal((e.body.errors as { field: string; code: string }[])[0].code, 'invalid');
  assert.match(String(rejects(() => validateRunBody({ status: 'waiting' }, false)).body.message), /Validation Failed/);
  // Actions-only statuses are not even in the create enum.
  assert.match(String(rejects(() => validateRunBody({ name: 'n', head_sha: 'a', status: 'pending' }, true)).body.message), /Invalid request/);
});

test('family 2: annotation prose limits (lines from 1, columns on one line, 255-char title, 64 KB texts)', () => {
  const bad = (a: Record<string, unknown>) =>
    (rejects(() => validateRunBody({ output: { summary: 's', annotations: [{ ...annotation, ...a }] } }, false)).body.errors as { field: string }[]).map((x) => x.field);
  assert.deepEqual(bad({ start_line: 0, end_line: 0 }), ['output.annotations[0].start_line']);
  assert.deepEqual(bad({ start_line: 3, end_line: 2 }), ['output.annotations[0].end_line']);
  assert.deepEqual(bad({ start_line: 1, end_line: 2, start_column: 1 }), ['output.annotations[0].start_column']);
  assert.deepEqual(bad({ start_column: 0 }), ['output.annotations[0].start_column']);
  assert.deepEqual(bad({ start_column: 5, end_column: 4 }), ['output.annotations[0].end_column']);
  assert.deepEqual(bad({ title: 't'.repeat(256) }), ['output.annotations[0].title']);
  assert.deepEqual(bad({ message: 'm'.repeat(64 * 1024 + 1) }), ['output.annotations[0].message']);
  assert.deepEqual(bad({ raw_details: 'é'.repeat(32 * 1024 + 1) }), ['output.annotations[0].raw_details']);
  assert.doesNotThrow(() =>
    validateRunBody({ output: { summary: 's', annotations: [{ ...annotation, title: 't'.repeat(255), message: 'm'.repeat(64 * 1024), start_column: 2, end_column: 2 }] } }, false),
  );
});

test('a valid create body is normalised (conclusion kept, unknown keys ignored, no prototype pollution)', () => {
  const input = validateRunBody(
    JSON.parse('{"name":"n","head_sha":"abc","conclusion":"success","__proto__":{"polluted":1},"output":{"title":"t","summary":"s","annotations":[{"path":"p","start_line":2,"end_line":2,"annotation_level":"notice","message":"m"}]}}'),
    true,
  );
  assert.equal(input.conclusion, 'success');
  assert.equal(input.output?.annotations[0].start_column, null);
  assert.equal(input.output?.images, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('suite bodies: head_sha required; preferences items need app_id and setting', () => {
  assert.equal(rejects(() => validateCreateSuiteBody({})).body.message, 'Invalid request.\n\n"head_sha" wasn\'t supplied.');
  assert.deepEqual(validateCreateSuiteBody({ head_sha: 'abc' }), { headSha: 'abc' });
  assert.equal(
    rejects(() => validatePreferencesBody({ auto_trigger_checks: [{ app_id: 1 }] })).body.message,
    'Invalid request.\n\n"setting" wasn\'t supplied.',
  );
  assert.match(String(rejects(() => validatePreferencesBody({ auto_trigger_checks: [{ app_id: 'x', setting: true }] })).body.message), /is not an integer/);
  assert.deepEqual(validatePreferencesBody({ auto_trigger_checks: [{ app_id: 3, setting: false }] }), [{ app_id: 3, setting: false }]);
  assert.deepEqual(validatePreferencesBody(undefined), []);
});
