/**
 * The queue's job handler: deliveries → push times recorded → the PRs they concern → for each PR, load,
 * evaluate, report (check run + commit status), and log the decision. One job holds the lease of one PR
 * key (or one delivery), so two workers never evaluate the same PR at once; coalesced deliveries lead to
 * one evaluation of the PR's latest state.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServiceDb } from '../db/connect.js';
import type { ClaimedJob } from '../queue/queue.js';
import type { JobContext } from '../queue/worker.js';
import type { JobEvaluator, ParsedDelivery } from '../handle-job.js';
import { countGitHubCalls, type CallCounter } from '../github/call-count.js';
import { isEchoOfLatestDecision, latestDecision, recordDecision } from '../store/decisions.js';
import { pushTime, recordPushTime } from '../store/push-times.js';
import { encodeShown, saveCheckRun, type StoredCheckRun } from '../store/check-runs.js';
import { authorAffirmComment } from '../../policy/actions/notifications.js';
import { buildReport, errorReport } from './check-output.js';
import { evaluatePr, type PrOutcome } from './evaluate-pr.js';
import type { CommitData, PrGitHub, PullData, RepoData, RepoRef } from './github-port.js';
import type { PolicyEnv } from './load-policy.js';
import type { MembershipCache } from './membership-cache.js';
import { announceCacheChanges, installationKey, installationOfKey, revokedInstallations, syncMembership } from './membership-sync.js';
import { filesKey, type PolicyFileCache } from './policy-files.js';
import { cachedReads } from './cached-reads.js';
import { loadPull } from './load-pull.js';
import { isOurOwnStatus, logStatusCorrection } from './status-correction.js';
import { annotationsDigest, openCheckRun, placement, publishReport, reusableRun, type KnownRun, type PublishOptions } from './publish.js';
import { decisionToken, PullCache } from './pull-cache.js';
import type { Decision } from '../store/decisions.js';
import { repoDataFromPayloads } from './repo-data.js';
import { FOLLOW_UP_EVENT, jobTargets, type Enrolment, type ShaTarget } from './targets.js';
import type { EnrolOutcome } from '../enrol/repo-enrolment.js';

export interface RepoAccess {
  /**
   * How to reach GitHub for a repository: the port and the identity that `repo-self` means on user
   * repositories. Undefined when checks-out is not installed / enabled there (the delivery is dropped).
   */
  forRepo(repo: string, installationId: number | undefined): Promise<{ gh: PrGitHub; enablingUser: string } | undefined>;
  /** App mode: drop an installation's cached client and token (see app-access.ts). */
  forgetInstallation?(id: number): void;
  /** Token mode: enable a repository created in an enabled organisation, or forget a deleted one (spec §15.2). */
  enrol?(e: Enrolment): Promise<EnrolOutcome>;
}

export interface PipelineOptions {
  sdb: ServiceDb;
  access: RepoAccess;
  membership: MembershipCache;
  env: PolicyEnv;
  brandingShort: string;
  statusContext: string;
  checkRunName: string;
  /** Base URL of this service; check runs link to `<publicUrl>/pr/<owner>/<repo>/<n>`. */
  publicUrl: string;
  logger: Logger;
  now?: () => number;
  /**
   * Queues a follow-up delivery on a PR's own key (see `followUpDelivery`). With it, a job that is not
   * about exactly one PR (a status, a suite of several PRs) hands each PR to that PR's serialised job
   * instead of evaluating it alongside, so two evaluations of one PR never race. Without it (tests, tools)
   * such PRs are evaluated inline.
   */
  followUp?: (delivery: FollowUp) => Promise<void>;
  /** The queue's attempt limit: on the last attempt a failure is reported on the PR (status `error`). */
  maxAttempts?: number;
  /**
   * Open the check run `in_progress` before the first evaluation of a head (default true). Off saves that
   * write: the run is then created completed.
   */
  inProgress?: boolean;
  /** What this process knows of PRs and their check runs (default: a fresh one per handler). */
  pulls?: PullCache;
  /** Default-branch policy files between evaluations (POLICY_CACHE_TTL); without it they are read (revalidated) each time. */
  policyFiles?: PolicyFileCache;
  /** Called after each evaluation (metrics). */
  onEvaluated?: (info: { repo: string; pr: number; ms: number; outcome: PrOutcome['kind']; calls: CallCounter }) => void;
}

export interface FollowUp {
  id: string;
  event: typeof FOLLOW_UP_EVENT;
  payload: string;
  /** `owner/repo#n`, lower-case repository, as intake keys PR deliveries. */
  prKey: string;
  repo: string;
  receivedAt: number;
}

/** How many delivery ids a follow-up names as its origin (a coalesced job may hold thousands). */
export const FOLLOW_UP_ORIGINS = 50;

