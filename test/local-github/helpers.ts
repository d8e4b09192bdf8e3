/**
 * Test fixture: a running local GitHub on an ephemeral loopback port, with a small world and Octokit clients.
 * Every response those clients receive is validated against GitHub's OpenAPI description; `close()` fails
 * the test that used the world if any response did not match.
 */
import assert from 'node:assert/strict';
import { RequestError } from '@octokit/request-error';
import type { Octokit } from '@octokit/rest';
import { validatingOctokit } from './schemas.js';
import { createLocalGitHub, type LocalGitHub } from '../../src/local-github/server.js';
import { AdjustableClock } from '../../src/local-github/clock.js';

export interface World {
  lg: LocalGitHub;
  clock: AdjustableClock;
  apiUrl: string;
  webUrl: string;
  /** Octokit authenticated as a user (personal token), or anonymous without a login. */
  octo(login?: string): Octokit;
  close(): Promise<void>;
}

export const T0 = Date.parse('2024-03-01T12:00:00Z');

export async function startWorld(opts: { rateLimit?: { authenticated?: number; anonymous?: number } } = {}): Promise<World> {
  const clock = new AdjustableClock(T0);
  const lg = createLocalGitHub({ clock, rateLimit: opts.rateLimit });
  const { api_url, web_url } = await lg.start(0);
  const problems: string[] = [];
  return {
    lg, clock, apiUrl: api_url, webUrl: web_url,
    octo(login?: string) {
      const auth = login ? lg.admin.tokensOf(login)[0] : undefined;
      return validatingOctokit(api_url, auth, problems);
    },
    async close() {
      await lg.close();
      if (problems.length > 0) throw new Error(`responses that do not match GitHub's OpenAPI description:\n${[...new Set(problems)].slice(0, 20).join('\n')}`);
    },
  };
}

/** alice (org admin), bob (member, team reviewers), carol (outsider); org acme; public acme/widgets, private acme/secret. */
export async function seedBasic(w: World): Promise<void> {
  const a = w.lg.admin;
  a.createUser('alice', { name: 'Alice A', email: 'alice@example.com' });
  a.createUser('bob', { email: 'bob@example.com' });
  a.createUser('carol');
  a.createOrg('acme', { admins: ['alice'], members: ['bob'] });
  a.createRepo('acme/widgets', { files: { 'README.md': '# widgets\n', 'src/a.txt': 'one\ntwo\n' } });
  a.createRepo('acme/secret', { private: true, files: { 'x.txt': 'hidden\n' } });
  a.createTeam('acme', 'Reviewers', { members: ['bob'], repos: { widgets: 'write' } });
}

/** An Octokit `log` that says nothing (tests assert on results, not on Octokit's warnings). */
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The RequestError a call must fail with; fails the test when the call succeeds. */
export async function failure(p: Promise<unknown>): Promise<RequestError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  assert.fail('expected the request to fail');
}
