/**
 * `checks-out demo`: acts as the demo maintainer against a running demo. Reads the credentials file the
 * demo wrote, comments `I approve` on the demo PR through the local GitHub's API with the maintainer's own
 * token, then watches the check run and the commit status until both are green (or the time is up).
 */
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { DemoCredentials } from './local-demo.js';
import { DEMO_APP_NAME, DEMO_MAINTAINER, DEMO_PR_TITLE, DEMO_REPO } from './demo-world.js';
import { REPO_FULL_NAME } from '../payload.js';

const MAX_CREDENTIALS_BYTES = 1024 * 1024;
const trimUrl = (u: string) => u.replace(/\/+$/, '');
const httpUrl = z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

const credentialsSchema = z.object({
  api_url: httpUrl,
  web_url: httpUrl,
  app: z.object({ id: z.number().int().positive(), slug: z.string().min(1).max(100) }),
  users: z.array(z.object({ login: z.string().min(1).max(100), token: z.string().min(1).max(500) })).max(1000),
  demo: z.object({
    service_url: httpUrl,
    repo: z.string().regex(REPO_FULL_NAME),
    pull_number: z.number().int().positive(),
    pr_url: httpUrl,
    maintainer: z.string().min(1).max(100),
  }),
});

export type DriveCredentials = z.infer<typeof credentialsSchema>;

