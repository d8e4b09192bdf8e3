/**
 * In-process fixture operations (used by the control API, the demo seed and tests): everything a test needs to
 * set up a world, each firing the same bus events and webhooks as the equivalent GitHub action.
 */
import type { LocalGitHubContext } from './context.js';
import type { Account, App, AppPermissionLevel, Installation, Permission, PullRequest, Repo, Review, IssueComment, Team } from './state/types.js';
import { addTeamMember, createAccount, createTeam, grantTeamRepo, issuePersonalToken, requireAccount, setOrgMembership, teamBySlug } from './domain/accounts.js';
import { createApp, installApp, issueInstallationToken } from './domain/apps.js';
import { createRepo, pushFiles, setCollaborator } from './domain/repos.js';
import { openPull, mergePull, setPullState } from './domain/pulls.js';
import { createComment, createReview, createStatus } from './domain/feedback.js';
import { signAppJwt } from './auth/jwt.js';

export class Admin {
  constructor(private readonly ctx: LocalGitHubContext) {}

  private get state() {
    return this.ctx.state;
  }

  /** Creates a user and returns it with a personal token (scopes default: repo, read:org, user). */
  createUser(login: string, opts: { name?: string; email?: string; scopes?: string[] } = {}): { user: Account; token: string } {
    const user = createAccount(this.state, login, 'User', { name: opts.name ?? null, email: opts.email ?? null });
    return { user, token: issuePersonalToken(this.state, user, opts.scopes) };
  }

  /** Issues another personal token (e.g. with different scopes, or an expiry). */
  token(login: string, scopes?: string[], expiresAt: number | null = null): string {
    return issuePersonalToken(this.state, requireAccount(this.state, login, 'User'), scopes, expiresAt);
  }

  /** Personal tokens of a user (first one first). */
  tokensOf(login: string): string[] {
    const u = requireAccount(this.state, login);
    return [...this.state.tokens].filter(([, t]) => t.kind === 'pat' && t.userId === u.id).map(([k]) => k);
  }

  createOrg(login: string, opts: { name?: string; description?: string; admins?: string[]; members?: string[] } = {}): Account {
    const org = createAccount(this.state, login, 'Organization', { name: opts.name ?? null, description: opts.description ?? null });
    for (const a of opts.admins ?? []) setOrgMembership(this.state, org, requireAccount(this.state, a, 'User'), 'admin');
    for (const m of opts.members ?? []) setOrgMembership(this.state, org, requireAccount(this.state, m, 'User'), 'member');
    return org;
  }

  addOrgMember(org: string, login: string, role: 'admin' | 'member' = 'member'): void {
    setOrgMembership(this.state, requireAccount(this.state, org, 'Organization'), requireAccount(this.state, login, 'User'), role);
  }

  removeOrgMember(org: string, login: string): void {
    const o = requireAccount(this.state, org, 'Organization');
    const u = requireAccount(this.state, login, 'User');
    this.state.orgMembers.get(o.id)?.delete(u.id);
    for (const t of this.state.teams.values()) if (t.orgId === o.id) t.members.delete(u.id);
  }

  createTeam(org: string, name: string, opts: { members?: string[]; maintainers?: string[]; parent?: string; privacy?: 'closed' | 'secret'; repos?: Record<string, Permission> } = {}): Team {
    const o = requireAccount(this.state, org, 'Organization');
    const parent = opts.parent ? teamBySlug(this.state, o.id, opts.parent) : undefined;
    if (opts.parent && !parent) throw new Error(`no team ${opts.parent} in ${org}`);
    const t = createTeam(this.state, o, name, { privacy: opts.privacy, parentId: parent?.id ?? null });
    for (const m of opts.members ?? []) addTeamMember(this.state, t, requireAccount(this.state, m, 'User'), 'member');
    for (const m of opts.maintainers ?? []) addTeamMember(this.state, t, requireAccount(this.state, m, 'User'), 'maintainer');
    for (const [repo, p] of Object.entries(opts.repos ?? {})) grantTeamRepo(t, this.repo(`${org}/${repo}`).id, p);
    return t;
  }

