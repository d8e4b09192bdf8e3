/**
 * Token mode: a repository created in an organisation checks-out is enabled for is enabled quietly (spec
 * §15.2, §15.1 steps 1–6 without validation), with the organisation's enabling user's token; a deleted one
 * is forgotten. Its own small GitHub port keeps the wire shapes in `enrol-port.ts` and this file testable.
 */
import { randomBytes } from 'node:crypto';
import type { AccountStore } from '../store/accounts.js';

/** What checks-out needs to hear about an enabled repository (`push` and `repository` for push times and policy files). */
export const REPO_HOOK_EVENTS: readonly string[] = ['issue_comment', 'status', 'pull_request', 'pull_request_review', 'push', 'repository'];

export interface EnrolRepo {
  owner: string;
  name: string;
  htmlUrl: string;
  private: boolean;
  isOrg: boolean;
  defaultBranch: string;
}

/** The default branch's protection as far as enabling cares: its required status contexts, if any are required. */
export type BranchProtectionState = { kind: 'no-branch' } | { kind: 'unprotected' } | { kind: 'protected'; contexts: string[] | null };

export interface EnrolGitHub {
  /** null when the repository does not exist (or the token cannot see it). */
  repo(owner: string, name: string): Promise<EnrolRepo | null>;
  hooks(owner: string, name: string): Promise<{ id: number; url: string }[]>;
  deleteHook(owner: string, name: string, id: number): Promise<void>;
  /** Returns the new hook's id. */
  createHook(owner: string, name: string, hook: { url: string; secret: string; events: readonly string[] }): Promise<number>;
  protection(owner: string, name: string, branch: string): Promise<BranchProtectionState>;
  /** Protects an unprotected branch with only this required context (strict), nothing else. */
  protect(owner: string, name: string, branch: string, context: string): Promise<void>;
  /** Turns on required status checks (strict) with this context on a protected branch that had none. */
  requireChecks(owner: string, name: string, branch: string, context: string): Promise<void>;
  /** Adds a context to the required ones, keeping the others. */
  addRequiredContext(owner: string, name: string, branch: string, context: string): Promise<void>;
}

export interface EnrolOptions {
  accounts: AccountStore;
  /** The URL GitHub posts this service's webhooks to (`<PUBLIC_URL>/hook`). */
  hookUrl: string;
  /** The status context to require on the default branch (`approvals/<branding>`). */
  context: string;
  /** The repository hook's secret (default: 32 random bytes, hex). */
  newSecret?: () => string;
}

export type EnrolOutcome =
  | { outcome: 'enabled'; repo: string; hooksReplaced: number; protection: 'created' | 'checks-required' | 'context-added' | 'already-required' | 'no-branch' }
  | { outcome: 'already-enabled' | 'org-not-enabled' | 'no-token' | 'not-found' | 'forgotten' | 'not-enabled'; repo: string };

/** Same scheme, host and port: another checks-out instance's hook (or an old one of ours) is replaced, others kept. */
export function sameHost(url: string, hookUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(hookUrl);
    return a.protocol === b.protocol && a.host.toLowerCase() === b.host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Enables `owner/name` quietly for the organisation's enabling user: already enabled → nothing. The row is
 * claimed first (only one of two concurrent enrolments gets it and goes on), so the hook's first deliveries
 * (GitHub sends a ping at once) find their secret. If a GitHub step fails, the hook made here is deleted
 * and the row removed (only while it still holds this secret), and the error thrown: the retry starts over.
 */
export async function enableRepoQuietly(gh: EnrolGitHub, owner: string, name: string, userId: number, o: EnrolOptions): Promise<EnrolOutcome> {
  const slug = `${owner}/${name}`;
  if (await o.accounts.findRepo(slug)) return { outcome: 'already-enabled', repo: slug };
  const repo = await gh.repo(owner, name);
  if (repo === null) return { outcome: 'not-found', repo: slug };
  const full = `${repo.owner}/${repo.name}`;
  const secret = (o.newSecret ?? (() => randomBytes(32).toString('hex')))();
  const claimed = await o.accounts.insertRepoIfAbsent({ userId, owner: repo.owner, name: repo.name, link: repo.htmlUrl, private: repo.private, hookSecret: secret, org: repo.isOrg });
  if (!claimed) return { outcome: 'already-enabled', repo: full };
  let hookId: number | undefined;
  try {
    let hooksReplaced = 0;
    for (const h of await gh.hooks(repo.owner, repo.name)) {
      if (!sameHost(h.url, o.hookUrl)) continue;
      await gh.deleteHook(repo.owner, repo.name, h.id);
      hooksReplaced++;
    }
    hookId = await gh.createHook(repo.owner, repo.name, { url: o.hookUrl, secret, events: REPO_HOOK_EVENTS });
    const protection = await requireContext(gh, repo, o.context);
    return { outcome: 'enabled', repo: full, hooksReplaced, protection };
  } catch (err) {
    // Best effort: a hook whose secret no row holds would be refused forever.
    if (hookId !== undefined) await gh.deleteHook(repo.owner, repo.name, hookId).catch(() => {});
    await o.accounts.deleteRepoIfSecret(full, secret);
    throw err;
  }
}

/** Makes the context required on the default branch, keeping every other protection setting. */
async function requireContext(gh: EnrolGitHub, repo: EnrolRepo, context: string): Promise<Extract<EnrolOutcome, { outcome: 'enabled' }>['protection']> {
  if (repo.defaultBranch === '') return 'no-branch';
  const p = await gh.protection(repo.owner, repo.name, repo.defaultBranch);
  if (p.kind === 'no-branch') return 'no-branch'; // an empty repository: nothing to protect yet
  if (p.kind === 'unprotected') {
    await gh.protect(repo.owner, repo.name, repo.defaultBranch, context);
    return 'created';
  }
  if (p.contexts === null) {
    await gh.requireChecks(repo.owner, repo.name, repo.defaultBranch, context);
    return 'checks-required';
  }
  if (p.contexts.includes(context)) return 'already-required';
  await gh.addRequiredContext(repo.owner, repo.name, repo.defaultBranch, context);
  return 'context-added';
}

/** A deleted repository is no longer enabled (its hooks went with it). The original's check was inverted (spec §19). */
export async function forgetRepo(accounts: AccountStore, owner: string, name: string): Promise<EnrolOutcome> {
  const repo = `${owner}/${name}`;
  return { outcome: (await accounts.deleteRepo(repo)) ? 'forgotten' : 'not-enabled', repo };
}