/** `origin`: the ids of the deliveries that asked for it, so the decision log leads back to a webhook. */
export function followUpDelivery(repo: string, pr: number, installationId: number | undefined, reason: string, now: number, origin: readonly string[] = []): FollowUp {
  const payload = {
    repository: { full_name: repo },
    pull_request: { number: pr },
    reason,
    origin: origin.slice(0, FOLLOW_UP_ORIGINS),
    ...(installationId !== undefined ? { installation: { id: installationId } } : {}),
  };
  return { id: `internal:${randomUUID()}`, event: FOLLOW_UP_EVENT, payload: JSON.stringify(payload), prKey: `${repo.toLowerCase()}#${pr}`, repo, receivedAt: now };
}

/** Thrown when a job's lease was lost mid-way: its results must not be posted. */
export class LeaseLost extends Error {
  constructor() {
    super('lease lost; a newer evaluation owns this pull request');
    this.name = 'LeaseLost';
  }
}

function splitRepo(repo: string): RepoRef {
  const [owner, name] = repo.split('/');
  return { owner, repo: name };
}

/**
 * The pipeline, to plug into `createJobHandler({ evaluate })`: it takes the deliveries that seam parsed
 * (each payload is parsed once per job).
 */
export function createPipelineHandler(o: PipelineOptions): JobEvaluator {
  const now = o.now ?? Date.now;
  // Org auto-enrol is asked of access that can do it (token mode).
  const targetOptions = { brandingShort: o.brandingShort, statusContext: o.statusContext, checkRunName: o.checkRunName, enrolRepositories: o.access.enrol !== undefined };
  const pulls = o.pulls ?? new PullCache();

  return async (job: ClaimedJob, deliveries: readonly ParsedDelivery[], ctx: JobContext): Promise<void> => {
    const t = jobTargets(deliveries, targetOptions);
    // The worker's job logger already names the job, its PR key, repository and deliveries.
    const log = ctx.logger;
    for (const i of t.ignored) log.debug({ delivery: i.id, why: i.why }, 'delivery needs no evaluation');
    for (const p of t.pushes) await recordPushTime(o.sdb, p.repo, p.sha, p.at, p.source);
    // Membership changes, moved default branches and revoked installations go through one change log (one
    // write), so every thread and process forgets what they invalidate before its next evaluation.
    const revoked = revokedInstallations(deliveries);
    await announceCacheChanges(o.sdb, [...t.membershipOrgs, ...[...t.policyRepos].map(filesKey), ...revoked.map(installationKey)], now());
    if (t.membershipOrgs.size > 0) log.info({ orgs: [...t.membershipOrgs] }, 'membership changed; cached answers of these organisations will be re-read');
    if (t.policyRepos.size > 0) log.debug({ repos: [...t.policyRepos] }, 'default branch moved; cached policy files of these repositories will be re-read');
    if (revoked.length > 0) {
      for (const id of revoked) o.access.forgetInstallation?.(id);
      log.info({ installations: revoked }, 'installation deleted or suspended; its cached token is forgotten');
    }

    for (const e of t.enrolments) {
      if (!o.access.enrol) {
        log.debug({ repo: `${e.owner}/${e.name}`, action: e.action }, 'repository enrolment is for token mode; nothing to do');
        continue;
      }
      const r = await o.access.enrol(e);
      // Not enabling a repository because the organisation's user is gone is something to fix: warn.
      const level = r.outcome === 'no-token' || r.outcome === 'org-not-enabled' ? 'warn' : 'info';
      log[level]({ ...r, action: e.action }, e.action === 'created' ? 'new organisation repository' : 'organisation repository deleted');
    }

    const shas: ShaTarget[] = [];
    for (const s of t.shas) {
      if (s.claimed && (await isEchoOfLatestDecision(o.sdb, s.repo, s.sha, s.claimed))) {
        log.debug({ repo: s.repo, sha: s.sha }, 'status is the one checks-out last posted on this commit; nothing to correct');
        continue;
      }
      shas.push(s);
    }
    const repos = new Set([...t.prs.keys(), ...shas.map((s) => s.repo)]);
    if (repos.size > 0) {
      for (const key of await syncMembership(o.sdb, o.membership, o.policyFiles)) {
        const id = installationOfKey(key);
        if (id !== undefined) o.access.forgetInstallation?.(id);
      }
      if (t.refresh) o.membership.clear();
    }
    for (const repo of repos) {
      const access = await o.access.forRepo(repo, t.installations.get(repo));
      if (access === undefined) {
        log.info({ repo }, 'checks-out is not enabled for this repository; delivery dropped');
        continue;
      }
      const ref = splitRepo(repo);
      // The payloads' `repository` spares reading it from GitHub (follow-ups carry none: they read it).
      const repoData = repoDataFromPayloads(deliveries.map((d) => d.payload), repo);
      const numbers = new Set(t.prs.get(repo) ?? []);
      for (const s of shas.filter((x) => x.repo === repo)) {
        const correcting: number[] = [];
        for (const n of await access.gh.pullsForCommit(ref, s.sha)) {
          if (s.claimed && (await isOurOwnStatus(o.sdb, repo, n, s.sha, s.claimed))) {
            log.debug({ repo, pr: n, sha: s.sha }, 'status is the one checks-out posted; nothing to correct');
            continue;
          }
          numbers.add(n);
          correcting.push(n);
        }
        if (s.claimed && correcting.length > 0) await logStatusCorrection(o, log, { ...s, claimed: s.claimed }, correcting, deliveries);
      }
      for (const n of [...numbers].sort((a, b) => a - b)) {
        if (o.followUp && job.prKey !== `${repo.toLowerCase()}#${n}`) {
          const reason = job.deliveries.map((d) => d.event).join(',');
          await o.followUp(followUpDelivery(repo, n, t.installations.get(repo), reason, now(), job.deliveries.map((d) => d.id)));
          log.debug({ repo, pr: n }, 'handed to the pull request\'s own job');
          continue;
        }
        const started = now();
        // A job of this PR's own key logs under the job's bindings; a fan-out (a status, a suite) names each PR.
        const prLog = job.prKey === `${repo.toLowerCase()}#${n}` ? log : log.child({ repo, pr: n });
        // Every GitHub request of this evaluation (retries included) is counted by route.
        const target = { ref, number: n, repoData, deliveries };
        const { result: outcome, calls } = await countGitHubCalls(() => evaluateAndReport(o, pulls, access, target, job, ctx, prLog, now));
        if (outcome === undefined) continue;
        const ms = now() - started;
        o.onEvaluated?.({ repo, pr: n, ms, outcome, calls });
        if (prLog.isLevelEnabled('debug')) prLog.debug({ calls: calls.toJSON(), rateLimitCost: calls.rateLimitCost, ms }, 'GitHub calls of the evaluation');
      }
    }
  };
}

