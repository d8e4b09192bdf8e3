import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describedResponses, validateResponse, validateWebhook } from './openapi-validate.js';

const run = {
  id: 4, head_sha: 'ce587453ced02b1526dfb4cb910479d431683101', node_id: 'MDg6Q2hlY2tSdW40', external_id: '',
  url: 'https://api.github.com/repos/github/hello-world/check-runs/4', html_url: 'https://github.com/github/hello-world/runs/4',
  details_url: 'https://example.com', status: 'completed', conclusion: 'neutral', started_at: '2018-05-04T01:14:52Z',
  completed_at: '2018-05-04T01:14:52Z',
  output: { title: 'Mighty Readme report', summary: 'There are 0 failures.', text: 'x', annotations_count: 2,
    annotations_url: 'https://api.github.com/repos/github/hello-world/check-runs/4/annotations' },
  name: 'mighty_readme', check_suite: { id: 5 }, app: null, pull_requests: [],
};

test('a GitHub-shaped check run validates; a broken one is reported with the failing path', () => {
  validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, run);
  validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, { ...run, conclusion: 'stale' });
  assert.throws(() => validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, { ...run, output: undefined }), /required property 'output'/);
  assert.throws(() => validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, { ...run, status: 'done' }), /\/status must be equal to one of the allowed values/);
  assert.throws(() => validateResponse('GET', '/nope', 200, {}), /no operation/);
  assert.throws(() => validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 418, {}), /documents no 418/);
});

test('the subset holds all eleven checks operations', () => {
  const all = describedResponses().join('\n');
  for (const op of ['POST /repos/{owner}/{repo}/check-runs 201', 'PATCH /repos/{owner}/{repo}/check-suites/preferences 200',
    'POST /repos/{owner}/{repo}/check-suites 201', 'POST /repos/{owner}/{repo}/check-suites 200',
    'GET /repos/{owner}/{repo}/commits/{ref}/check-suites 200', 'POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest 201']) {
    assert.ok(all.includes(op), op);
  }
});

test('webhook payloads validate against openapi-webhooks, and a wrong one does not', () => {
  const payload = { action: 'requested_action', check_run: { ...run, check_suite: { id: 5 } }, requested_action: { identifier: 'fix' },
    repository: { id: 1 }, sender: { id: 1 } };
  assert.throws(() => validateWebhook('check_run', 'requested_action', payload), /does not match/);
  assert.throws(() => validateWebhook('check_run', 'requested_action', { action: 'requested_action' }), /required property 'check_run'/);
});
