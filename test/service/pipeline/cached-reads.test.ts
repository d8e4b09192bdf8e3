/**
 * The port one evaluation reads through, against the local GitHub over real HTTP: PR file lists kept per
 * (head, base) and bounded, default-branch files through the policy file cache (change-log id read before
 * each fetch), everything else passed through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { cachedReads, MAX_CACHED_FILES } from '../../../src/service/pipeline/cached-reads.js';
import type { PrGitHub, PullData } from '../../../src/service/pipeline/github-port.js';
import { octokitPort } from '../../../src/service/pipeline/octokit-port.js';
import { PolicyFileCache } from '../../../src/service/pipeline/policy-files.js';
import { PullCache } from '../../../src/service/pipeline/pull-cache.js';

async function world() {
  const lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('carol');
  lg.admin.createRepo('carol/widgets', { files: { '.checks-out': '{}\n', 'README.md': 'x\n' } });
  const calls: string[] = [];
  const real = octokitPort(new Octokit({ baseUrl: api_url, auth: token }), { checks: false });
  // Counts what reaches GitHub (the real port does the work).
  const gh: PrGitHub = {
    ...real,
    files: (ref, n) => (calls.push(`files#${n}`), real.files(ref, n)),
    file: (ref, path, gitRef) => (calls.push(`file:${path}${gitRef ? `@${gitRef}` : ''}`), real.file(ref, path, gitRef)),
  };
  const ref = { owner: 'carol', repo: 'widgets' };
  return { lg, gh, calls, ref, real };
}

test('PR file lists: read once per (head, base); a new head or base lists them again; long lists are not kept', async () => {
  const { lg, gh, calls, ref, real } = await world();
  try {
    lg.admin.push('carol/widgets', { branch: 'small', author: 'carol', files: { 'src/a.ts': 'a\n' } });
    const small = lg.admin.openPull('carol/widgets', { author: 'carol', title: 'small', head: 'small' });
    const big = Object.fromEntries(Array.from({ length: MAX_CACHED_FILES + 1 }, (_, i) => [`gen/f${i}.ts`, `${i}\n`]));
    lg.admin.push('carol/widgets', { branch: 'big', author: 'carol', files: big });
    const large = lg.admin.openPull('carol/widgets', { author: 'carol', title: 'big', head: 'big' });
    const pulls = new PullCache();
    const pullData = async (n: number): Promise<PullData> => real.pull(ref, n);
    const reads = (pull: PullData) => cachedReads(gh, { pulls, pull, changesSeen: () => 0, reader: 'app', now: Date.now });

    const p = await pullData(small.number);
    assert.deepEqual(await reads(p).files(ref, p.number), ['src/a.ts']);
    assert.deepEqual(await reads(p).files(ref, p.number), ['src/a.ts']);
    assert.deepEqual(calls.filter((c) => c.startsWith('files')), [`files#${p.number}`], 'the second evaluation did not ask');
    // Another base SHA for the same head (the base branch moved): listed again.
    await reads({ ...p, baseSha: 'f'.repeat(40) }).files(ref, p.number);
    assert.equal(calls.filter((c) => c.startsWith('files')).length, 2);

    const q = await pullData(large.number);
    assert.equal((await reads(q).files(ref, q.number)).length, MAX_CACHED_FILES + 1);
    await reads(q).files(ref, q.number);
    assert.equal(calls.filter((c) => c === `files#${q.number}`).length, 2, 'a list over the bound is read each time');
  } finally {
    await lg.close();
  }
});

test('default-branch files go through the policy file cache; the change-log id is read before the fetch; PR-head reads pass through', async () => {
  const { lg, gh, calls, ref, real } = await world();
  try {
    lg.admin.push('carol/widgets', { branch: 'f', author: 'carol', files: { 'src/a.ts': 'a\n' } });
    const pr = await real.pull(ref, lg.admin.openPull('carol/widgets', { author: 'carol', title: 't', head: 'f' }).number);
    const files = new PolicyFileCache({ ttlMs: 60_000 });
    let seen = 7;
    const order: string[] = [];
    const port = cachedReads({ ...gh, file: (r, p, g) => (order.push('fetch'), gh.file(r, p, g)) }, {
      pulls: new PullCache(), pull: pr, policyFiles: files, reader: 'app', now: Date.now,
      changesSeen: () => (order.push('seen'), seen),
    });
    assert.equal(await port.file(ref, '.checks-out'), '{}\n');
    assert.deepEqual(order, ['seen', 'fetch'], 'the id the answer is stored under predates the fetch');
    assert.equal(await port.file(ref, '.checks-out'), '{}\n');
    assert.equal(await port.file(ref, 'MAINTAINERS'), null);
    assert.equal(await port.file(ref, 'MAINTAINERS'), null, 'an absent file is remembered too');
    assert.deepEqual(calls, ['file:.checks-out', 'file:MAINTAINERS']);
    // A push announced in the log (id 8): the next read asks GitHub again.
    files.changed('carol/widgets', 8);
    seen = 8;
    await port.file(ref, '.checks-out');
    assert.equal(calls.filter((c) => c === 'file:.checks-out').length, 2);
    // Reads at a PR's head are never cached.
    await port.file(ref, '.checks-out', pr.headSha);
    await port.file(ref, '.checks-out', pr.headSha);
    assert.equal(calls.filter((c) => c.startsWith('file:.checks-out@')).length, 2);
  } finally {
    await lg.close();
  }
});
