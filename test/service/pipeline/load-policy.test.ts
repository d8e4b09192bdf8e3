/**
 * Where loadPolicy finds the policy files (spec §2.1, §4.1), against the local GitHub through the real port:
 * the repository's own files (at the default branch or at a PR's ref), else the organisation's template in
 * `<org>/checks-out-configuration`, which is always read from that repository's default branch.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import type { PrGitHub, RepoData, RepoRef } from '../../../src/service/pipeline/github-port.js';
import { loadPolicy, type LoadPolicyOptions } from '../../../src/service/pipeline/load-policy.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { octokitPort } from '../../../src/service/pipeline/octokit-port.js';

const ORG_REPO: RepoData = { defaultBranch: 'main', isOrg: true, private: false };
const USER_REPO: RepoData = { defaultBranch: 'main', isOrg: false, private: false };
const GOOD = '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n';
const TWO = '{ approvals: [ { match: "all[count=2,self=false]" } ] }\n';
const BROKEN = '{ approvals: [ { match: "all[count=1] and" } ] }\n';

interface Read {
  repo: string;
  path: string;
  gitRef: string | undefined;
}

let lg: LocalGitHub;
let gh: PrGitHub;
/** Every file read loadPolicy made, in order (the port is real; this only records). */
const reads: Read[] = [];

before(async () => {
  lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  for (const u of ['alice', 'bob']) lg.admin.createUser(u);
  lg.admin.createOrg('acme', { admins: ['owner'], members: ['alice', 'bob'] });
  // The template repository has a branch named like the PR branch below, holding a broken template: a
  // template read at the PR's ref would find it.
  lg.admin.createRepo('acme/checks-out-configuration', { files: { 'template.checks-out': GOOD, 'template.MAINTAINERS': 'alice\nbob\n' } });
  lg.admin.push('acme/checks-out-configuration', { branch: 'feature', files: { 'template.checks-out': BROKEN }, author: 'owner' });
  // Uses the template for both files; a PR branch adds its own MAINTAINERS.
  lg.admin.createRepo('acme/templated', { files: { 'README.md': 'x\n' } });
  lg.admin.push('acme/templated', { branch: 'feature', files: { MAINTAINERS: 'alice\n  \n' }, author: 'owner' });
  // Has its own files; a PR branch deletes `.checks-out` (moving to the template).
  lg.admin.createRepo('acme/own', { files: { '.checks-out': TWO, MAINTAINERS: 'alice\nbob\n' } });
  lg.admin.push('acme/own', { branch: 'feature', files: { '.checks-out': null }, author: 'owner' });
  lg.admin.push('acme/own', { branch: 'legacy', files: { '.checks-out': null, '.lgtm': 'approvals = 2\n' }, author: 'owner' });
  lg.admin.createRepo('owner/personal', { files: { '.checks-out': GOOD, MAINTAINERS: 'alice\n' } });
  lg.admin.push('owner/personal', { branch: 'feature', files: { '.checks-out': null }, author: 'owner' });
  const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retries: 0, throttling: false });
  const port = octokitPort(new Client({ auth: token }) as unknown as Octokit, { checks: false });
  gh = {
    ...port,
    async file(ref: RepoRef, path: string, gitRef?: string) {
      reads.push({ repo: `${ref.owner}/${ref.repo}`, path, gitRef });
      return port.file(ref, path, gitRef);
    },
  };
});

after(async () => {
  await lg.close();
});

function options(gitRef?: string): LoadPolicyOptions {
  return { env: { brandingName: 'checks-out' }, membership: new MembershipCache({ ttlMs: 60_000 }), enablingUser: 'checks-out[bot]', ...(gitRef ? { gitRef } : {}) };
}

async function load(slug: string, repo: RepoData, gitRef?: string) {
  const [owner, name] = slug.split('/');
  reads.length = 0;
  const policy = await loadPolicy(gh, { owner, repo: name }, repo, options(gitRef));
  return { policy, reads: [...reads] };
}

