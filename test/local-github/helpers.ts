/** Test fixture: a running local GitHub on an ephemeral loopback port, with a small world and Octokit clients. */
import { Octokit } from '@octokit/rest';
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
  return {
    lg, clock, apiUrl: api_url, webUrl: web_url,
    octo(login?: string) {
      const auth = login ? lg.admin.tokensOf(login)[0] : undefined;
      return new Octokit({ baseUrl: api_url, auth, log: { debug() {}, info() {}, warn() {}, error() {} } });
    },
    close: () => lg.close(),
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