/** The job carries a comment or a review: the evaluation answers someone's feedback. */
function answersFeedback(job: ClaimedJob): boolean {
  return job.deliveries.some((d) => d.event === 'issue_comment' || d.event === 'pull_request_review');
}

/** One PR to evaluate, with what the job's payloads already say about it. */
export interface EvalTarget {
  ref: RepoRef;
  number: number;
  /** From a payload's `repository`; undefined: read it from GitHub. */
  repoData: RepoData | undefined;
  deliveries: readonly ParsedDelivery[];
}

async function evaluateAndReport(
  o: PipelineOptions,
  pulls: PullCache,
  access: { gh: PrGitHub; enablingUser: string },
  target: EvalTarget,
  job: ClaimedJob,
  ctx: JobContext,
  log: Logger,
  now: () => number,
): Promise<PrOutcome['kind'] | undefined> {
  const { ref, number } = target;
  const slug = `${ref.owner}/${ref.repo}`;
  const loaded = await loadPull(pulls, access.gh, target, job, log);
  if (loaded === undefined) {
    log.info('GitHub does not know this pull request (404); nothing to report');
    return undefined;
  }
  const { pull, commits } = loaded;
  const gh = cachedReads(access.gh, { pulls, pull, policyFiles: o.policyFiles, changesSeen: () => o.membership.changesSeen ?? -1, reader: access.enablingUser, now });
  access = { ...access, gh };
  if (pull.state !== 'open') {
    log.debug('pull request is closed; nothing to report');
    return undefined;
  }
  const assertCurrent = () => {
    if (ctx.signal.aborted) throw new LeaseLost();
  };
  const publish = {
    checkRunName: o.checkRunName,
    statusContext: o.statusContext,
    detailsUrl: `${o.publicUrl.replace(/\/+$/, '')}/pr/${ref.owner}/${ref.repo}/${number}`,
    now,
    assertCurrent,
  };
  const previous = await latestDecision(o.sdb, slug, number);
  const runs = { sdb: o.sdb, pulls, checkRunName: o.checkRunName };
  let run = await reusableRun(runs, slug, number, pull.headSha, previous);
  if (run === undefined && o.inProgress !== false) run = await openCheckRun(gh, ref, number, pull.headSha, previous, publish, runs);
  try {
    return await decideAndPublish(o, pulls, access, { ref, repoData: target.repoData, pull, commits }, run, previous, publish, job, log, now);
  } catch (err) {
    const lastAttempt = o.maxAttempts !== undefined && job.attempts >= o.maxAttempts;
    if (lastAttempt && !(err instanceof LeaseLost)) {
      const report = errorReport(err instanceof Error ? err.message : String(err));
      try {
        // Logged like any decision, so the echo of this status is recognised as ours too.
        const verdict = { policy: null, approvers: [], disapprovers: [], configHash: null };
        await recordAndPublish(o, gh, ref, pull, verdict, report, run, publish, job, now);
      } catch (e) {
        log.warn({ err: e }, 'reporting the failure on the pull request failed too');
      }
    }
    throw err;
  }
}

