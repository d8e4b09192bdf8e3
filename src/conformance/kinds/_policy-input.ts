/** Builds engine inputs from the shared vector input objects (README §3.4). */
import { parseConfig } from '../../policy/config/index.js';
import type { PolicyDecisionInput } from '../../policy/approval/decide.js';
import type { Config } from '../../policy/config/types.js';
import { selectPolicy } from '../../policy/scope.js';
import type { CommitInfo, FeedbackItem, Person, PullRequestInfo, Snapshot } from '../../policy/types.js';
import { record, str, strings } from './_input.js';

/** `{people: [logins], orgs: {group: [logins]}}` → Snapshot (person→groups only for people). */
export function snapshotFrom(v: unknown): Snapshot {
  const m = record(v);
  const people = new Map<string, Person>();
  for (const login of strings(m.people)) people.set(login.toLowerCase(), { name: '', email: '', login });
  const orgs = new Map<string, string[]>();
  const personToOrgs = new Map<string, Set<string>>();
  for (const [group, members] of Object.entries(record(m.orgs))) {
    const list = strings(members).map((x) => x.toLowerCase());
    orgs.set(group.toLowerCase(), list);
    for (const login of list) {
      if (!people.has(login)) continue;
      let set = personToOrgs.get(login);
      if (set === undefined) personToOrgs.set(login, (set = new Set()));
      set.add(group.toLowerCase());
    }
  }
  return { people, orgs, personToOrgs };
}

export function pullRequestFrom(v: unknown): PullRequestInfo {
  const p = record(v);
  return {
    author: str(p.author),
    title: str(p.title),
    body: str(p.body),
    baseBranch: str(p.base_branch),
    compareBranch: str(p.compare_branch),
    compareOwner: str(p.compare_owner),
  };
}

export function feedbackFrom(v: unknown): FeedbackItem[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    const f = record(x);
    const item: FeedbackItem = { type: f.type === 'review' ? 'review' : 'comment', author: str(f.author) };
    if (typeof f.body === 'string') item.body = f.body;
    if (typeof f.state === 'string') item.state = f.state;
    return item;
  });
}

export function commitsFrom(v: unknown): CommitInfo[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    const c = record(x);
    return {
      author: str(c.author),
      committer: str(c.committer),
      parents: typeof c.parents === 'number' ? c.parents : 1,
    };
  });
}

export function configFrom(input: Record<string, unknown>): Config {
  return parseConfig(str(input.config)).config;
}

export interface PolicyVectorInput {
  config: Config;
  snapshot: Snapshot;
  pr: PullRequestInfo;
  files: string[];
  approval: FeedbackItem[];
  disapproval: FeedbackItem[];
  closingIssueAuthors: string[];
}

export function policyVectorInput(input: Record<string, unknown>): PolicyVectorInput {
  const approval = feedbackFrom(input.approval_feedback);
  return {
    config: configFrom(input),
    snapshot: snapshotFrom(input.maintainers),
    pr: pullRequestFrom(input.pull_request),
    files: strings(input.files),
    approval,
    disapproval: input.disapproval_feedback === undefined ? approval : feedbackFrom(input.disapproval_feedback),
    closingIssueAuthors: strings(input.closing_issue_authors),
  };
}

/** The vector's policy selected by scope (§5) and the decision-pipeline input for it (§3.6). */
export function policyDecisionInput(v: PolicyVectorInput): PolicyDecisionInput & { config: Config } {
  const policy = selectPolicy(v.config, { baseBranch: v.pr.baseBranch, compareBranch: v.pr.compareBranch, files: v.files });
  return {
    config: v.config,
    policy,
    snapshot: v.snapshot,
    author: v.pr.author,
    title: v.pr.title,
    approval: v.approval,
    disapproval: v.disapproval,
    closingIssueAuthors: v.closingIssueAuthors,
  };
}
