/**
 * `checks-out simulate --pr F`: evaluates a pull request described by a snapshot file (docs/pr-snapshot.md)
 * against the local `.checks-out` and MAINTAINERS, and prints what the service would decide and why.
 * Exit 0 approved, 1 not approved, 2 unusable input (PR file, configuration or MAINTAINERS errors).
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';
import { err, out } from '../io.js';
import { InputError, readInput } from '../files.js';
import { formatDiagnostic, sortDiagnostics } from '../diagnostics.js';
import { brandingShortFromEnv } from '../env.js';
import { parsePrSnapshotText, PrSnapshotError, type PrSnapshot } from '../pr-snapshot.js';
import { checkRepository, type RepositoryCheck } from '../repository.js';
import { repoFromOptions, repoOptionSpec, repoOptionUsage } from '../repo-option.js';
import { evaluatePullRequest, renderExplanationText, truncateDescription, type Decision } from '../../policy/index.js';

const usage = `Usage: checks-out simulate --pr F [--config F] [--maintainers F] [--members F] [--now ISO] [--format text|json]

Evaluates the pull request described by F (a PR snapshot, see docs/pr-snapshot.md) against the configuration
and MAINTAINERS, and prints the decision, the policy chosen, approvers, disapprovers, the commit status the
service would post, and the explanation of every step.

Options:
  --pr F            the PR snapshot file (JSON; - for standard input)
  --config F        the configuration (default ./.checks-out, or ./.lgtm when there is no .checks-out)
  --maintainers F   the MAINTAINERS file (default: maintainers.path of the configuration, MAINTAINERS)
  --members F       GitHub memberships used to expand github-org/-team/-collab directives (JSON, see docs/cli.md)
  --now ISO         evaluate as of this instant: comments and reviews made later are left out
  --format F        text (default) or json
${repoOptionUsage}

Exit status: 0 approved, 1 not approved, 2 unusable input (PR file, configuration or MAINTAINERS errors) or bad usage.
`;

interface Options {
  pr: string;
  config?: string;
  maintainers?: string;
  members?: string;
  now?: number;
  format: 'text' | 'json';
  repo: ReturnType<typeof repoFromOptions>;
}

function options(args: string[]): Options {
  const parsed = parseArgs(args, {
    pr: { type: 'string' },
    config: { type: 'string' },
    maintainers: { type: 'string' },
    members: { type: 'string' },
    now: { type: 'string' },
    format: { type: 'string' },
    ...repoOptionSpec,
  });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const pr = parsed.options.pr as string | undefined;
  if (pr === undefined) throw new UsageError('--pr F is required');
  const format = (parsed.options.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const nowText = parsed.options.now as string | undefined;
  let now: number | undefined;
  if (nowText !== undefined) {
    now = /^\d{4}-\d{2}-\d{2}T/.test(nowText) ? Date.parse(nowText) : Number.NaN;
    if (!Number.isFinite(now)) throw new UsageError(`--now must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, not '${nowText}'`);
  }
  return {
    pr,
    config: parsed.options.config as string | undefined,
    maintainers: parsed.options.maintainers as string | undefined,
    members: parsed.options.members as string | undefined,
    now,
    format,
    repo: repoFromOptions(parsed.options),
  };
}

/** The PR as it stood at `now`: later feedback is left out, later edits are treated as not made yet. */
function asOf(pr: PrSnapshot, now: number): PrSnapshot {
  const feedback = pr.feedback
    .filter((f) => f.at === undefined || f.at <= now)
    .map((f) => (f.updatedAt !== undefined && f.updatedAt > now ? { ...f, updatedAt: f.at } : f));
  return { ...pr, feedback };
}

export const command: CommandModule = {
  summary: 'evaluate a PR snapshot file and explain the decision',
  usage,
  async run(args) {
    let opts: Options;
    try {
      opts = options(args);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err(`checks-out simulate: ${e.message}\n${usage}`);
      return 2;
    }

    let pr: PrSnapshot;
    let repo: RepositoryCheck;
    try {
      const text = await readInput(opts.pr);
      pr = parsePrSnapshotText(text);
      repo = await checkRepository(opts);
    } catch (e) {
      if (e instanceof PrSnapshotError) {
        for (const issue of e.issues) err(`${opts.pr}: ${issue.path}: ${issue.message}\n`);
        return 2;
      }
      if (!(e instanceof InputError)) throw e;
      err(`checks-out simulate: ${e.message}\n`);
      return 2;
    }
    const errors = sortDiagnostics(repo.diagnostics.filter((d) => d.severity === 'error'));
    if (errors.length > 0 || repo.config === undefined || repo.snapshot === undefined) {
      for (const d of errors) err(`${formatDiagnostic(d)}\n`);
      err(`checks-out simulate: fix the errors above first (checks-out validate shows them too)\n`);
      return 2;
    }
    if (opts.now !== undefined) pr = asOf(pr, opts.now);

    const decision = evaluatePullRequest({
      config: repo.config,
      snapshot: repo.snapshot,
      pr: pr.pullRequest,
      files: pr.files,
      feedback: pr.feedback,
      commits: pr.commits,
      headPushedAt: pr.headPushedAt,
      pushTimes: pr.pushTimes,
      baseShas: pr.baseShas,
      closingIssueAuthors: pr.closingIssueAuthors,
      auditOk: pr.auditOk,
      brandingShort: brandingShortFromEnv(process.env),
    });
    out(opts.format === 'json' ? renderJson(pr, decision) : renderText(pr, decision));
    return decision.approved ? 0 : 1;
  },
};

function renderText(pr: PrSnapshot, d: Decision): string {
  const p = pr.pullRequest;
  const head = p.compareOwner !== '' ? `${p.compareOwner}:${p.compareBranch}` : p.compareBranch;
  const lines = [
    `Pull request: ${pr.ref !== undefined ? `${pr.ref} ` : ''}${JSON.stringify(p.title)} by ${p.author} (${head} -> ${p.baseBranch})`,
    `Decision:     ${d.approved ? 'approved' : 'not approved'}`,
    `Status:       ${d.state} "${truncateDescription(d.description)}"`,
    `Disapprovers: ${d.disapprovers.length > 0 ? d.disapprovers.join(', ') : '(none)'}`,
  ];
  return `${lines.join('\n')}\n${renderExplanationText(d)}`;
}

function renderJson(pr: PrSnapshot, d: Decision): string {
  const report = {
    ref: pr.ref ?? null,
    approved: d.approved,
    policy: d.policy,
    state: d.state,
    description: d.description,
    posted_description: truncateDescription(d.description),
    approvers: d.approvers,
    disapprovers: d.disapprovers,
    valid_title: d.validTitle,
    valid_author: d.validAuthor,
    author_affirmed: d.authorAffirmed,
    audit_ok: d.auditOk,
    cur_comment: d.curComment,
    explanation: d.explanation ?? null,
  };
  return `${JSON.stringify(report, jsonReplacer, 2)}\n`;
}

/** Maps and Sets (used inside the engine for hostile keys) become objects and arrays; times become ISO text. */
function jsonReplacer(key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  if (value instanceof Set) return [...value];
  if ((key === 'at' || key === 'updatedAt' || key === 'committedAt') && typeof value === 'number' && Number.isFinite(value)) {
    return new Date(value).toISOString();
  }
  return value;
}
