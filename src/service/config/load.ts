/**
 * Service configuration from environment variables (spec §1 names plus ours, documented in docs/service.md).
 * `loadConfig` is pure apart from the optional file reader for *_FILE variables: it validates everything and
 * returns either a complete config or the full list of problems, so an operator fixes them in one go.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { parseGoDuration } from './duration.js';
import type { ServiceConfig, LogLevel, GitHubMode } from './types.js';

export type { ServiceConfig } from './types.js';

type Env = Record<string, string | undefined>;
export type LoadResult = { config: ServiceConfig; errors?: undefined } | { config?: undefined; errors: string[] };

export interface LoadOptions {
  /** Reads a *_FILE variable's file; defaults to fs.readFileSync(path, 'utf8'). */
  readFile?: (path: string) => string;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal', 'panic'] as const;
const DEFAULT_SCOPES = 'read:org,repo:status,admin:repo_hook,admin:org_hook';
const BRANDING = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');
const POSITIVE_INT = z.coerce.number().int().positive();
const NON_NEGATIVE_INT = z.coerce.number().int().nonnegative();

export function loadConfig(env: Env, options: LoadOptions = {}): LoadResult {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const errors: string[] = [];
  const get = (name: string): string | undefined => {
    const v = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const parse = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    errors.push(`Environment variable ${name} '${raw}' ${r.error.issues.map((i) => i.message).join('; ')}`);
    return fallback;
  };
  const bool = (name: string): boolean => {
    const raw = get(name);
    if (raw === undefined) return false;
    // Go strconv.ParseBool spellings.
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
    errors.push(`Environment variable ${name} '${raw}' must be a boolean (true or false)`);
    return false;
  };
  const duration = (name: string, fallbackText: string): number => {
    const raw = get(name) ?? fallbackText;
    const ms = parseGoDuration(raw);
    if (ms === undefined || ms < 0) {
      errors.push(`Environment variable ${name} '${raw}' must be a duration such as 15m, 1h30m or 500ms`);
      return parseGoDuration(fallbackText) ?? 0;
    }
    return ms;
  };
  const secretOrFile = (name: string): string | undefined => {
    const direct = get(name);
    const file = get(`${name}_FILE`);
    if (direct !== undefined && file !== undefined) {
      errors.push(`Set only one of ${name} and ${name}_FILE`);
      return direct;
    }
    if (file === undefined) return direct;
    try {
      return readFile(file).trim();
    } catch (err) {
      errors.push(`Environment variable ${name}_FILE: cannot read '${file}': ${(err as Error).message}`);
      return undefined;
    }
  };

  // --- server ---
  const addr = get('SERVER_ADDR') ?? ':8000';
  const listen = parseListenAddress(addr);
  if (!listen) errors.push(`Environment variable SERVER_ADDR '${addr}' must be [host]:port with a port from 0 to 65535`);
  const cert = get('SERVER_CERT');
  const key = get('SERVER_KEY');
  if ((cert === undefined) !== (key === undefined)) errors.push('Both server SSL certificate and SSL must be specified for SSL.');

  // --- database ---
  const driverRaw = (get('DB_DRIVER') ?? 'sqlite').toLowerCase();
  let driver: 'sqlite' | 'postgres' = 'sqlite';
  if (driverRaw === 'sqlite' || driverRaw === 'sqlite3') driver = 'sqlite';
  else if (driverRaw === 'postgres' || driverRaw === 'postgresql') driver = 'postgres';
  else errors.push(`Environment variable DB_DRIVER '${driverRaw}' must be one of: 'sqlite', 'postgres'`);
  let source = get('DB_SOURCE');
  if (source === undefined) {
    if (driver === 'postgres') errors.push('Missing required environment variable DB_SOURCE');
    source = 'checks-out.sqlite';
  } else if (driver === 'postgres' && !/^postgres(ql)?:\/\//.test(source)) {
    errors.push(`Environment variable DB_SOURCE must be a postgres:// connection URL when DB_DRIVER is postgres`);
  }

  // --- GitHub ---
  const urlRaw = get('GITHUB_URL');
  const webUrl = (urlRaw ?? 'https://github.com').replace(/\/+$/, '');
  if (urlRaw !== undefined && webUrl === '') errors.push('Environment variable GITHUB_URL is empty');
  else checkGitHubUrl('GITHUB_URL', webUrl, errors);
  const apiRaw = get('GITHUB_API_URL');
  const apiUrl = apiRaw !== undefined ? apiRaw.replace(/\/+$/, '') : webUrl === 'https://github.com' ? 'https://api.github.com' : `${webUrl}/api/v3`;
  if (apiRaw !== undefined) checkGitHubUrl('GITHUB_API_URL', apiUrl, errors);

  const appId = get('GITHUB_APP_ID');
  const privateKey = secretOrFile('GITHUB_APP_PRIVATE_KEY');
  const webhookSecret = secretOrFile('GITHUB_WEBHOOK_SECRET');
  const clientId = get('GITHUB_CLIENT');
  const clientSecret = secretOrFile('GITHUB_SECRET');
  const anyApp = appId !== undefined || privateKey !== undefined || get('GITHUB_APP_PRIVATE_KEY_FILE') !== undefined;
  let mode: GitHubMode;
  let app: ServiceConfig['github']['app'];
  if (anyApp) {
    mode = 'app';
    if (appId === undefined) errors.push('Missing required environment variable GITHUB_APP_ID');
    else if (!/^[1-9][0-9]{0,15}$/.test(appId)) errors.push(`Environment variable GITHUB_APP_ID '${appId}' must be a positive integer`);
    if (privateKey === undefined && get('GITHUB_APP_PRIVATE_KEY_FILE') === undefined)
      errors.push('Missing required environment variable GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE)');
    else if (privateKey !== undefined && !isPrivateKey(privateKey))
      errors.push('Environment variable GITHUB_APP_PRIVATE_KEY is not a PEM private key');
    if (webhookSecret === undefined) errors.push('Missing required environment variable GITHUB_WEBHOOK_SECRET');
    app = { id: Number(appId ?? 0), privateKey: privateKey ?? '', webhookSecret: webhookSecret ?? '' };
  } else if (clientId !== undefined || clientSecret !== undefined || urlRaw !== undefined) {
    // Token mode, the original's model: OAuth login, per-repo hooks with their own secrets.
    mode = 'token';
    if (clientId === undefined) errors.push('Missing required environment variable GITHUB_CLIENT');
    if (clientSecret === undefined) errors.push('Missing required environment variable GITHUB_SECRET');
  } else {
    mode = 'local';
  }
  const oauth = clientId !== undefined && clientSecret !== undefined
    ? { clientId, clientSecret, scopes: (get('GITHUB_SCOPE') ?? DEFAULT_SCOPES).split(',').map((s) => s.trim()).filter(Boolean) }
    : undefined;

  // --- behaviour ---
  const brandingName = parse('BRANDING_NAME', BRANDING, 'checks-out');
  const brandingShort = parse('BRANDING_SHORT_NAME', BRANDING, 'checks-out');
  const defaultPattern = get('DEFAULT_PATTERN');
  if (defaultPattern !== undefined) checkRegex('DEFAULT_PATTERN', defaultPattern, errors);
  const legacyPattern = get('CHECKS_OUT_PATTERN') ?? '(?i)LGTM';
  checkRegex('CHECKS_OUT_PATTERN', legacyPattern, errors);
  const logRaw = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logRaw))
    errors.push(`Environment variable LOG_LEVEL '${logRaw}' must be one of: ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}`);
  const checkRunName = parse('CHECK_RUN_NAME', z.string().max(100, 'must be at most 100 characters'), 'checks-out');
  const publicUrl = parse('PUBLIC_URL', z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), '').replace(/\/+$/, '');

  // --- secrets at rest ---
  const keyText = secretOrFile('CHECKS_OUT_SECRET_KEY');
  let secretKey: Buffer | undefined;
  if (keyText !== undefined) {
    secretKey = decodeKey(keyText);
    if (!secretKey) errors.push('Environment variable CHECKS_OUT_SECRET_KEY must be 32 bytes written as 64 hex digits or base64');
  } else if (driver === 'postgres') {
    // A key file beside a shared database would not be shared by every replica.
    errors.push('Missing required environment variable CHECKS_OUT_SECRET_KEY (required with DB_DRIVER=postgres)');
  }

  const config: ServiceConfig = {
    server: {
      addr,
      host: listen?.host,
      port: listen?.port ?? 8000,
      tls: cert !== undefined && key !== undefined ? { certFile: cert, keyFile: key } : undefined,
      publicUrl: publicUrl || `http://${listen?.host && listen.host !== '0.0.0.0' && listen.host !== '::' ? listen.host : 'localhost'}:${listen?.port ?? 8000}`,
      publicUrlSet: publicUrl !== '',
    },
    db: { driver, source },
    github: {
      mode,
      webUrl,
      apiUrl,
      app,
      oauth,
      email: get('GITHUB_EMAIL'),
      adminOrg: get('GITHUB_ADMIN_ORG'),
      batchPerSecond: Math.max(1, parse('GITHUB_BATCH_PER_SECOND', z.coerce.number().int('must be an integer'), 10)),
      writeIntervalMs: duration('GITHUB_WRITE_INTERVAL', '0'),
    },
    branding: { name: brandingName, shortName: brandingShort },
    defaultPattern,
    cache: { ttlMs: duration('CACHE_TTL', '15m'), longTtlMs: duration('LONG_CACHE_TTL', '24h'), policyTtlMs: duration('POLICY_CACHE_TTL', '1m') },
    logLevel: (LOG_LEVELS as readonly string[]).includes(logRaw) ? (logRaw as LogLevel) : 'info',
    checkRunName,
    secretKey,
    queue: {
      workers: parse('WORKER_CONCURRENCY', POSITIVE_INT.max(64, 'must be at most 64'), 16),
      threads: parse('WORKER_THREADS', z.coerce.number().int('must be an integer').min(0, 'must be 0 or more').max(16, 'must be at most 16'), 1),
      leaseMs: duration('QUEUE_LEASE', '2m'),
      maxAttempts: parse('QUEUE_MAX_ATTEMPTS', POSITIVE_INT, 10),
      retentionMs: duration('QUEUE_RETENTION', '168h'),
    },
    slackTargetUrl: get('SLACK_TARGET_URL'),
    sunlight: bool('CHECKS_OUT_SUNLIGHT'),
    limitUsers: bool('LIMIT_USERS'),
    limitOrgs: bool('LIMIT_ORGS'),
    docsUrl: get('CHECKS_OUT_DOCS_URL') ?? 'https://capitalone.github.com/checks-out/docs',
    blacklistUserAgents: (get('BLACKLIST_USER_AGENTS') ?? '').split(':').filter(Boolean),
    logStatsPeriodMs: duration('LOG_STATS_PERIOD', '0'),
    legacy: {
      approvals: parse('CHECKS_OUT_APPROVALS', NON_NEGATIVE_INT, 2),
      pattern: legacyPattern,
      selfApprovalOff: bool('CHECKS_OUT_SELF_APPROVAL_OFF'),
    },
  };
  if (config.queue.leaseMs < 1000) errors.push('Environment variable QUEUE_LEASE must be at least 1s');
  return errors.length > 0 ? { errors } : { config };
}

/** `:8000`, `127.0.0.1:8000`, `[::1]:8000`, `localhost:0`. An empty host means every interface. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(addr);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

function checkGitHubUrl(name: string, url: string, errors: string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    errors.push(`${name} must be a URL`);
    return;
  }
  // Plain http is only acceptable to a GitHub on this machine (the local emulator).
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname) || parsed.hostname.startsWith('127.');
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) return;
  errors.push(`${name} must have prefix 'https://'`);
}

function checkRegex(name: string, pattern: string, errors: string[]): void {
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    errors.push(`Environment variable ${name} is not a valid RE2 regular expression: ${(err as Error).message}`);
  }
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const b = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (b.length === 32) return b;
  }
  return undefined;
}
