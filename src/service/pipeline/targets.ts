/**
 * What a batch of (coalesced) webhook deliveries asks the pipeline to do — pure, so every event rule is
 * unit-tested: which pull requests to re-evaluate (directly, or through a commit SHA whose open PRs must
 * be looked up), which head SHAs were pushed when (the `head` range cutoff), and which commit statuses
 * claiming to be ours must be checked against the true state.
 */
import { isServiceMessage } from '../../policy/actions/notifications.js';
import { statusContext } from '../../policy/approval/status.js';
import { COMMIT_SHA, REPO_FULL_NAME, obj, positiveInt, str, type Obj } from '../payload.js';

/** A delivery with its payload parsed once per job (the job seam's `ParsedDelivery` is one). */
export interface TargetDelivery {
  id: string;
  event: string;
  payload: Obj;
  receivedAt: number;
}

export interface PushObservation {
  repo: string;
  sha: string;
  at: number;
  source: string;
}

export interface JobTargets {
  /** `owner/repo` (as GitHub spells it) → PR numbers to evaluate. */
  prs: Map<string, Set<number>>;
  /** Commits whose open PRs must be evaluated (pushes, suites, statuses). */
  shas: ShaTarget[];
  pushes: PushObservation[];
  /** Installation id seen in the deliveries, per repo (App mode). */
  installations: Map<string, number>;
  /**
   * A person asked for a re-evaluation (Re-evaluate button, re-run): what GitHub sends no webhook for, such
   * as team membership, may have changed, so cached look-ups should not be trusted.
   */
  refresh: boolean;
  /** Organisations (lower-case) whose membership changed (org, team or collaborator webhooks). */
  membershipOrgs: Set<string>;
  /**
   * Repositories whose default-branch policy files may have changed (a push to the default branch, or a
   * different default branch): cached copies are forgotten everywhere (pipeline/policy-files.ts).
   */
  policyRepos: Set<string>;
  /** Token mode: repositories created in (enable quietly) or deleted from an enabled organisation (spec §15.2). */
  enrolments: Enrolment[];
  /** Deliveries that asked for nothing, with why (for the log). */
  ignored: { id: string; why: string }[];
}

export interface Enrolment {
  action: 'created' | 'deleted';
  owner: string;
  name: string;
}

export interface ShaTarget {
  repo: string;
  sha: string;
  reason: string;
  /** For a status in our context: what it claims, so that the echo of our own post is recognised. */
  claimed?: { state: string; description: string };
}

export interface TargetOptions {
  brandingShort: string;
  statusContext: string;
  checkRunName: string;
  /**
   * Token mode: `repository` `created` / `deleted` (from an organisation's hook) enable / forget the
   * repository. An App needs none of it: an installation on all repositories covers new ones.
   */
  enrolRepositories?: boolean;
}

/** The options as the service configuration sets them (the status context derives from BRANDING_NAME, spec §0). */
export function targetOptionsFor(config: { branding: { name: string; shortName: string }; checkRunName: string; github: { mode: string } }): TargetOptions {
  return {
    brandingShort: config.branding.shortName,
    statusContext: statusContext(config.branding.name),
    checkRunName: config.checkRunName,
    enrolRepositories: config.github.mode === 'token',
  };
}

/** The pipeline's own follow-up deliveries (see handler.ts); the dot keeps it out of GitHub's event names. */
export const FOLLOW_UP_EVENT = 'checks-out.evaluate';

const num = positiveInt;

/** `pull_request` actions that can change the decision. `closed` ends the PR's life: nothing to report. */
const PR_ACTIONS = new Set(['opened', 'reopened', 'synchronize', 'edited', 'ready_for_review', 'converted_to_draft']);

