/**
 * The emulator's state: every record lives here, keyed by numeric id. Route modules read and mutate it directly
 * through the helpers below; extensions (the Checks module) keep their own records and register a save/load
 * pair so snapshots include them.
 */
import type { Clock } from '../clock.js';
import { GroupIndex } from './group-index.js';
import type {
  Account, App, Delivery, Deployment, GitObject, Hook, Installation, IssueComment, OAuthCode, OrgMembership,
  PullRequest, Repo, Review, CommitStatus, Team, Token,
} from './types.js';

/** Extra state owned by another module (e.g. checks), saved and restored with the rest. */
export interface StateExtension {
  save(): unknown;
  load(data: unknown): void;
  /** Forget everything (used before `load` and by `reset`). */
  reset(): void;
}

/**
 * GitHub's legacy global node id: base64 of `0<len(type)>:<Type><id>` — a literal `0`, not padding:
 * `MDQ6VXNlcjE=` is `04:User1`, `MDEwOkNoZWNrU3VpdGU1` is `010:CheckSuite5`.
 */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

export class State {
  /** Next id per kind; each kind starts at its own base so ids of different kinds rarely collide. */
  sequences = new Map<string, number>();
  accounts = new Map<number, Account>();
  /** lower-case login → account id (users and organizations share one namespace, like GitHub). */
  logins = new Map<string, number>();
  /** orgId → (userId → membership) */
  orgMembers = new Map<number, Map<number, OrgMembership>>();
  teams = new Map<number, Team>();
  repos = new Map<number, Repo>();
  objects = new Map<string, GitObject>();
  pulls = new Map<number, PullRequest>();
  comments = new Map<number, IssueComment>();
  reviews = new Map<number, Review>();
  statuses = new Map<number, CommitStatus>();
  deployments = new Map<number, Deployment>();
  hooks = new Map<number, Hook>();
  deliveries = new Map<number, Delivery>();
  apps = new Map<number, App>();
  installations = new Map<number, Installation>();
  tokens = new Map<string, Token>();
  oauthCodes = new Map<string, OAuthCode>();

  private readonly extensions = new Map<string, StateExtension>();

  constructor(readonly clock: Clock) {}

  /** Allocates the next id of a kind (`user`, `repo`, `check_run`, ...). */
  nextId(kind: string): number {
    const current = this.sequences.get(kind) ?? baseFor(kind);
    this.sequences.set(kind, current + 1);
    return current;
  }

  now(): number {
    return this.clock.now();
  }

  registerExtension(name: string, ext: StateExtension): void {
    this.extensions.set(name, ext);
  }

  extensionNames(): string[] {
    return [...this.extensions.keys()];
  }

  extension(name: string): StateExtension | undefined {
    return this.extensions.get(name);
  }

  // ---- accounts ----

  accountByLogin(login: string): Account | undefined {
    const id = this.logins.get(login.toLowerCase());
    return id === undefined ? undefined : this.accounts.get(id);
  }

