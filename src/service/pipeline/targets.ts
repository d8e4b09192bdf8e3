/**
 * What a batch of (coalesced) webhook deliveries asks the pipeline to do — pure, so every event rule is
 * unit-tested: which pull requests to re-evaluate (directly, or through a commit SHA whose open PRs must
 * be looked up), which head SHAs were pushed when (the `head` range cutoff), and which commit statuses
 * claiming to be ours must be checked against the true state.
 */
import { isServiceMessage } from '../../policy/actions/notifications.js';
import { obj, parseObject, positiveInt, str, type Obj } from '../payload.js';

export interface DeliveryLike {
  id: string;
  event: string;
  payload: string;
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
  /** Deliveries that asked for nothing, with why (for the log). */
  ignored: { id: string; why: string }[];
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
}

/** The pipeline's own follow-up deliveries (see handler.ts); the dot keeps it out of GitHub's event names. */
export const FOLLOW_UP_EVENT = 'checks-out.evaluate';

const num = positiveInt;
const SHA = /^[0-9a-f]{40}$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** `pull_request` actions that can change the decision. `closed` ends the PR's life: nothing to report. */
const PR_ACTIONS = new Set(['opened', 'reopened', 'synchronize', 'edited', 'ready_for_review', 'converted_to_draft']);

export function jobTargets(deliveries: readonly DeliveryLike[], o: TargetOptions): JobTargets {
  const t: JobTargets = { prs: new Map(), shas: [], pushes: [], installations: new Map(), refresh: false, ignored: [] };
  for (const d of deliveries) {
    const p = parseObject(d.payload);
    if (p === undefined) {
      t.ignored.push({ id: d.id, why: 'payload is not a JSON object' });
      continue;
    }
    const repo = str(obj(p.repository)?.full_name);
    if (repo === undefined || !REPO.test(repo)) {
      t.ignored.push({ id: d.id, why: 'no repository' });
      continue;
    }
    const inst = num(obj(p.installation)?.id);
    if (inst !== undefined) t.installations.set(repo, inst);
    const why = classify(d, p, repo, t, o);
    if (why !== undefined) t.ignored.push({ id: d.id, why });
  }
  return t;
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

function addPr(t: JobTargets, repo: string, n: number | undefined): string | undefined {
  if (n === undefined) return 'no pull request number';
  let set = t.prs.get(repo);
  if (set === undefined) t.prs.set(repo, (set = new Set()));
  set.add(n);
  return undefined;
}

function addSha(t: JobTargets, repo: string, sha: string | undefined, reason: string, claimed?: ShaTarget['claimed']): string | undefined {
  if (sha === undefined || !SHA.test(sha)) return 'no commit SHA';
  t.shas.push({ repo, sha, reason, ...(claimed ? { claimed } : {}) });
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

/** Adds what one delivery asks for; returns why it asks for nothing. */
function classify(d: DeliveryLike, p: Obj, repo: string, t: JobTargets, o: TargetOptions): string | undefined {
  const action = str(p.action);
  switch (d.event) {
    case 'pull_request': {
      const pr = obj(p.pull_request);
      const head = str(obj(pr?.head)?.sha);
      if ((action === 'opened' || action === 'reopened' || action === 'synchronize') && head && SHA.test(head)) {
        t.pushes.push({ repo, sha: head, at: githubTime(pr?.updated_at) ?? d.receivedAt, source: `pull_request.${action}` });
      }
      if (!action || !PR_ACTIONS.has(action)) return `pull_request.${action ?? '?'} does not change approvals`;
      if (str(pr?.state) === 'closed') return 'pull request is closed';
      return addPr(t, repo, num(pr?.number) ?? num(p.number));
    }
    case 'issue_comment': {
      const issue = obj(p.issue);
      if (!obj(issue?.pull_request)) return 'comment on an issue, not a pull request';
      if (str(issue?.state) === 'closed') return 'pull request is closed';
      // Our own notifications must not trigger evaluations (they would loop).
      if (isServiceMessage(str(obj(p.comment)?.body), o.brandingShort)) return 'service message';
      return addPr(t, repo, num(issue?.number));
    }
    case 'pull_request_review': {
      const pr = obj(p.pull_request);
      if (str(pr?.state) === 'closed') return 'pull request is closed';
      return addPr(t, repo, num(pr?.number));
    }
    case 'push': {
      const after = str(p.after);
      // Only branch heads can be PR heads; a tag push says nothing about when a head was pushed.
      if (!str(p.ref)?.startsWith('refs/heads/')) return 'not a branch push';
      if (p.deleted === true || after === undefined || !SHA.test(after) || /^0+$/.test(after)) return 'branch deleted';
      t.pushes.push({ repo, sha: after, at: githubTime(obj(p.repository)?.pushed_at) ?? d.receivedAt, source: 'push' });
      // A push to a PR branch also arrives as pull_request.synchronize; evaluating twice is harmless but wasteful.
      return 'push recorded';
    }
    case 'status': {
      if (str(p.context) !== o.statusContext) return 'status of another context';
      // Anyone with write access can post our context; re-evaluating the commit puts the true state back.
      const claimed = { state: str(p.state) ?? '', description: str(p.description) ?? '' };
      return addSha(t, repo, str(p.sha), 'status posted in our context', claimed);
    }
    case 'check_suite': {
      if (action !== 'requested' && action !== 'rerequested') return `check_suite.${action ?? '?'} needs nothing`;
      if (action === 'rerequested') t.refresh = true;
      const suite = obj(p.check_suite);
      const prs = prNumbersOf(suite?.pull_requests);
      if (prs.length > 0) {
        for (const n of prs) addPr(t, repo, n);
        return undefined;
      }
      return addSha(t, repo, str(suite?.head_sha), `check_suite.${action}`);
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
      t.refresh = true;
      const prs = prNumbersOf(run?.pull_requests);
      if (prs.length > 0) {
        for (const n of prs) addPr(t, repo, n);
        return undefined;
      }
      return addSha(t, repo, str(run?.head_sha), `check_run.${action}`);
    }
    case FOLLOW_UP_EVENT:
      return addPr(t, repo, num(obj(p.pull_request)?.number));
    default:
      return `${d.event} needs no evaluation`;
  }
}