export function jobTargets(deliveries: readonly TargetDelivery[], o: TargetOptions): JobTargets {
  const t: JobTargets = { prs: new Map(), shas: [], pushes: [], installations: new Map(), refresh: false, membershipOrgs: new Set(), policyRepos: new Set(), enrolments: [], ignored: [] };
  for (const d of deliveries) {
    const ask = classifyDelivery(d.event, d.payload, d.receivedAt, o);
    for (const org of ask.membershipOrgs) t.membershipOrgs.add(org);
    if (ask.repo !== undefined) {
      const repo = ask.repo;
      if (ask.installation !== undefined) t.installations.set(repo, ask.installation);
      for (const n of ask.prs) {
        let set = t.prs.get(repo);
        if (set === undefined) t.prs.set(repo, (set = new Set()));
        set.add(n);
      }
      for (const s of ask.shas) t.shas.push({ repo, ...s });
      for (const p of ask.pushes) t.pushes.push({ repo, ...p });
      if (ask.refresh) t.refresh = true;
      if (ask.policyChanged) t.policyRepos.add(repo);
      if (ask.enrolment !== undefined) {
        const [owner, name] = repo.split('/');
        // The last word on a repository wins: created then deleted in one job ends deleted.
        t.enrolments = t.enrolments.filter((e) => `${e.owner}/${e.name}`.toLowerCase() !== repo.toLowerCase());
        t.enrolments.push({ action: ask.enrolment, owner, name });
      }
    }
    if (ask.why !== undefined) t.ignored.push({ id: d.id, why: ask.why });
  }
  return t;
}

/**
 * What one delivery asks for — THE event rules, shared by `jobTargets` (what a job does) and intake's
 * triage (whether a delivery is worth queuing at all), so the two can never disagree.
 */
export interface DeliveryAsk {
  /** The repository (`full_name` as GitHub spells it), when the payload names a well-formed one. */
  repo?: string;
  installation?: number;
  prs: number[];
  shas: Omit<ShaTarget, 'repo'>[];
  pushes: Omit<PushObservation, 'repo'>[];
  /** A person asked for a re-evaluation (see `JobTargets.refresh`); only set along with a target. */
  refresh: boolean;
  /** Organisations (lower-case) whose membership answers must be re-read (see `JobTargets.membershipOrgs`). */
  membershipOrgs: string[];
  /** The repository's default-branch files may have changed (see `JobTargets.policyRepos`). */
  policyChanged?: boolean;
  /** Token mode: enable (created) or forget (deleted) the repository (see `JobTargets.enrolments`). */
  enrolment?: 'created' | 'deleted';
  /** Why it asks for nothing (more): for the log. */
  why?: string;
}

/** True when the pipeline would do anything at all with the delivery. */
export function asksForWork(a: DeliveryAsk): boolean {
  return a.prs.length > 0 || a.shas.length > 0 || a.pushes.length > 0 || a.membershipOrgs.length > 0 || a.policyChanged === true || a.enrolment !== undefined;
}

/** Classifies one parsed delivery; `receivedAt` is the fallback push time. Pure; payload untrusted. */
export function classifyDelivery(event: string, payload: Obj, receivedAt: number, o: TargetOptions): DeliveryAsk {
  const ask: DeliveryAsk = { prs: [], shas: [], pushes: [], refresh: false, membershipOrgs: [] };
  const p = obj(payload); // typed as an object, but nothing untrusted is taken on faith
  if (p === undefined) {
    ask.why = 'payload is not a JSON object';
    return ask;
  }
  if (MEMBERSHIP_EVENTS.has(event)) return membershipChange(event, p, ask);
  const repo = str(obj(p.repository)?.full_name);
  if (repo === undefined || !REPO_FULL_NAME.test(repo)) {
    ask.why = 'no repository';
    return ask;
  }
  ask.repo = repo;
  const inst = num(obj(p.installation)?.id);
  if (inst !== undefined) ask.installation = inst;
  const why = classify(event, p, receivedAt, ask, o);
  if (why !== undefined) ask.why = why;
  return ask;
}

/**
 * GitHub's own time of a push, from the payload (`pull_request.updated_at`, `repository.pushed_at` in
 * seconds): it is on the same clock as comment and review times, so a service clock that runs behind
 * GitHub's cannot move the cutoff before the push. Undefined when absent or implausible.
 */
