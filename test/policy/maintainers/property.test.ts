/** Hostile input: every parser gives a result or a located PolicyError, never another exception or a hang. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';
import { buildSnapshot, membershipFromData, parseMaintainers, type RepoContext } from '../../../src/policy/maintainers/index.js';

const REPOS: RepoContext[] = [
  { owner: 'acme', name: 'w', isOrg: true, enablingUser: 'me' },
  { owner: 'bob', name: 't', isOrg: false, enablingUser: 'me' },
];
const FORMATS = ['text', 'hjson', 'toml', 'legacy'] as const;
const membership = membershipFromData(
  { orgMembers: new Map([['acme', ['a', 'B']]]), orgTeams: new Map([['acme', ['t1']]]) },
  { unknownTeamIsNotFound: true, bareUsers: true },
);

const fragments = fc.constantFrom(
  'github-org ', 'github-team ', 'github-collab ', 'repo-self', ' #', '#', '\n', '\r\n', ' ', '<', '>', '(@', ')',
  'people', 'org', ':', '{', '}', '[', ']', '"', "'''", ',', '=', '[people]', '[org.g]', 'people = [', 'login',
  '__proto__', 'all', 'x', 'Alice', '\t', '\u00a0', '/', 'null', '1', 'true',
);
const texts = fc.oneof(
  fc.array(fragments, { maxLength: 25 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

function checkLocated(e: unknown, format: string, text: string): void {
  assert.ok(e instanceof PolicyError, `${format}: ${String(e)} for ${JSON.stringify(text)}`);
  for (const leaf of PolicyErrors.flatten(e)) {
    assert.equal(leaf.location.file, 'MAINTAINERS', `${format}: no file for ${JSON.stringify(leaf.message)}`);
    assert.ok(leaf.location.line !== undefined && leaf.location.line >= 1, `${format}: no line for ${JSON.stringify(leaf.message)}`);
    assert.ok(leaf.location.column !== undefined && leaf.location.column >= 1, `${format}: no column for ${JSON.stringify(leaf.message)}`);
  }
}

for (const format of FORMATS) {
  test(`property: ${format} parser and expansion never crash; errors are located`, () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(...REPOS), (text, repo) => {
        let raw;
        try {
          raw = parseMaintainers(text, format, { file: 'MAINTAINERS', repo });
        } catch (e) {
          checkLocated(e, format, text);
          return;
        }
        try {
          buildSnapshot(raw, repo, membership);
        } catch (e) {
          checkLocated(e, format, text);
        }
      }),
      { numRuns: 1500 },
    );
  });
}

test('large hostile files parse in linear time', () => {
  const line = `${'x'.repeat(20_000)} <${'y'.repeat(20_000)}`;
  for (const format of FORMATS) {
    assert.throws(() => parseMaintainers(`${line}\n`.repeat(5), format, { file: 'MAINTAINERS', repo: REPOS[0] }), PolicyError);
  }
  const many = Array.from({ length: 20_000 }, (_, i) => `user${i} <u${i}@x> (@u${i})`).join('\n');
  assert.equal(parseMaintainers(many, 'text', { file: 'MAINTAINERS', repo: REPOS[0] }).people.size, 20_000);
  const toml = Array.from({ length: 5_000 }, (_, i) => `[people.p${i}]\nlogin = "p${i}"`).join('\n') + '\n[people.bad]\nlogin = 1';
  assert.throws(() => parseMaintainers(toml, 'toml', { file: 'MAINTAINERS', repo: REPOS[0] }), /Invalid field login/);
});