  addTeamMember(org: string, slug: string, login: string, role: 'member' | 'maintainer' = 'member'): void {
    const o = requireAccount(this.state, org, 'Organization');
    const t = teamBySlug(this.state, o.id, slug);
    if (!t) throw new Error(`no team ${slug} in ${org}`);
    addTeamMember(this.state, t, requireAccount(this.state, login, 'User'), role);
  }

  removeTeamMember(org: string, slug: string, login: string): void {
    const o = requireAccount(this.state, org, 'Organization');
    const t = teamBySlug(this.state, o.id, slug);
    if (!t) throw new Error(`no team ${slug} in ${org}`);
    t.members.delete(requireAccount(this.state, login, 'User').id);
  }

  /** `full` is `owner/name`. `files` makes an initial commit on the default branch. */
  createRepo(full: string, opts: { private?: boolean; default_branch?: string; files?: Record<string, string>; description?: string } = {}): Repo {
    const [owner, name] = splitFull(full);
    return createRepo(this.ctx, requireAccount(this.state, owner), name, opts);
  }

  repo(full: string): Repo {
    const [owner, name] = splitFull(full);
    const r = this.state.repoByName(owner, name);
    if (!r) throw new Error(`no repository ${full}`);
    return r;
  }

  setCollaborator(full: string, login: string, permission: Permission | null): void {
    setCollaborator(this.repo(full), requireAccount(this.state, login, 'User'), permission);
  }

  /** Commits files to a branch (created from `from` or the default branch when missing) and fires push. */
  push(full: string, opts: { branch?: string; files: Record<string, string | null>; message?: string; author: string; from?: string }): string {
    const r = this.repo(full);
    return pushFiles(this.ctx, r, {
      branch: opts.branch ?? r.default_branch, files: opts.files, message: opts.message ?? 'Update files',
      author: requireAccount(this.state, opts.author, 'User'), from: opts.from,
    });
  }

  /** Creates a fork of `full` owned by `owner` (same refs and objects). */
  fork(full: string, owner: string): Repo {
    const src = this.repo(full);
    const o = requireAccount(this.state, owner);
    const r = createRepo(this.ctx, o, src.name, { private: src.private, default_branch: src.default_branch });
    r.fork = true;
    r.parentId = src.id;
    for (const [ref, sha] of src.refs) if (ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) r.refs.set(ref, sha);
    for (const s of src.objects) r.objects.add(s);
    return r;
  }

  openPull(full: string, opts: { author: string; title: string; body?: string; head: string; base?: string; draft?: boolean }): PullRequest {
    const r = this.repo(full);
    return openPull(this.ctx, r, { user: requireAccount(this.state, opts.author, 'User'), title: opts.title, body: opts.body ?? null, head: opts.head, base: opts.base ?? r.default_branch, draft: opts.draft });
  }

  pull(full: string, number: number): PullRequest {
    const p = this.state.pull(this.repo(full).id, number);
    if (!p) throw new Error(`no pull request ${full}#${number}`);
    return p;
  }

  closePull(full: string, number: number, by: string, reopen = false): void {
    setPullState(this.ctx, this.repo(full), this.pull(full, number), requireAccount(this.state, by, 'User'), reopen ? 'open' : 'closed');
  }

  mergePull(full: string, number: number, by: string, method: 'merge' | 'squash' | 'rebase' = 'merge'): string {
    return mergePull(this.ctx, this.repo(full), this.pull(full, number), requireAccount(this.state, by, 'User'), { merge_method: method }).sha;
  }

  comment(full: string, number: number, author: string, body: string): IssueComment {
    this.pull(full, number);
    return createComment(this.ctx, this.repo(full), number, requireAccount(this.state, author, 'User'), body);
  }

  review(full: string, number: number, author: string, event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT', body = ''): Review {
    return createReview(this.ctx, this.repo(full), this.pull(full, number), requireAccount(this.state, author, 'User'), { event, body });
  }

  status(full: string, sha: string, author: string, state: 'error' | 'failure' | 'pending' | 'success', context = 'default', description?: string): void {
    createStatus(this.ctx, this.repo(full), sha, requireAccount(this.state, author), { state, context, description });
  }

