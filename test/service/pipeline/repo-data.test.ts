import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoDataFromPayloads, repoFromPayload } from '../../../src/service/pipeline/repo-data.js';

const full = { full_name: 'acme/widgets', default_branch: 'main', private: false, owner: { login: 'acme', type: 'Organization' } };

test('repoFromPayload: default branch, organisation-owned and private from a full repository object', () => {
  assert.deepEqual(repoFromPayload(full), { defaultBranch: 'main', isOrg: true, private: false });
  assert.deepEqual(repoFromPayload({ ...full, private: true, owner: { login: 'alice', type: 'User' } }), { defaultBranch: 'main', isOrg: false, private: true });
  assert.deepEqual(repoFromPayload({ ...full, default_branch: 'release/2.x' })?.defaultBranch, 'release/2.x');
});

test('repoFromPayload: anything missing, mistyped or not a branch name is refused (the caller reads GitHub instead)', () => {
  const bad: unknown[] = [
    null, 'acme/widgets', [], 7,
    { full_name: 'acme/widgets' }, // the pipeline's own follow-ups carry only this
    { ...full, default_branch: undefined },
    { ...full, default_branch: '' },
    { ...full, default_branch: 42 },
    { ...full, default_branch: 'x'.repeat(256) },
    ...['a b', 'a..b', '-x', 'x/', 'x.lock', 'a\nb', 'a~1', 'a^', 'a:b', 'a\\b', 'a@{1}', '/x', 'a//b'].map((b) => ({ ...full, default_branch: b })),
    { ...full, private: 'false' },
    { ...full, private: undefined },
    { ...full, owner: null },
    { ...full, owner: { type: 7 } },
    JSON.parse('{"default_branch":"main","__proto__":{"private":false,"owner":{"type":"Organization"}}}'),
  ];
  for (const v of bad) assert.equal(repoFromPayload(v), undefined, JSON.stringify(v));
});

test('repoDataFromPayloads: the newest complete repository object of that repository', () => {
  const older = { repository: { ...full, default_branch: 'master' } };
  const newer = { repository: { ...full, full_name: 'ACME/Widgets', default_branch: 'main' } };
  assert.equal(repoDataFromPayloads([older, newer], 'acme/widgets')?.defaultBranch, 'main');
  assert.equal(repoDataFromPayloads([older, { repository: { full_name: 'acme/widgets' } }], 'acme/widgets')?.defaultBranch, 'master', 'an incomplete one is skipped');
  assert.equal(repoDataFromPayloads([newer], 'acme/other'), undefined, 'another repository');
  assert.equal(repoDataFromPayloads([{ repository: { full_name: 'acme/widgets' } }, {}, { repository: 'acme/widgets' }], 'acme/widgets'), undefined);
  assert.equal(repoDataFromPayloads([], 'acme/widgets'), undefined);
});