describe('loadPolicy: where the files come from', () => {
  test('the default branch without policy files uses the template for both', async () => {
    const { policy } = await load('acme/templated', ORG_REPO);
    assert.ok(policy.ok, JSON.stringify(policy));
    assert.equal(policy.configFile, 'template.checks-out');
    assert.deepEqual([...policy.snapshot.people.keys()].sort(), ['alice', 'bob']);
  });

  test('at a PR ref: the template still applies, read from its own repository\'s default branch', async () => {
    const { policy, reads: r } = await load('acme/templated', ORG_REPO, 'feature');
    // The PR's MAINTAINERS (line 2 is blank-but-not-empty) is validated with the template's policy.
    assert.equal(policy.ok, false);
    assert.ok(!policy.ok && policy.problems.some((p) => p.file === 'MAINTAINERS' && p.line === 2 && p.source === undefined), JSON.stringify(policy));
    assert.ok(!policy.ok && !policy.problems.some((p) => /\.checks-out file not found/.test(p.message)));
    assert.deepEqual(r, [
      { repo: 'acme/templated', path: '.checks-out', gitRef: 'feature' },
      { repo: 'acme/templated', path: '.lgtm', gitRef: 'feature' },
      { repo: 'acme/checks-out-configuration', path: 'template.checks-out', gitRef: undefined },
      { repo: 'acme/templated', path: 'MAINTAINERS', gitRef: 'feature' },
    ]);
  });

  test('at a PR ref that deletes .checks-out: the template takes over', async () => {
    const before = await load('acme/own', ORG_REPO);
    assert.ok(before.policy.ok && before.policy.configFile === '.checks-out');
    const { policy, reads: r } = await load('acme/own', ORG_REPO, 'feature');
    assert.ok(policy.ok, JSON.stringify(policy));
    assert.equal(policy.configFile, 'template.checks-out');
    assert.equal(policy.config.approvals[0].matchText, 'all[count=1,self=false]');
    // The repository's own MAINTAINERS at the PR ref wins over the template's.
    assert.ok(r.some((x) => x.repo === 'acme/own' && x.path === 'MAINTAINERS' && x.gitRef === 'feature'));
    assert.ok(!r.some((x) => x.path.startsWith('template.') && x.gitRef !== undefined));
  });

  test('at a PR ref that adds a legacy .lgtm: it wins over the template', async () => {
    const { policy } = await load('acme/own', ORG_REPO, 'legacy');
    assert.ok(policy.ok, JSON.stringify(policy));
    assert.equal(policy.configFile, '.lgtm');
  });

  test('a user repository has no template, at the default branch or at a PR ref', async () => {
    assert.ok((await load('owner/personal', USER_REPO)).policy.ok);
    const { policy, reads: r } = await load('owner/personal', USER_REPO, 'feature');
    assert.deepEqual(policy.ok ? [] : policy.problems, [{ file: '.checks-out', message: '.checks-out file not found', absent: true }]);
    assert.ok(!r.some((x) => x.path.startsWith('template.')));
  });

  test('an org without a template repository: a PR ref without .checks-out is not found', async () => {
    lg.admin.createOrg('bare', { admins: ['owner'] });
    lg.admin.createRepo('bare/thing', { files: { '.checks-out': GOOD, MAINTAINERS: 'alice\n' } });
    lg.admin.push('bare/thing', { branch: 'feature', files: { '.checks-out': null }, author: 'owner' });
    const { policy } = await load('bare/thing', ORG_REPO, 'feature');
    assert.deepEqual(policy.ok ? [] : policy.problems, [{ file: '.checks-out', message: '.checks-out file not found', absent: true }]);
  });

  test('a ref that does not exist reads nothing of the repository and falls back to the template', async () => {
    const { policy } = await load('acme/templated', ORG_REPO, '0'.repeat(40));
    // The template's MAINTAINERS is used since the repository has none at that ref either.
    assert.ok(policy.ok, JSON.stringify(policy));
    assert.equal(policy.configFile, 'template.checks-out');
  });
});