/**
 * Logs the decision with the run its report goes to (so any thread or process can reuse that run), then
 * posts the report: logged first, so the echo of our own status (a `status` delivery) is recognised as
 * ours. A run other than the one stored (created completed, or replacing one) is stored afterwards, and so
 * is the digest of annotations being sent: until they are all on GitHub, what the run carries is unknown.
 * Returns the run posted to (none in token mode) and what it shows (`encodeShown`), for the memo.
 */
async function recordAndPublish(
  o: PipelineOptions,
  gh: PrGitHub,
  ref: RepoRef,
  pull: PullData,
  verdict: Pick<Decision, 'policy' | 'approvers' | 'disapprovers' | 'configHash'>,
  report: ReturnType<typeof buildReport>,
  run: KnownRun | undefined,
  publish: PublishOptions,
  job: ClaimedJob,
  now: () => number,
): Promise<{ runId: number | undefined; shown: string }> {
  const slug = `${ref.owner}/${ref.repo}`;
  const when = { decidedAt: now(), deliveries: job.deliveries.map((x) => x.id) };
  const { state, description } = report.status;
  const digest = annotationsDigest(report.check.annotations);
  const how = placement(run, report);
  const onRun = run !== undefined && how !== 'create' ? runStored(o, slug, pull.headSha, run.id, when, how === 'keep' || digest === '' ? digest : undefined) : undefined;
  await recordDecision(o.sdb, { repo: slug, prNumber: pull.number, headSha: pull.headSha, ...verdict, state, description, ...when }, onRun);
  const runId = await publishReport(gh, ref, pull.headSha, report, run, publish);
  if (runId !== undefined && (runId !== onRun?.runId || onRun.annotations !== digest)) await saveCheckRun(o.sdb, runStored(o, slug, pull.headSha, runId, when, digest));
  return { runId, shown: encodeShown(decisionToken(when), digest) };
}

function runStored(o: PipelineOptions, slug: string, headSha: string, runId: number, d: { decidedAt: number; deliveries: string[] }, annotations: string | undefined): StoredCheckRun {
  return { repo: slug, headSha, name: o.checkRunName, runId, decision: decisionToken(d), ...(annotations !== undefined ? { annotations } : {}), at: d.decidedAt };
}

async function decideAndPublish(
  o: PipelineOptions,
  pulls: PullCache,
  access: { gh: PrGitHub; enablingUser: string },
  { ref, repoData, pull, commits }: { ref: RepoRef; repoData: RepoData | undefined; pull: PullData; commits: CommitData[] | undefined },
  run: KnownRun | undefined,
  previous: Decision | undefined,
  publish: PublishOptions,
  job: ClaimedJob,
  log: Logger,
  now: () => number,
): Promise<PrOutcome['kind']> {
  const { gh } = access;
  const slug = `${ref.owner}/${ref.repo}`;
  const number = pull.number;
  const assertCurrent = publish.assertCurrent ?? (() => {});
  const repo = repoData ?? (await gh.repo(ref));
  const outcome = await evaluatePr(gh, ref, repo, pull, {
    env: o.env,
    membership: o.membership,
    enablingUser: access.enablingUser,
    brandingShort: o.brandingShort,
    pushTimes: { pushedAt: async (r, sha) => (await pushTime(o.sdb, r, sha))?.pushedAt },
    ...(commits ? { commits } : {}),
  });
  const report = buildReport(outcome);
  assertCurrent();
  const d = outcome.kind === 'decision' ? outcome.decision : undefined;
  const verdict = {
    policy: d ? (d.policy.name !== '' ? d.policy.name : `#${d.policy.position}`) : null,
    approvers: d?.approvers ?? [],
    disapprovers: d?.disapprovers ?? [],
    configHash: outcome.configHash,
  };
  const posted = await recordAndPublish(o, gh, ref, pull, verdict, report, run, publish, job, now);
  if (posted.runId !== undefined) pulls.rememberCheckRun(slug, pull.headSha, { id: posted.runId, decision: posted.shown });
  if (d !== undefined && !d.authorAffirmed && answersFeedback(job)) {
    // Spec §6.4: tell people why an approval by a committer does not count — once per head, not per event.
    const saidSo = previous !== undefined && previous.headSha === pull.headSha && previous.description === report.status.description;
    if (!saidSo) {
      assertCurrent();
      await gh.createIssueComment(ref, number, authorAffirmComment(o.brandingShort));
    }
  }
  log.info({ head: pull.headSha, state: report.status.state, conclusion: report.check.conclusion }, report.status.description);
  return outcome.kind;
}
