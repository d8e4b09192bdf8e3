/**
 * The emulator's data model. Records hold ids and epoch-millisecond times; the JSON shapes GitHub returns are
 * produced by `../serialize`. Collections keyed by user data are Maps (no prototype pollution).
 */

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
export type AccountType = 'User' | 'Organization' | 'Bot';

export interface Account {
  id: number;
  node_id: string;
  login: string;
  type: AccountType;
  name: string | null;
  email: string | null;
  site_admin: boolean;
  created_at: number;
  updated_at: number;
  /** Organizations only: a short description. */
  description?: string | null;
}

export interface OrgMembership {
  role: 'admin' | 'member';
  state: 'active' | 'pending';
}

export interface Team {
  id: number;
  node_id: string;
  orgId: number;
  name: string;
  slug: string;
  description: string | null;
  privacy: 'closed' | 'secret';
  parentId: number | null;
  /** userId → role */
  members: Map<number, 'member' | 'maintainer'>;
  /** repoId → permission */
  repos: Map<number, Permission>;
  created_at: number;
  updated_at: number;
}

export interface RequiredStatusChecks {
  strict: boolean;
  contexts: string[];
}

export interface BranchProtection {
  required_status_checks: RequiredStatusChecks | null;
  enforce_admins: boolean;
  required_approving_review_count: number | null;
}

export interface Repo {
  id: number;
  node_id: string;
  ownerId: number;
  name: string;
  description: string | null;
  private: boolean;
  fork: boolean;
  /** Source repository id for forks. */
  parentId: number | null;
  default_branch: string;
  archived: boolean;
  created_at: number;
  updated_at: number;
  pushed_at: number | null;
  /** userId → permission (direct collaborators, not team grants). */
  collaborators: Map<number, Permission>;
  /** Full ref name (`refs/heads/main`, `refs/tags/v1`) → object sha. */
  refs: Map<string, string>;
  /** Commit and tag object shas reachable in this repository (object bodies live in `State.objects`). */
  objects: Set<string>;
  /** Branch name → protection. */
  protection: Map<string, BranchProtection>;
  /** Next issue/PR number. */
  nextNumber: number;
}

export interface GitSignature {
  name: string;
  email: string;
  /** Epoch milliseconds. */
  date: number;
}

export interface GitBlob {
  type: 'blob';
  sha: string;
  /** File content, base64 (binary-safe). */
  content: string;
  size: number;
}

export interface GitTreeEntry {
  name: string;
  mode: '100644' | '100755' | '040000' | '120000';
  type: 'blob' | 'tree';
  sha: string;
}

export interface GitTree {
  type: 'tree';
  sha: string;
  entries: GitTreeEntry[];
}

export interface GitCommit {
  type: 'commit';
  sha: string;
  tree: string;
  parents: string[];
  author: GitSignature;
  committer: GitSignature;
  message: string;
}

export interface GitTag {
  type: 'tag';
  sha: string;
  tag: string;
  object: { sha: string; type: 'commit' | 'tree' | 'blob' | 'tag' };
  tagger: GitSignature;
  message: string;
}

export type GitObject = GitBlob | GitTree | GitCommit | GitTag;

export interface PullRequest {
  id: number;
  node_id: string;
  repoId: number;
  number: number;
  userId: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  locked: boolean;
  head: { repoId: number; ref: string; sha: string };
  base: { ref: string; sha: string };
  merged_at: number | null;
  merged_by: number | null;
  merge_commit_sha: string | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
  maintainer_can_modify: boolean;
  requested_reviewers: number[];
}

export interface IssueComment {
  id: number;
  node_id: string;
  repoId: number;
  number: number;
  userId: number;
  body: string;
  /** App id when written with an installation token. */
  viaAppId: number | null;
  created_at: number;
  updated_at: number;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  node_id: string;
  repoId: number;
  number: number;
  userId: number;
  body: string;
  state: ReviewState;
  commit_id: string;
  submitted_at: number;
}

export type StatusState = 'error' | 'failure' | 'pending' | 'success';

export interface CommitStatus {
  id: number;
  node_id: string;
  repoId: number;
  sha: string;
  state: StatusState;
  target_url: string | null;
  description: string | null;
  context: string;
  creatorId: number;
  created_at: number;
  updated_at: number;
}

export interface DeploymentStatus {
  id: number;
  node_id: string;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  creatorId: number;
  created_at: number;
  updated_at: number;
}

export interface Deployment {
  id: number;
  node_id: string;
  repoId: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creatorId: number;
  created_at: number;
  updated_at: number;
  statuses: DeploymentStatus[];
}

export interface Hook {
  id: number;
  /** Where the hook is installed. */
  owner: { kind: 'repo'; repoId: number } | { kind: 'org'; orgId: number };
  active: boolean;
  events: string[];
  config: { url: string; content_type: 'json' | 'form'; secret: string | null; insecure_ssl: '0' | '1' };
  created_at: number;
  updated_at: number;
}

export interface Delivery {
  id: number;
  guid: string;
  /** Who received it: a hook, or a GitHub App's webhook. */
  target: { kind: 'hook'; hookId: number } | { kind: 'app'; appId: number };
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  url: string;
  redelivery: boolean;
  delivered_at: number;
  duration: number;
  status: string;
  status_code: number;
  request: { headers: Record<string, string>; payload: string };
  response: { headers: Record<string, string>; payload: string } | null;
}

export type AppPermissionLevel = 'read' | 'write' | 'admin';

export interface App {
  id: number;
  node_id: string;
  slug: string;
  name: string;
  ownerId: number;
  description: string | null;
  external_url: string;
  client_id: string;
  client_secret: string;
  permissions: Record<string, AppPermissionLevel>;
  events: string[];
  private_key: string;
  public_key: string;
  webhook_secret: string | null;
  webhook_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface Installation {
  id: number;
  appId: number;
  accountId: number;
  repository_selection: 'all' | 'selected';
  /** Repos granted when selection is `selected`. */
  repoIds: Set<number>;
  permissions: Record<string, AppPermissionLevel>;
  events: string[];
  suspended_at: number | null;
  created_at: number;
  updated_at: number;
}

export type Token =
  | { kind: 'installation'; installationId: number; expires_at: number; permissions: Record<string, AppPermissionLevel>; repoIds: number[] | null }
  | { kind: 'pat'; userId: number; scopes: string[]; expires_at: number | null }
  | { kind: 'oauth'; userId: number; scopes: string[]; appId: number | null; expires_at: number | null };

export interface OAuthCode {
  clientId: string;
  userId: number;
  scopes: string[];
  redirect_uri: string | null;
  state: string | null;
  expires_at: number;
}
