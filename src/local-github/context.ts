/**
 * The context every route module receives: state, clock, caller resolution, repository lookup with GitHub's
 * visibility rules, error helpers, pagination, URL builders, serialisers, the event bus and webhooks.
 * This is the extension contract documented in docs/local-github.md ("For module authors").
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from './clock.js';
import { isoSeconds } from './clock.js';
import { nodeId, type State } from './state/store.js';
import { Git } from './state/git.js';
import type { PullRequest } from './state/types.js';
import type { Account, App, Installation, Permission, Repo } from './state/types.js';
import type { Urls } from './http/urls.js';
import { errors, GitHubError } from './http/errors.js';
import { paginate } from './http/pagination.js';
import { ANONYMOUS, type Caller } from './auth/caller.js';
import { callerPermission, requireAccess, hasAppPermission, userPermission, type RepoNeed } from './auth/access.js';
import { EventBus } from './events/bus.js';
import type { WebhookService } from './events/webhooks.js';
import { appJson, fullOrg, fullUser, installationJson, simpleOrg, simpleUser } from './serialize/accounts.js';
import { fullRepo, minimalRepo, permissionFlags } from './serialize/repos.js';

export interface Serializers {
  /** `simple-user` (owner, user, sender). */
  user(account: Account): Record<string, unknown>;
  fullUser(account: Account): Record<string, unknown>;
  org(account: Account): Record<string, unknown>;
  fullOrg(account: Account): Record<string, unknown>;
  /** `repository` (full); pass the caller's permission to include `permissions`. */
  repo(repo: Repo, permission?: Permission | null): Record<string, unknown>;
  minimalRepo(repo: Repo): Record<string, unknown>;
  /** `integration`. */
  app(app: App): Record<string, unknown>;
  installation(inst: Installation): Record<string, unknown>;
  /** GitHub's timestamp format (`2011-01-26T19:06:43Z`). */
  time(ms: number): string;
  permissionFlags(p: Permission): Record<string, boolean>;
}

export interface LocalGitHubContext {
  state: State;
  /** Git objects: resolve refs, read commits/trees/files, ancestry. */
  git: Git;
  clock: Clock;
  urls: Urls;
  errors: typeof errors;
  bus: EventBus;
  webhooks: WebhookService;
  serialize: Serializers;
  /** The caller of this request (resolved by the server before handlers run). */
  caller(req: FastifyRequest): Caller;
  /**
   * Finds `owner/repo` as the caller may see it: 404 when missing or private-and-invisible, 403 when `need`
   * is not met (installations: "Resource not accessible by integration").
   */
  repo(req: FastifyRequest, owner: string, name: string, need?: RepoNeed): Repo;
  /** The caller's permission on a repository, null when it cannot see it. */
  permission(caller: Caller, repo: Repo): Permission | null;
  userPermission(userId: number, repo: Repo): Permission | null;
  hasAppPermission: typeof hasAppPermission;
  /** Returns the page of `items` the request asks for, writing GitHub's `Link` header against `selfUrl`. */
  paginate<T>(req: FastifyRequest, reply: FastifyReply, items: readonly T[], selfUrl: string): T[];
  /** Absolute API URL of a repository resource in the `/repositories/{id}/...` form GitHub uses in links. */
  repoApiUrlById(repo: Repo, rest: string): string;
  /** Open pull requests of `repo` whose head is `sha` (same-repository heads only, as the Checks API reports). */
  pullsForHead(repo: Repo, sha: string): PullRequest[];
  /** The account a request acts as: the user, or the app's bot for installations (`<slug>[bot]`). */
  actor(req: FastifyRequest): Account;
}

export function createContext(deps: { state: State; clock: Clock; urls: Urls; webhooks: WebhookService; bus?: EventBus }): LocalGitHubContext {
  const { state, urls } = deps;
  const bus = deps.bus ?? new EventBus();
  const serialize: Serializers = {
    user: (a) => simpleUser(urls, a),
    fullUser: (a) => fullUser(urls, state, a),
    org: (a) => simpleOrg(urls, a),
    fullOrg: (a) => fullOrg(urls, state, a),
    repo: (r, p) => fullRepo(urls, state, r, p),
    minimalRepo: (r) => minimalRepo(urls, state, r),
    app: (a) => appJson(urls, state, a),
    installation: (i) => installationJson(urls, state, i),
    time: isoSeconds,
    permissionFlags,
  };
  const caller = (req: FastifyRequest): Caller => (req as FastifyRequest & { caller?: Caller }).caller ?? ANONYMOUS;
  const git = new Git(state);
  return {
    state,
    git,
    clock: deps.clock,
    urls,
    errors,
    bus,
    webhooks: deps.webhooks,
    serialize,
    caller,
    repo(req, owner, name, need) {
      const r = typeof owner === 'string' && typeof name === 'string' ? state.repoByName(owner, name) : undefined;
      if (!r) throw errors.notFound();
      requireAccess(state, caller(req), r, need);
      return r;
    },
    permission: (c, r) => callerPermission(state, c, r),
    userPermission: (u, r) => userPermission(state, u, r),
    hasAppPermission,
    paginate: (req, reply, items, selfUrl) => paginate(req, reply, items, selfUrl),
    repoApiUrlById: (r, rest) => urls.api(`/repositories/${r.id}${rest}`),
    pullsForHead: (r, sha) => {
      const out: PullRequest[] = [];
      for (const p of state.pullsIn(r.id)) if (p.state === 'open' && p.head.sha === sha && p.head.repoId === r.id) out.push(p);
      return out;
    },
    actor(req) {
      const c = caller(req);
      if (c.kind === 'user') return state.account(c.userId!);
      if (c.kind === 'installation') return botAccount(state, c.appId!);
      throw c.kind === 'anonymous' ? errors.requiresAuth() : new GitHubError(403, 'Resource not accessible by integration');
    },
  };
}

/** The `<slug>[bot]` account an app acts as; created on first use. */
export function botAccount(state: State, appId: number): Account {
  const app = state.apps.get(appId);
  if (!app) throw errors.notFound();
  const login = `${app.slug}[bot]`;
  const existing = state.accountByLogin(login);
  if (existing) return existing;
  const id = state.nextId('user');
  const now = state.now();
  const bot: Account = {
    id, node_id: nodeId('Bot', id), login, type: 'Bot', name: null, email: null,
    site_admin: false, created_at: now, updated_at: now,
  };
  state.accounts.set(id, bot);
  state.logins.set(login.toLowerCase(), id);
  return bot;
}
