/** The validated service configuration (see docs/service.md for each variable). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

/**
 * How checks-out talks to GitHub. `app`: a GitHub App (installation tokens, app webhook secret).
 * `token`: the original model (enabling user's OAuth token, per-repo/org hook secrets).
 * `local`: nothing configured; `serve` starts the local GitHub demo.
 */
export type GitHubMode = 'app' | 'token' | 'local';

export interface ServiceConfig {
  server: {
    addr: string;
    /** undefined = every interface. */
    host: string | undefined;
    port: number;
    tls: { certFile: string; keyFile: string } | undefined;
    /** Base URL people and GitHub use to reach this service (check-run details_url). */
    publicUrl: string;
    /** PUBLIC_URL was given (otherwise `publicUrl` is derived from SERVER_ADDR, which GitHub cannot reach). */
    publicUrlSet: boolean;
  };
  db: { driver: 'sqlite' | 'postgres'; source: string };
  github: {
    mode: GitHubMode;
    webUrl: string;
    apiUrl: string;
    app: { id: number; privateKey: string; webhookSecret: string } | undefined;
    oauth: { clientId: string; clientSecret: string; scopes: string[] } | undefined;
    email: string | undefined;
    adminOrg: string | undefined;
    batchPerSecond: number;
    /** Minimum time between two writes of one installation or token (GitHub's advice for content writes); 0 = back to back. */
    writeIntervalMs: number;
  };
  branding: { name: string; shortName: string };
  /** undefined = the engine's default pattern (§6.3). */
  defaultPattern: string | undefined;
  /** ttlMs: memberships; longTtlMs: people; policyTtlMs: default-branch policy files (0: read each time). */
  cache: { ttlMs: number; longTtlMs: number; policyTtlMs: number };
  logLevel: LogLevel;
  checkRunName: string;
  /** 32-byte AES-256-GCM key for secrets at rest; undefined = serve manages a key file (SQLite only). */
  secretKey: Buffer | undefined;
  /**
   * workers: job slots per worker thread (or in the main thread when threads is 0); threads: worker threads
   * beside the intake's event loop; retentionMs: finished deliveries are kept this long (the
   * duplicate-delivery horizon).
   */
  queue: { workers: number; threads: number; leaseMs: number; maxAttempts: number; retentionMs: number };
  slackTargetUrl: string | undefined;
  sunlight: boolean;
  limitUsers: boolean;
  limitOrgs: boolean;
  docsUrl: string;
  blacklistUserAgents: string[];
  logStatsPeriodMs: number;
  legacy: { approvals: number; pattern: string; selfApprovalOff: boolean };
}