function githubTime(v: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof v === 'string' && v.length <= 40) ms = Date.parse(v);
  else if (typeof v === 'number') ms = v * 1000;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function addPr(a: DeliveryAsk, n: number | undefined): string | undefined {
  if (n === undefined) return 'no pull request number';
  if (!a.prs.includes(n)) a.prs.push(n);
  return undefined;
}

function addSha(a: DeliveryAsk, sha: string | undefined, reason: string, claimed?: ShaTarget['claimed']): string | undefined {
  if (sha === undefined || !COMMIT_SHA.test(sha)) return 'no commit SHA';
  a.shas.push({ sha, reason, ...(claimed ? { claimed } : {}) });
  return undefined;
}

/** GitHub lists a suite's PRs; a payload listing more than this is not one to fan out in full. */
const MAX_PRS_PER_DELIVERY = 100;

function prNumbersOf(list: unknown): number[] {
  if (!Array.isArray(list)) return [];
  return list
    .slice(0, MAX_PRS_PER_DELIVERY)
    .map((x) => num(obj(x)?.number))
    .filter((n): n is number => n !== undefined);
}

/** Adds what one delivery asks for to `a`; returns why it asks for nothing (more). */
function classify(event: string, p: Obj, receivedAt: number, a: DeliveryAsk, o: TargetOptions): string | undefined {
  const action = str(p.action);
  switch (event) {
    case 'pull_request': {
      const pr = obj(p.pull_request);
      const head = str(obj(pr?.head)?.sha);
      if ((action === 'opened' || action === 'reopened' || action === 'synchronize') && head && COMMIT_SHA.test(head)) {
        a.pushes.push({ sha: head, at: githubTime(pr?.updated_at) ?? receivedAt, source: `pull_request.${action}` });
      }
      // A close goes to the PR's own job, so the job learns the PR is closed (its pull cache) and a
      // comment or review queued before the close is not published on the closed PR.
      if (action === 'closed') return addPr(a, num(pr?.number) ?? num(p.number)) ?? 'pull request closed: nothing will be reported';
      if (!action || !PR_ACTIONS.has(action)) return `pull_request.${action ?? '?'} does not change approvals`;
      if (str(pr?.state) === 'closed') return 'pull request is closed';
      return addPr(a, num(pr?.number) ?? num(p.number));
    }
    case 'issue_comment': {
      const issue = obj(p.issue);
      if (!obj(issue?.pull_request)) return 'comment on an issue, not a pull request';
      if (str(issue?.state) === 'closed') return 'pull request is closed';
      // Our own notifications must not trigger evaluations (they would loop).
      if (isServiceMessage(str(obj(p.comment)?.body), o.brandingShort)) return 'service message';
      return addPr(a, num(issue?.number));
    }
    case 'pull_request_review': {
      const pr = obj(p.pull_request);
      if (str(pr?.state) === 'closed') return 'pull request is closed';
      return addPr(a, num(pr?.number));
    }
    case 'push': {
      const after = str(p.after);
      // Only branch heads can be PR heads; a tag push says nothing about when a head was pushed.
      if (!str(p.ref)?.startsWith('refs/heads/')) return 'not a branch push';
      if (p.deleted === true || after === undefined || !COMMIT_SHA.test(after) || /^0+$/.test(after)) return 'branch deleted';
      a.pushes.push({ sha: after, at: githubTime(obj(p.repository)?.pushed_at) ?? receivedAt, source: 'push' });
      // The policy is read from the default branch; a payload that does not say which branch that is counts.
      const defaultBranch = str(obj(p.repository)?.default_branch);
      if (defaultBranch === undefined || p.ref === `refs/heads/${defaultBranch}`) a.policyChanged = true;
      // A push to a PR branch also arrives as pull_request.synchronize; evaluating twice is harmless but wasteful.
      return 'push recorded';
    }
    case 'repository': {
      // A new default branch (edited), or a new name, means other policy files.
      if (action === 'edited' || action === 'renamed' || action === 'transferred') a.policyChanged = true;
      if (o.enrolRepositories && (action === 'created' || action === 'deleted')) {
        // Only an organisation's own repositories: intake checked the signature of the org the payload names.
        const org = str(obj(p.organization)?.login)?.toLowerCase();
        if (org === undefined || org !== a.repo?.split('/')[0].toLowerCase()) return `repository.${action} of another owner than the organisation`;
        a.enrolment = action;
        return undefined;
      }
      return `repository.${action ?? '?'} needs no evaluation`;
    }
    case 'status': {
      if (str(p.context) !== o.statusContext) return 'status of another context';
      // Anyone with write access can post our context; re-evaluating the commit puts the true state back.
      const claimed = { state: str(p.state) ?? '', description: str(p.description) ?? '' };
      return addSha(a, str(p.sha), 'status posted in our context', claimed);
    }
    case 'check_suite': {
      if (action !== 'requested' && action !== 'rerequested') return `check_suite.${action ?? '?'} needs nothing`;
      const suite = obj(p.check_suite);
      const why = addPrsOrSha(a, suite?.pull_requests, suite?.head_sha, `check_suite.${action}`);
      if (action === 'rerequested' && why === undefined) a.refresh = true;
      return why;
    }
    case 'check_run': {
      const run = obj(p.check_run);
      if (str(run?.name) !== o.checkRunName) return 'check run of another name';
      if (action === 'requested_action') {
        const id = str(obj(p.requested_action)?.identifier);
        if (id !== 'reevaluate') return `unknown requested action ${id ?? '?'}`;
      } else if (action !== 'rerequested') {
        return `check_run.${action ?? '?'} needs nothing`;
      }
      const why = addPrsOrSha(a, run?.pull_requests, run?.head_sha, `check_run.${action}`);
      if (why === undefined) a.refresh = true;
      return why;
    }
    case FOLLOW_UP_EVENT:
      return addPr(a, num(obj(p.pull_request)?.number));
    default:
      return `${event} needs no evaluation`;
  }
}