/** Parses and checks a credentials file's text; the message says what is wrong. */
export function parseDemoCredentials(text: string, source: string): DriveCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = credentialsSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`${source} is not a checks-out demo credentials file: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return r.data;
}

export function readDemoCredentials(file: string): DriveCredentials {
  const buf = readFileSync(file);
  if (buf.length > MAX_CREDENTIALS_BYTES) throw new Error(`${file} is too large for a demo credentials file`);
  return parseDemoCredentials(buf.toString('utf8'), file);
}

const controlCredentialsSchema = z.object({
  api_url: httpUrl,
  web_url: httpUrl,
  app: z.object({ id: z.number().int().positive(), slug: z.string().min(1).max(100) }).nullable(),
  users: z.array(z.object({ login: z.string().min(1).max(100), token: z.string().min(1).max(500) })).max(1000),
});

/**
 * Without the credentials file: asks a running local GitHub for them (its control API,
 * `GET /_emulator/credentials`) and finds the open demo PR, for a service reached at `serviceUrl`.
 */
export async function fetchDemoCredentials(githubUrl: string, serviceUrl: string): Promise<DriveCredentials> {
  const base = trimUrl(githubUrl);
  const where = `${base}/_emulator/credentials`;
  let json: unknown;
  try {
    const res = await fetch(`${where}?app=${DEMO_APP_NAME}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_CREDENTIALS_BYTES) throw new Error('answer too large');
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`could not read the demo credentials from ${where}: ${(err as Error).message}`, { cause: err });
  }
  const r = controlCredentialsSchema.safeParse(json);
  if (!r.success) throw new Error(`${where} did not answer with local GitHub credentials: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  const c = r.data;
  if (!c.app || c.app.slug !== DEMO_APP_NAME) throw new Error(`the local GitHub at ${base} has no ${DEMO_APP_NAME} app: is it the checks-out demo?`);
  const maintainer = c.users.find((u) => u.login === DEMO_MAINTAINER);
  if (!maintainer) throw new Error(`the local GitHub at ${base} has no user ${DEMO_MAINTAINER}: is it the checks-out demo?`);
  const [owner, repo] = DEMO_REPO.split('/');
  const gh = client(c.api_url, maintainer.token, 10_000);
  const open = await gh.paginate(gh.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
  const pr = open.find((p) => p.title === DEMO_PR_TITLE);
  if (!pr) throw new Error(`${DEMO_REPO} has no open pull request "${DEMO_PR_TITLE}"`);
  return {
    api_url: c.api_url,
    web_url: c.web_url,
    app: c.app,
    users: c.users,
    demo: { service_url: trimUrl(serviceUrl), repo: DEMO_REPO, pull_number: pr.number, pr_url: `${trimUrl(c.web_url)}/${DEMO_REPO}/pull/${pr.number}`, maintainer: DEMO_MAINTAINER },
  };
}

export interface DriveDemoOptions {
  credentials: DriveCredentials | DemoCredentials;
  /** Overrides the service URL from the credentials (used for the health check and the messages). */
  serviceUrl?: string;
  /** Overrides the local GitHub's web URL (its API is `<url>/api/v3`). */
  githubUrl?: string;
  /** Default `I approve` (the default approval pattern). */
  comment?: string;
  /** Give up waiting for green after this long (default 60 s). */
  timeoutMs?: number;
  pollMs?: number;
  /** Progress lines go here (default: stdout). */
  write?: (line: string) => void;
}

export interface CheckView {
  status: string;
  conclusion: string | null;
  title: string | null;
}

export interface DriveDemoResult {
  green: boolean;
  commentUrl: string;
  prUrl: string;
  headSha: string;
  check: CheckView | undefined;
  status: { state: string; description: string; context: string } | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Octokit requests time out on their own, so a stuck server never hangs the demo. */
function client(baseUrl: string, token: string, requestTimeoutMs: number): Octokit {
  return new Octokit({
    baseUrl,
    auth: token,
    userAgent: 'checks-out-demo',
    request: { fetch: (url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }) },
  });
}

async function serviceIsUp(serviceUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${serviceUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

function describeCheck(c: CheckView | undefined): string {
  if (!c) return 'no check run yet';
  return c.status === 'completed' ? `${c.conclusion ?? 'completed'}: ${c.title ?? ''}` : `${c.status}${c.title ? `: ${c.title}` : ''}`;
}

export async function driveDemo(o: DriveDemoOptions): Promise<DriveDemoResult> {
  const write = o.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const c = o.credentials;
  const serviceUrl = trimUrl(o.serviceUrl ?? c.demo.service_url);
  const apiUrl = o.githubUrl ? `${trimUrl(o.githubUrl)}/api/v3` : trimUrl(c.api_url);
  const prUrl = o.githubUrl ? `${trimUrl(o.githubUrl)}/${c.demo.repo}/pull/${c.demo.pull_number}` : c.demo.pr_url;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const pollMs = o.pollMs ?? 250;
  const maintainer = c.users.find((u) => u.login === c.demo.maintainer);
  if (!maintainer) throw new Error(`the credentials hold no token for the maintainer ${c.demo.maintainer}`);
  const [owner, repo] = c.demo.repo.split('/');
  const pull_number = c.demo.pull_number;

  if (!(await serviceIsUp(serviceUrl))) {
    throw new Error(`the checks-out service does not answer at ${serviceUrl}/healthz; start the demo with 'npm start' first`);
  }
  const gh = client(apiUrl, maintainer.token, Math.min(timeoutMs, 10_000));
  const { data: pr } = await gh.rest.pulls.get({ owner, repo, pull_number });
  if (pr.state !== 'open') throw new Error(`${c.demo.repo}#${pull_number} is ${pr.state}; the demo needs it open (delete the demo state to start over)`);
  const headSha = pr.head.sha;
  write(`Pull request ${c.demo.repo}#${pull_number} "${pr.title}" by ${pr.user?.login ?? '?'} (head ${headSha.slice(0, 7)})`);

  const deadline = Date.now() + timeoutMs;
  const look = async (): Promise<{ check: CheckView | undefined; status: DriveDemoResult['status'] }> => {
    const [runs, combined] = await Promise.all([
      gh.rest.checks.listForRef({ owner, repo, ref: headSha, per_page: 100 }),
      gh.rest.repos.getCombinedStatusForRef({ owner, repo, ref: headSha, per_page: 100 }),
    ]);
    // The demo app's own run and status, whatever CHECK_RUN_NAME / BRANDING_NAME say.
    const run = runs.data.check_runs.find((r) => r.app?.id === c.app.id);
    const st = combined.data.statuses.find((x) => x.context.startsWith('approvals/'));
    return {
      check: run ? { status: run.status, conclusion: run.conclusion, title: run.output.title } : undefined,
      status: st ? { state: st.state, description: st.description ?? '', context: st.context } : undefined,
    };
  };

  // Approve only once checks-out has seen the PR, and in a later whole second than that: GitHub times are
  // whole seconds while the service records the head's push time in milliseconds, so an approval within
  // the push's second would count as made before the push (see docs/demo.md, "Known issues").
  let view = await look();
  if (view.status === undefined) {
    write('Waiting for checks-out to evaluate the pull request first ...');
    while (view.status === undefined && Date.now() < deadline) {
      await sleep(pollMs);
      view = await look();
    }
  }
  await sleep(1000 - (Date.now() % 1000) + 20);

  const body = o.comment ?? 'I approve';
  const { data: comment } = await gh.rest.issues.createComment({ owner, repo, issue_number: pull_number, body });
  write(`${maintainer.login} commented "${body}": ${comment.html_url}`);
  write(`Waiting for checks-out (check run and status of the ${c.app.slug} app) ...`);

  let last = '';
  for (;;) {
    view = await look();
    const { check, status } = view;
    const line = `  check run: ${describeCheck(check)}; status: ${status ? `${status.state} (${status.description})` : 'none yet'}`;
    if (line !== last) write(line);
    last = line;
    const green = check?.status === 'completed' && check.conclusion === 'success' && status?.state === 'success';
    if (green) {
      write(`Approved: the check run and the commit status are green. See ${prUrl}`);
      return { green: true, commentUrl: comment.html_url, prUrl, headSha, check, status };
    }
    if (Date.now() >= deadline) {
      write(`Gave up after ${Math.round(timeoutMs / 1000)} s without a green check. See ${prUrl} and the service's log.`);
      return { green: false, commentUrl: comment.html_url, prUrl, headSha, check, status };
    }
    await sleep(pollMs);
  }
}