  account(id: number): Account {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`no account ${id}`);
    return a;
  }

  // ---- repos ----

  repoByName(owner: string, name: string): Repo | undefined {
    const acct = this.accountByLogin(owner);
    if (!acct) return undefined;
    // Every API request looks a repository up by name: keep an index, rebuilt when the repos map changes
    // (repositories are only ever added, and `restore` swaps the whole map).
    if (!this.repoIndex || this.repoIndex.source !== this.repos || this.repoIndex.size !== this.repos.size) {
      const idx = new Map<string, Repo>();
      for (const r of this.repos.values()) idx.set(`${r.ownerId}/${r.name.toLowerCase()}`, r);
      this.repoIndex = { source: this.repos, size: this.repos.size, idx };
    }
    return this.repoIndex.idx.get(`${acct.id}/${name.toLowerCase()}`);
  }

  private repoIndex: { source: Map<number, Repo>; size: number; idx: Map<string, Repo> } | null = null;

  repo(id: number): Repo {
    const r = this.repos.get(id);
    if (!r) throw new Error(`no repo ${id}`);
    return r;
  }

  fullName(repo: Repo): string {
    return `${this.account(repo.ownerId).login}/${repo.name}`;
  }

  pull(repoId: number, number: number): PullRequest | undefined {
    for (const p of this.pullIndex.get(this.pulls, `${repoId}#${number}`)) return p;
    return undefined;
  }

  /** The repository's pull requests, in creation order. */
  pullsOf(repoId: number): PullRequest[] {
    return [...this.repoPullIndex.get(this.pulls, String(repoId))];
  }

  /** `pullsOf` without the copy, for loops that only read (do not change `pulls` while iterating). */
  pullsIn(repoId: number): Iterable<PullRequest> {
    return this.repoPullIndex.get(this.pulls, String(repoId));
  }

  // Requests look these up all the time and the maps only grow: indexes instead of scans (group-index.ts).
  private readonly pullIndex = new GroupIndex<PullRequest>((p) => `${p.repoId}#${p.number}`);
  private readonly repoPullIndex = new GroupIndex<PullRequest>((p) => String(p.repoId));
  private readonly commentIndex = new GroupIndex<IssueComment>((c) => `${c.repoId}#${c.number}`);
  private readonly statusIndex = new GroupIndex<CommitStatus>((s) => `${s.repoId}#${s.sha}`);

  /** Comments on issue/PR `number` of a repository, in creation order. */
  commentsOf(repoId: number, number: number): Iterable<IssueComment> {
    return this.commentIndex.get(this.comments, `${repoId}#${number}`);
  }

  commentCount(repoId: number, number: number): number {
    return this.commentIndex.count(this.comments, `${repoId}#${number}`);
  }

  addComment(c: IssueComment): void {
    this.comments.set(c.id, c);
    this.commentIndex.added(this.comments, c.id, c);
  }

  deleteComment(c: IssueComment): void {
    if (this.comments.delete(c.id)) this.commentIndex.deleted(this.comments, c.id, c);
  }

  /** Commit statuses of `sha` in a repository, in creation order. */
  statusesOf(repoId: number, sha: string): Iterable<CommitStatus> {
    return this.statusIndex.get(this.statuses, `${repoId}#${sha}`);
  }

  addStatus(s: CommitStatus): void {
    this.statuses.set(s.id, s);
    this.statusIndex.added(this.statuses, s.id, s);
  }

  /** Installations of an app that can see a repository. */
  installationsFor(repo: Repo): Installation[] {
    return [...this.installations.values()].filter((i) => installationCovers(i, repo));
  }

  // ---- persistence ----

  /** Everything as JSON-compatible data (Maps and Sets encoded), extensions included. */
  snapshot(): unknown {
    const core: Record<string, unknown> = {};
    for (const key of PERSISTED) core[key] = encode(this[key]);
    const ext: Record<string, unknown> = {};
    for (const [name, e] of this.extensions) ext[name] = e.save();
    return { version: 1, core, extensions: ext };
  }

  /** Replaces all state with a snapshot produced by `snapshot()`. */
  restore(data: unknown): void {
    if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) {
      throw new Error('not a local-github state snapshot (version 1)');
    }
    const { core, extensions } = data as { core: Record<string, unknown>; extensions?: Record<string, unknown> };
    if (typeof core !== 'object' || core === null) throw new Error('state snapshot lacks "core"');
    // Decode everything before touching the live state, so a bad file changes nothing.
    const decoded = new Map<string, Map<unknown, unknown>>();
    for (const key of PERSISTED) {
      if (!Object.prototype.hasOwnProperty.call(core, key)) throw new Error(`state snapshot lacks "${key}"`);
      const value = decode(core[key]);
      if (!(value instanceof Map)) throw new Error(`state snapshot: "${key}" is not a map`);
      decoded.set(key, value);
    }
    for (const [key, value] of decoded) (this as unknown as Record<string, unknown>)[key] = value;
    for (const [name, e] of this.extensions) {
      e.reset();
      const saved = extensions && Object.prototype.hasOwnProperty.call(extensions, name) ? extensions[name] : undefined;
      if (saved !== undefined) e.load(saved);
    }
  }

  /** Forgets everything (core and extensions). */
  reset(): void {
    for (const key of PERSISTED) (this as unknown as Record<string, unknown>)[key] = new Map();
    for (const e of this.extensions.values()) e.reset();
  }
}

export function installationCovers(inst: Installation, repo: Repo): boolean {
  if (inst.suspended_at !== null) return false;
  if (inst.repository_selection === 'all') return repo.ownerId === inst.accountId;
  return inst.repoIds.has(repo.id);
}

const PERSISTED = [
  'sequences', 'accounts', 'logins', 'orgMembers', 'teams', 'repos', 'objects', 'pulls', 'comments', 'reviews',
  'statuses', 'deployments', 'hooks', 'deliveries', 'apps', 'installations', 'tokens', 'oauthCodes',
] as const;

const BASES: Record<string, number> = {
  user: 1001, repo: 50001, team: 7001, app: 301, installation: 4001, pull: 900001, comment: 1200001,
  review: 800001, status: 3000001, deployment: 60001, deployment_status: 61001, hook: 20001, delivery: 1000001,
};

function baseFor(kind: string): number {
  return BASES[kind] ?? 1;
}

/** JSON encoding that keeps Maps and Sets (nested) so a snapshot round-trips exactly. */
export function encode(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encode) };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v);
    return out;
  }
  return value;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(obj.$map)) return new Map((obj.$map as unknown[][]).map(([k, v]) => [decode(k), decode(v)]));
    if (Array.isArray(obj.$set)) return new Set((obj.$set as unknown[]).map(decode));
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(obj)) {
      if (k === '__proto__') continue;
      out[k] = decode(v);
    }
    return { ...out };
  }
  return value;
}
