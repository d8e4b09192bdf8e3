import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { quiet, seedBasic, startWorld, type World } from '../helpers.js';
import { reports } from './report-fixtures.js';

let w: World;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  w.lg.admin.createApp('gate', {});
  w.lg.admin.install('gate', 'acme', 'all');
});
after(async () => {
  await w.close();
});

async function installationClient(): Promise<Octokit> {
  const rec = w.lg.admin.app('gate');
  const app = new App({ appId: rec.id, privateKey: rec.private_key, Octokit: Octokit.defaults({ baseUrl: w.apiUrl, log: quiet }), log: quiet });
  const inst = [...w.lg.state.installations.values()].find((i) => i.appId === rec.id)!;
  return (await app.getInstallationOctokit(inst.id)) as unknown as Octokit;
}

test('the PR page and the run page render check-run output as Markdown, safely', async (t) => {
  if (!w.lg.state.extension('checks')) return t.skip('the Checks module is not loaded');
  const a = w.lg.admin;
  const sha = a.push('acme/widgets', { branch: 'md', files: { 'm.txt': 'm\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'Markdown', head: 'md' });
  const octo = await installationClient();
  const run = await octo.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: 'acme', repo: 'widgets', name: 'checks-out', head_sha: sha, status: 'completed', conclusion: 'success',
    output: { title: 'approved by bob', summary: reports.approved(), text: '## Notes\n\n[docs](https://example.com/d) [x](javascript:alert%281%29)\n\n<script>alert(1)</script>' },
  });

  const pull = await (await fetch(`${w.webUrl}/acme/widgets/pull/${pr.number}`)).text();
  const runPage = await (await fetch(`${w.webUrl}/acme/widgets/runs/${run.data.id}`)).text();
  for (const body of [pull, runPage]) {
    assert.match(body, /<div class="md"><p><strong>approved by bob<\/strong><\/p>/);
    assert.match(body, /<table><thead><tr><th>Check<\/th><th>Result<\/th><\/tr><\/thead>/);
    assert.match(body, /<details><summary>Effective configuration<\/summary>\n<pre><code>\{/);
    assert.match(body, /<h2>Notes<\/h2>\n<p><a href="https:\/\/example.com\/d" rel="nofollow noopener">docs<\/a> x<\/p>/);
    assert.ok(!body.includes('<script>alert(1)</script>'));
    assert.ok(body.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.ok(!body.includes('javascript:'));
  }
});
