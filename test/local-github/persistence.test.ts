import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { quiet, seedBasic, startWorld } from './helpers.js';
import { createLocalGitHub } from '../../src/local-github/server.js';


test('saved state includes extension state (check runs) and installation tokens', async (t) => {
  const w = await startWorld();
  const dir = mkdtempSync(join(tmpdir(), 'lg-persist-'));
  try {
    await seedBasic(w);
    if (!w.lg.state.extension('checks')) return t.skip('the Checks module is not loaded');
    const app = w.lg.admin.createApp('persist');
    const inst = w.lg.admin.install('persist', 'acme', 'all');
    const token = w.lg.admin.installationToken(inst.id);
    const o = new Octokit({ baseUrl: w.apiUrl, auth: token, log: quiet });
    const sha = w.lg.admin.repo('acme/widgets').refs.get('refs/heads/main')!;
    const run = await o.checks.create({ owner: 'acme', repo: 'widgets', name: 'saved', head_sha: sha, status: 'in_progress' });
    const file = join(dir, 's.json');
    await w.lg.save(file);

    const other = createLocalGitHub({ clock: w.clock });
    const where = await other.start(0);
    try {
      await other.load(file);
      const o2 = new Octokit({ baseUrl: where.api_url, auth: token, log: quiet });
      const got = await o2.checks.get({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id });
      assert.equal(got.data.name, 'saved');
      assert.equal(got.data.status, 'in_progress');
      assert.equal(got.data.app?.id, app.id);
      // New runs get fresh ids after the loaded ones.
      const next = await o2.checks.create({ owner: 'acme', repo: 'widgets', name: 'after', head_sha: sha });
      assert.ok(next.data.id > run.data.id);
    } finally {
      await other.close();
    }
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