  createApp(name: string, opts: { owner?: string; permissions?: Record<string, AppPermissionLevel>; events?: string[]; webhook_url?: string | null; webhook_secret?: string | null } = {}): App {
    const owner = opts.owner ? requireAccount(this.state, opts.owner) : this.appOwner();
    return createApp(this.state, owner, name, opts);
  }

  private appOwner(): Account {
    return this.state.accountByLogin('app-owner') ?? createAccount(this.state, 'app-owner', 'User');
  }

  app(idOrSlug: number | string): App {
    const a = typeof idOrSlug === 'number' ? this.state.apps.get(idOrSlug) : [...this.state.apps.values()].find((x) => x.slug === idOrSlug);
    if (!a) throw new Error(`no app ${idOrSlug}`);
    return a;
  }

  /** Installs an app on an account (all repositories, or the listed `owner/name`s); fires `installation.created`. */
  install(app: number | string, account: string, repos: string[] | 'all' = 'all', sender?: string): Installation {
    const acct = requireAccount(this.state, account);
    const inst = installApp(this.state, this.app(app), acct, repos === 'all' ? 'all' : repos.map((r) => this.repo(r)));
    const by = sender ? requireAccount(this.state, sender) : acct.type === 'User' ? acct : this.firstAdmin(acct) ?? this.appOwner();
    this.ctx.bus.emit('installation', { action: 'created', installation: inst, sender: by });
    return inst;
  }

  /** Adds or removes repositories of a `selected` installation; fires `installation_repositories`. */
  setInstallationRepos(installationId: number, add: string[], remove: string[] = []): void {
    const inst = this.state.installations.get(installationId);
    if (!inst) throw new Error(`no installation ${installationId}`);
    const added = add.map((r) => this.repo(r)).filter((r) => !inst.repoIds.has(r.id));
    const removed = remove.map((r) => this.repo(r)).filter((r) => inst.repoIds.has(r.id));
    inst.repository_selection = 'selected';
    for (const r of added) inst.repoIds.add(r.id);
    for (const r of removed) inst.repoIds.delete(r.id);
    const acct = this.state.account(inst.accountId);
    const sender = acct.type === 'User' ? acct : this.firstAdmin(acct) ?? this.appOwner();
    if (added.length) this.ctx.bus.emit('installation_repositories', { action: 'added', installation: inst, added, removed: [], sender });
    if (removed.length) this.ctx.bus.emit('installation_repositories', { action: 'removed', installation: inst, added: [], removed, sender });
  }

  private firstAdmin(org: Account): Account | undefined {
    for (const [id, m] of this.state.orgMembers.get(org.id) ?? []) if (m.role === 'admin') return this.state.accounts.get(id);
    return undefined;
  }

  /** Suspends or unsuspends an installation; fires `installation.suspend` / `installation.unsuspend`. */
  suspend(installationId: number, suspended: boolean): void {
    const inst = this.state.installations.get(installationId);
    if (!inst) throw new Error(`no installation ${installationId}`);
    if ((inst.suspended_at !== null) === suspended) return;
    inst.suspended_at = suspended ? this.state.now() : null;
    inst.updated_at = this.state.now();
    const acct = this.state.account(inst.accountId);
    const sender = acct.type === 'User' ? acct : this.firstAdmin(acct) ?? this.appOwner();
    this.ctx.bus.emit('installation', { action: suspended ? 'suspend' : 'unsuspend', installation: inst, sender });
  }

  installationToken(installationId: number): string {
    const inst = this.state.installations.get(installationId);
    if (!inst) throw new Error(`no installation ${installationId}`);
    return issueInstallationToken(this.state, inst).token;
  }

  /** An app JWT signed with the app's private key at the emulator's current time. */
  appJwt(app: number | string): string {
    const a = this.app(app);
    return signAppJwt(a.id, a.private_key, this.state.now());
  }
}

function splitFull(full: string): [string, string] {
  const parts = String(full).split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`expected owner/name, got ${JSON.stringify(full)}`);
  return [parts[0], parts[1]];
}