/**
 * Events that change who belongs to an organisation or team, or who collaborates on a repository: cached
 * membership answers of that organisation must be re-read (pipeline/membership-sync.ts). Only people
 * joining or leaving matters; an invitation changes nothing yet.
 */
const MEMBERSHIP_EVENTS: ReadonlySet<string> = new Set(['membership', 'team', 'organization', 'member']);
const ORG_LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

function membershipChange(event: string, p: Obj, a: DeliveryAsk): DeliveryAsk {
  const action = str(p.action);
  const repo = str(obj(p.repository)?.full_name);
  if (repo !== undefined && REPO_FULL_NAME.test(repo)) a.repo = repo;
  const inst = num(obj(p.installation)?.id);
  if (inst !== undefined) a.installation = inst;
  // `member` (collaborators) concerns the repository's owner; the others carry the organisation.
  const org = str(obj(p.organization)?.login) ?? (event === 'member' ? a.repo?.split('/')[0] : undefined);
  if (org === undefined || !ORG_LOGIN.test(org)) {
    a.why = `${event} without an organisation`;
    return a;
  }
  if (event === 'organization' && action !== 'member_added' && action !== 'member_removed' && action !== 'deleted' && action !== 'renamed') {
    a.why = `organization.${action ?? '?'} changes no membership`;
    return a;
  }
  a.membershipOrgs.push(org.toLowerCase());
  return a;
}

/** A suite's or run's PRs, or its head SHA (whose open PRs are looked up) when it lists none. */
function addPrsOrSha(a: DeliveryAsk, pullRequests: unknown, headSha: unknown, reason: string): string | undefined {
  const prs = prNumbersOf(pullRequests);
  if (prs.length === 0) return addSha(a, str(headSha), reason);
  for (const n of prs) addPr(a, n);
  return undefined;
}
