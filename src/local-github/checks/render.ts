/**
 * JSON shapes of the Checks API (`check-run`, `check-suite`, `check-annotation`, `pull-request-minimal`,
 * `simple-commit`) and of the check webhooks' payload objects, built from records plus the core state.
 */
import type { LocalGitHubContext } from '../context.js';
import { nodeId } from '../state/store.js';
import type { Repo } from '../state/types.js';
import type { ChecksStore } from './store.js';
import type { Annotation, CheckRunRecord, CheckSuiteRecord } from './types.js';

type Json = Record<string, unknown>;

/** GitHub's legacy node id: base64 of `0<len(type)>:<Type><id>` (`MDg6Q2hlY2tSdW40` is CheckRun 4). */
export function legacyNodeId(type: string, id: number): string {
  return nodeId(type, id);
}

export class ChecksRenderer {
  constructor(
    private readonly ctx: LocalGitHubContext,
    private readonly store: ChecksStore,
  ) {}

  private fullName(repo: Repo): string {
    return this.ctx.state.fullName(repo);
  }

  private repoOf(repoId: number): Repo {
    return this.ctx.state.repo(repoId);
  }

  private appJson(appId: number): Json | null {
    const app = this.ctx.state.apps.get(appId);
    return app ? this.ctx.serialize.app(app) : null;
  }

  runUrl(run: CheckRunRecord): string {
    return this.ctx.urls.api(`/repos/${this.fullName(this.repoOf(run.repoId))}/check-runs/${run.id}`);
  }

  /**
   * Open pull requests of the same repository whose head is the commit or the suite's branch. Fork PRs
   * (head in another repository) never match: "Pushes to a branch in a forked repository are not detected".
   */
  pullRequests(repoId: number, sha: string, headBranch: string | null): Json[] {
    const repo = this.repoOf(repoId);
    const out: Json[] = [];
    for (const pr of this.ctx.state.pullsIn(repoId)) {
      if (pr.state !== 'open' || pr.head.repoId !== repoId) continue;
      if (pr.head.sha !== sha && (headBranch === null || pr.head.ref !== headBranch)) continue;
      out.push({
        url: this.ctx.urls.api(`/repos/${this.fullName(repo)}/pulls/${pr.number}`),
        id: pr.id,
        number: pr.number,
        head: { ref: pr.head.ref, sha: pr.head.sha, repo: this.repoRef(repo) },
        base: { ref: pr.base.ref, sha: pr.base.sha, repo: this.repoRef(repo) },
      });
    }
    return out;
  }

  /** A method, not a closure: `pullRequests` runs for every rendered run, usually finding no PR. */
  private repoRef(r: Repo): Json {
    return { id: r.id, url: this.ctx.urls.api(`/repos/${this.fullName(r)}`), name: r.name };
  }

  /** `check-run`. */
  run(run: CheckRunRecord): Json {
    const repo = this.repoOf(run.repoId);
    const url = this.runUrl(run);
    const app = this.ctx.state.apps.get(run.appId);
    const time = this.ctx.serialize.time;
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: legacyNodeId('CheckRun', run.id),
      external_id: run.externalId,
      url,
      html_url: this.ctx.urls.web(`/${this.fullName(repo)}/runs/${run.id}`),
      details_url: run.detailsUrl ?? app?.external_url ?? null,
      status: run.status,
      conclusion: run.conclusion,
      started_at: time(run.startedAt),
      completed_at: run.completedAt === null ? null : time(run.completedAt),
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: run.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      name: run.name,
      check_suite: { id: run.suiteId },
      app: this.appJson(run.appId),
      pull_requests: this.pullRequests(run.repoId, run.headSha, this.store.suites.get(run.suiteId)?.headBranch ?? null),
    };
  }

  /** `check-annotation`. */
  annotation(run: CheckRunRecord, a: Annotation): Json {
    const repo = this.repoOf(run.repoId);
    return {
      path: a.path,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column,
      end_column: a.end_column,
      annotation_level: a.annotation_level,
      title: a.title,
      message: a.message,
      raw_details: a.raw_details,
      blob_href: this.ctx.urls.web(`/${this.fullName(repo)}/blob/${run.headSha}/${a.path.split('/').map(encodeURIComponent).join('/')}`),
    };
  }

  /** `simple-commit` for the suite's head commit. */
  headCommit(sha: string): Json {
    const c = this.ctx.state.objects.get(sha);
    if (!c || c.type !== 'commit') {
      return { id: sha, tree_id: '', message: '', timestamp: this.ctx.serialize.time(0), author: null, committer: null };
    }
    return {
      id: c.sha,
      tree_id: c.tree,
      message: c.message,
      timestamp: this.ctx.serialize.time(c.committer.date),
      author: { name: c.author.name, email: c.author.email },
      committer: { name: c.committer.name, email: c.committer.email },
    };
  }

  private suiteCore(suite: CheckSuiteRecord, latestCount: number): Json {
    const repo = this.repoOf(suite.repoId);
    const url = this.ctx.urls.api(`/repos/${this.fullName(repo)}/check-suites/${suite.id}`);
    const time = this.ctx.serialize.time;
    return {
      id: suite.id,
      node_id: legacyNodeId('CheckSuite', suite.id),
      head_branch: suite.headBranch,
      head_sha: suite.headSha,
      status: suite.status,
      conclusion: suite.conclusion,
      url,
      before: suite.before,
      after: suite.after,
      pull_requests: this.pullRequests(suite.repoId, suite.headSha, suite.headBranch),
      created_at: time(suite.createdAt),
      updated_at: time(suite.updatedAt),
      app: this.appJson(suite.appId),
      latest_check_runs_count: latestCount,
      check_runs_url: `${url}/check-runs`,
      head_commit: this.headCommit(suite.headSha),
      rerequestable: true,
      runs_rerequestable: true,
    };
  }

  /** `check-suite` (REST): the core fields plus `repository` as `minimal-repository`. */
  suite(suite: CheckSuiteRecord, latestCount: number): Json {
    return { ...this.suiteCore(suite, latestCount), repository: this.ctx.serialize.minimalRepo(this.repoOf(suite.repoId)) };
  }

  /** `check_suite` object of check_suite webhooks (no `repository`: the payload carries it at the top). */
  suiteForWebhook(suite: CheckSuiteRecord, latestCount: number): Json {
    return this.suiteCore(suite, latestCount);
  }

  /** `check_run` of check_run webhooks: the REST run with `check_suite` as `simple-check-suite`. */
  runForWebhook(run: CheckRunRecord): Json {
    const json = this.run(run);
    const suite = this.store.suites.get(run.suiteId);
    if (suite) {
      const core = this.suiteCore(suite, 0);
      delete core.latest_check_runs_count;
      delete core.check_runs_url;
      delete core.head_commit;
      json.check_suite = core;
    }
    return json;
  }
}
