/**
 * Token mode (checks-out's original model): a repository is reached with the OAuth token of the user who
 * enabled it, read from the account store. Reports are commit statuses only: check runs need an App.
 */
import type { GitHubClientClass } from '../github/client.js';
import type { AccountStore } from '../store/accounts.js';
import type { Octokit } from '@octokit/rest';
import type { PrGitHub } from './github-port.js';
import type { RepoAccess } from './handler.js';
import { octokitPort } from './octokit-port.js';
import { enrolPort } from '../enrol/enrol-port.js';
import { enableRepoQuietly, forgetRepo, type EnrolOutcome } from '../enrol/repo-enrolment.js';
import type { Enrolment } from './targets.js';

export interface TokenAccessOptions {
  accounts: AccountStore;
  Client: GitHubClientClass;
  /** Bounds the per-user client memory (default 1 000). */
  maxClients?: number;
  /**
   * Org auto-enrol (spec §15.2): where new repositories' hooks post (`<PUBLIC_URL>/hook`) and the status
   * context their default branch must require. Without it, new repositories are not enabled.
   */
  enrol?: { hookUrl: () => string; context: string };
}

export function createTokenAccess(o: TokenAccessOptions): RepoAccess {
  // Keyed by user id and token, so a re-login with a new token gets a new client (and cache scope).
  const clients = new Map<string, PrGitHub>();
  const max = o.maxClients ?? 1000;
  return {
    async forRepo(repo) {
      const enabled = await o.accounts.findRepo(repo);
      if (enabled === undefined) return undefined;
      const user = await o.accounts.userToken(enabled.userId);
      if (user === undefined || user.token === '') return undefined;
      const key = `${enabled.userId}:${user.token}`;
      let gh = clients.get(key);
      if (gh === undefined) {
        if (clients.size >= max) clients.clear();
        gh = octokitPort(new o.Client({ auth: user.token }) as unknown as Octokit, { checks: false });
        clients.set(key, gh);
      }
      return { gh, enablingUser: user.login };
    },
    async enrol(e: Enrolment): Promise<EnrolOutcome> {
      const repo = `${e.owner}/${e.name}`;
      if (e.action === 'deleted') return forgetRepo(o.accounts, e.owner, e.name);
      if (o.enrol === undefined) return { outcome: 'org-not-enabled', repo };
      // Quietly, as the user who enabled the organisation.
      const org = await o.accounts.findOrg(e.owner);
      if (org === undefined) return { outcome: 'org-not-enabled', repo };
      const user = await o.accounts.userToken(org.userId);
      if (user === undefined || user.token === '') return { outcome: 'no-token', repo };
      const gh = enrolPort(new o.Client({ auth: user.token }) as unknown as Octokit);
      return enableRepoQuietly(gh, e.owner, e.name, org.userId, { accounts: o.accounts, hookUrl: o.enrol.hookUrl(), context: o.enrol.context });
    },
  };
}
