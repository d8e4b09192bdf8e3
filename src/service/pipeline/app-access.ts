/**
 * GitHub App mode: how the pipeline reaches a repository. Installation clients come from `@octokit/app`
 * built on the service's client class, so every installation request gets retry, throttling, the ETag
 * cache and call counting. The installation id is taken from the delivery when it carries one, else
 * asked of GitHub (`GET /repos/{owner}/{repo}/installation`, app JWT) and remembered.
 */
import { App } from '@octokit/app';
import type { Octokit } from '@octokit/rest';
import type { GitHubClientClass } from '../github/client.js';
import type { PrGitHub } from './github-port.js';
import type { RepoAccess } from './handler.js';
import { octokitPort } from './octokit-port.js';

export interface AppAccessOptions {
  appId: number;
  privateKey: string;
  /** From `createGitHubClientClass` (carries the API base URL and every plugin). */
  Client: GitHubClientClass;
  /** Bounds the per-repository installation memory (default 10 000). */
  maxRepos?: number;
}

export interface AppAccess extends RepoAccess {
  /** Forgets what is known of a repository's installation, or of every installation. */
  forget(repo?: string): void;
  /**
   * Forgets an installation's client and cached token and which repositories it served (on
   * `installation.deleted` / `suspend` / `unsuspend`: GitHub revokes its tokens), so the next delivery
   * asks for a new token instead of using a revoked one.
   */
  forgetInstallation(id: number): void;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

export function createAppAccess(o: AppAccessOptions): AppAccess {
  const app = new App({ appId: o.appId, privateKey: o.privateKey, Octokit: o.Client });
  const ports = new Map<number, Promise<PrGitHub>>();
  const installationOf = new Map<string, number>();
  /** Installations whose cached token GitHub revoked: the next client first asks for a new one. */
  const revoked = new Set<number>();
  const max = o.maxRepos ?? 10_000;

  const portFor = (id: number): Promise<PrGitHub> => {
    let p = ports.get(id);
    if (p === undefined) {
      // The app's token cache is shared by every client it makes: replace the revoked token in it first.
      const fresh = revoked.has(id)
        ? app.octokit.auth({ type: 'installation', installationId: id, refresh: true }).then(() => revoked.delete(id))
        : Promise.resolve();
      // The installation Octokit renews its token itself; one per installation keeps its ETag scope warm.
      p = fresh.then(() => app.getInstallationOctokit(id)).then((octokit) => octokitPort(octokit as unknown as Octokit, { checks: true }));
      p.catch(() => ports.delete(id));
      ports.set(id, p);
    }
    return p;
  };

  const lookUp = async (repo: string): Promise<number | undefined> => {
    const known = installationOf.get(repo.toLowerCase());
    if (known !== undefined) return known;
    const [owner, name] = repo.split('/');
    try {
      const { data } = await app.octokit.request('GET /repos/{owner}/{repo}/installation', { owner, repo: name });
      const id = (data as { id?: unknown }).id;
      return typeof id === 'number' ? id : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined; // not installed there
      throw err;
    }
  };

  return {
    async forRepo(repo, installationId) {
      const id = installationId ?? (await lookUp(repo));
      if (id === undefined) return undefined;
      const gh = await portFor(id);
      if (installationOf.size >= max) installationOf.clear();
      installationOf.set(repo.toLowerCase(), id);
      // On a user repository `repo-self` means its owner, the account the app is installed on.
      return { gh, enablingUser: repo.split('/')[0] };
    },
    forget(repo) {
      if (repo === undefined) {
        installationOf.clear();
        ports.clear();
      } else installationOf.delete(repo.toLowerCase());
    },
    forgetInstallation(id) {
      ports.delete(id);
      if (revoked.size >= max) revoked.clear();
      revoked.add(id);
      for (const [repo, known] of installationOf) if (known === id) installationOf.delete(repo);
    },
  };
}
