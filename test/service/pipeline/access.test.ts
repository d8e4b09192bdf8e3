/** RepoAccess in both modes against the local GitHub (real HTTP). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { openDatabase } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { createSecretBox, generateSecretKey } from '../../../src/service/secrets.js';
import { AccountStore } from '../../../src/service/store/accounts.js';
import { createAppAccess } from '../../../src/service/pipeline/app-access.js';
import { createTokenAccess } from '../../../src/service/pipeline/token-access.js';

async function world() {
  const lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  lg.admin.createUser('stranger');
  lg.admin.createOrg('acme', { admins: ['owner'] });
  lg.admin.createRepo('acme/widgets', { files: { 'README.md': 'x\n' } });
  lg.admin.createRepo('acme/other', { files: { 'README.md': 'x\n' } });
  const Client = createGitHubClientClass({ baseUrl: api_url, retries: 0, throttling: false });
  return { lg, token, Client };
}

test('App access: installation from the delivery, else looked up; not installed means undefined', async () => {
  const { lg, Client } = await world();
  try {
    const app = lg.admin.createApp('checks-out');
    const inst = lg.admin.install(app.id, 'acme', ['acme/widgets']);
    const access = createAppAccess({ appId: app.id, privateKey: app.private_key, Client });

    const looked = await access.forRepo('acme/widgets', undefined);
    assert.ok(looked);
    assert.equal(looked.enablingUser, 'acme');
    assert.equal((await looked.gh.repo({ owner: 'acme', repo: 'widgets' })).defaultBranch, 'main');
    assert.ok(looked.gh.createCheckRun, 'App mode reports with check runs');

    const given = await access.forRepo('acme/widgets', inst.id);
    assert.equal(given?.gh, looked.gh, 'one port per installation');
    assert.equal(await access.forRepo('acme/other', undefined), undefined);
    assert.equal(await access.forRepo('nobody/nothing', undefined), undefined);
    // An installation that does not exist is an error from GitHub, not a silent success.
    await assert.rejects(access.forRepo('acme/widgets', 987654).then((a) => a?.gh.repo({ owner: 'acme', repo: 'widgets' })));
  } finally {
    await lg.close();
  }
});

test('Token access: the enabling user\'s token for enabled repositories only; status only', async () => {
  const { lg, token, Client } = await world();
  const dir = mkdtempSync(join(tmpdir(), 'access-'));
  const sdb = openDatabase('sqlite', join(dir, 'db.sqlite'));
  try {
    await migrateToLatest(sdb);
    const accounts = new AccountStore(sdb, createSecretBox(generateSecretKey()));
    const userId = await accounts.upsertUser({ login: 'owner', token, secret: 's' });
    await accounts.upsertRepo({ userId, owner: 'acme', name: 'widgets', hookSecret: 'h', org: true });
    const access = createTokenAccess({ accounts, Client });

    const a = await access.forRepo('ACME/Widgets', undefined);
    assert.ok(a);
    assert.equal(a.enablingUser, 'owner');
    assert.equal(a.gh.createCheckRun, undefined);
    const sha = lg.admin.repo('acme/widgets').refs.get('refs/heads/main')!;
    await a.gh.createStatus({ owner: 'acme', repo: 'widgets' }, { sha, state: 'pending', context: 'approvals/checks-out', description: 'x' });
    assert.equal(await access.forRepo('acme/other', undefined), undefined);

    // A user who no longer has a token cannot be used.
    await accounts.upsertUser({ login: 'owner', token: '', secret: 's' });
    assert.equal(await access.forRepo('acme/widgets', undefined), undefined);
  } finally {
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
    await lg.close();
  }
});
