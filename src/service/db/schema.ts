/**
 * Kysely table types. Times are epoch milliseconds (BIGINT on PostgreSQL, read back as numbers) and
 * booleans are 0/1 integers, so both dialects return identical rows. Columns holding secrets end in
 * `_token`/`_secret` and always contain SecretBox ciphertext, never plaintext.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  user_id: Generated<number>;
  user_login: string;
  user_token: string;
  user_avatar: string;
  user_secret: string;
  user_scopes: Generated<string>;
}

export interface ReposTable {
  repo_id: Generated<number>;
  repo_user_id: number;
  repo_owner: string;
  repo_name: string;
  repo_slug: string;
  repo_link: string;
  repo_private: number;
  repo_secret: string;
  repo_org: Generated<number>;
}

export interface OrgsTable {
  org_id: Generated<number>;
  org_user_id: number;
  org_owner: string;
  org_link: string;
  org_private: number;
  org_secret: string;
}

export interface LimitUsersTable {
  login: string;
}

export interface LimitOrgsTable {
  org: string;
}

export interface SlackUrlsTable {
  id: Generated<number>;
  host_name: string;
  user: string;
  url: string;
}

/** GitHub App installations seen through `installation` deliveries (app mode). */
export interface InstallationsTable {
  installation_id: number;
  account_login: string;
  account_type: string;
  suspended: Generated<number>;
  updated_at: number;
}

export type DeliveryStatus = 'pending' | 'running' | 'done' | 'failed';

/** One webhook delivery (or an internal follow-up job) in the durable queue. */
export interface DeliveriesTable {
  /** X-GitHub-Delivery for webhooks, `internal:<uuid>` for jobs the service enqueues itself. */
  id: string;
  event: string;
  action: string | null;
  /** The raw request body, exactly as received. */
  payload: string;
  received_at: number;
  status: DeliveryStatus;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: number | null;
  run_after: number;
  /** Serialisation key: `pr:<owner>/<repo>#<n>` for PR events, `delivery:<id>` otherwise. */
  job_key: string;
  /** The PR key alone (null for events not tied to one PR), for logs and queries. */
  pr_key: string | null;
  repo: string | null;
  last_error: string | null;
  completed_at: number | null;
}

/**
 * One row per serialisation key: the row lock (SKIP LOCKED) and its lease are what guarantee that
 * two workers never run jobs of the same PR at the same time.
 */
export interface QueueKeysTable {
  job_key: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
  run_after: number;
  /** 1 when deliveries may be pending: set by enqueue and retry, cleared by the claim that takes them. */
  has_work: Generated<number>;
  /** shardOf(job_key) (db/shard.ts): which worker thread serves the key. */
  shard: Generated<number>;
}

/** When a head SHA was pushed, as observed by checks-out (not the forgeable committer date). */
export interface PushTimesTable {
  repo: string;
  sha: string;
  pushed_at: number;
  /** `push`, `pull_request.synchronize`, `pull_request.opened`, ... */
  source: string;
}

/** Every decision checks-out reported, for audit and for "never let a stale result win". */
export interface DecisionsTable {
  id: Generated<number>;
  repo: string;
  pr_number: number;
  head_sha: string;
  /** Policy name, or `#<position>` when unnamed; null when no policy applied. */
  policy: string | null;
  /** JSON array of logins. */
  approvers: string;
  disapprovers: string;
  config_hash: string | null;
  state: string;
  description: string;
  decided_at: number;
  /** Delivery ids that led to this decision (JSON array). */
  deliveries: string;
}

/** The check run checks-out opened on a head (per run name) and the decision it last reported. */
export interface CheckRunsTable {
  repo: string;
  head_sha: string;
  name: string;
  run_id: number;
  /** `decisionToken` of the decision the run was last completed with. */
  decision: string;
  updated_at: number;
}

/** A membership change (org, team) seen in a webhook; the newest id tells caches whether to re-read. */
export interface MembershipChangesTable {
  id: Generated<number>;
  /** Lower-case organisation login. */
  org: string;
  changed_at: number;
}

export interface Database {
  users: UsersTable;
  repos: ReposTable;
  orgs: OrgsTable;
  limit_users: LimitUsersTable;
  limit_orgs: LimitOrgsTable;
  slack_urls: SlackUrlsTable;
  installations: InstallationsTable;
  deliveries: DeliveriesTable;
  queue_keys: QueueKeysTable;
  push_times: PushTimesTable;
  decisions: DecisionsTable;
  check_runs: CheckRunsTable;
  membership_changes: MembershipChangesTable;
}
