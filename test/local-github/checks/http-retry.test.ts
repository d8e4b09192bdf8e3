import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { startWorld, type World } from './harness.js';
import { issueInstallationToken } from '../../../src/local-github/domain/apps.js';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

function client(onSecondary: () => boolean) {
  const Resilient = Octokit.plugin(retry, throttling);
  return new Resilient({
    baseUrl: w.apiUrl,
    auth: issueInstallationToken(w.lg.state, w.installations.checker).token,
    retry: { retryAfterBaseValue: 10 },
    throttle: { onRateLimit: () => true, onSecondaryRateLimit: onSecondary },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

test('5xx on check-run creation is retried by @octokit/plugin-retry and creates exactly one run', async () => {
  const octokit = client(() => false);
  w.lg.faults.add({ method: 'POST', path: '/repos/acme/widgets/check-runs', kind: 'status', status: 502, times: 2 });
  const run = await octokit.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'retried', head_sha: w.sha });
  assert.equal(run.status, 201);
  const list = await octokit.rest.checks.listForRef({ owner: 'acme', repo: 'widgets', ref: w.sha, check_name: 'retried', filter: 'all' });
  assert.equal(list.data.total_count, 1);
  await w.take();
});

test('a secondary rate limit on update is honoured by @octokit/plugin-throttling (Retry-After), then succeeds', async () => {
  let limited = 0;
  const octokit = client(() => {
    limited++;
    return true;
  });
  const run = await octokit.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'throttled', head_sha: w.sha });
  w.lg.faults.add({ method: 'PATCH', path: `/repos/acme/widgets/check-runs/${run.data.id}`, kind: 'secondary_rate_limit', retryAfter: 1, times: 1 });
  const updated = await octokit.rest.checks.update({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id, conclusion: 'success' });
  assert.equal(updated.data.conclusion, 'success');
  assert.equal(limited, 1);
  await w.take();
});

test('422 is not retried: the validation error reaches the caller at once', async () => {
  const octokit = client(() => false);
  let calls = 0;
  octokit.hook.before('request', () => {
    calls++;
  });
  await assert.rejects(octokit.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'bad', head_sha: w.sha, status: 'completed' }), { status: 422 });
  assert.equal(calls, 1);
});
