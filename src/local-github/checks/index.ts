/**
 * The Checks module of the local GitHub. The server calls `registerChecks(api, ctx)`; it creates the domain
 * service, registers its state with the snapshot, listens to pushes (suites + `check_suite requested`), and
 * serves the eleven endpoints. Other parts of the emulator reach it through `checksFor(ctx)`:
 * the HTML PR view reads `runsForCommit`, the control API calls `clickAction` (see `control.ts`).
 */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { Repo } from '../state/types.js';
import { ChecksRenderer } from './render.js';
import { registerCheckRoutes } from './routes.js';
import { ChecksService, type ChecksOptions } from './service.js';
import { ChecksWebhooks } from './webhooks.js';
import type { Annotation, CheckRunRecord, RunAction } from './types.js';

import { registerChecksControl } from './control.js';
import type { StateExtension } from '../state/store.js';

export { registerChecksControl };

/** What the HTML PR view shows of a check run. */
export interface CheckRunView {
  id: number;
  name: string;
  app: { id: number; name: string; slug: string } | null;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  details_url: string | null;
  html_url: string;
  head_sha: string;
  started_at: string;
  completed_at: string | null;
  annotations: Annotation[];
  /** Buttons: only offered once the run has completed (GitHub shows them then). */
  actions: RunAction[];
  actions_enabled: boolean;
}

export interface ChecksModule {
  service: ChecksService;
  render: ChecksRenderer;
  /** Latest run of each name for a commit, newest first, for display. */
  runsForCommit(repo: Repo, sha: string): CheckRunView[];
  /** One run of the repository (the page its `html_url` points at), or undefined. */
  runView(repo: Repo, runId: number): CheckRunView | undefined;
  /** A person clicks a requested-action button: fires `check_run requested_action` to the run's app. */
  clickAction(repo: Repo, runId: number, identifier: string, senderId: number): void;
  /** Marks runs incomplete for 14 days as stale now (call after advancing the clock). */
  sweepStale(): void;
}

/**
 * What `ctx.state.extension('checks')` returns: the snapshot hooks plus the read API (HTML PR view) and
 * `registerControl(control)` to mount the Checks control actions on the `/_emulator` scope.
 */
export interface ChecksExtension
  extends StateExtension,
    Pick<ChecksModule, 'runsForCommit' | 'runView' | 'clickAction' | 'sweepStale'> {
  registerControl(control: FastifyInstance): void;
}

const modules = new WeakMap<LocalGitHubContext, ChecksModule>();

/** The Checks module attached to a context, or undefined when it is not loaded. */
export function checksFor(ctx: LocalGitHubContext): ChecksModule | undefined {
  return modules.get(ctx);
}

function headBranchFor(repo: Repo | undefined, sha: string): string | null {
  if (!repo) return null;
  let fallback: string | null = null;
  for (const [ref, target] of repo.refs) {
    if (target !== sha || !ref.startsWith('refs/heads/')) continue;
    const branch = ref.slice('refs/heads/'.length);
    // A topic branch says more about the push than the default branch that also points here.
    if (branch !== repo.default_branch) return branch;
    fallback = branch;
  }
  return fallback;
}

export function createChecksModule(ctx: LocalGitHubContext, options: Partial<ChecksOptions> = {}): ChecksModule {
  let webhooks: ChecksWebhooks | null = null;
  const service = new ChecksService(
    {
      now: () => ctx.clock.now(),
      commitExists: (repoId, sha) => {
        const repo = ctx.state.repos.get(repoId);
        return !!repo && repo.objects.has(sha) && ctx.state.objects.get(sha)?.type === 'commit';
      },
      headBranchFor: (repoId, sha) => headBranchFor(ctx.state.repos.get(repoId), sha),
      emit: (e) => webhooks?.dispatch(e),
    },
    options,
  );
  const render = new ChecksRenderer(ctx, service.store);
  webhooks = new ChecksWebhooks(ctx, service.store, render);

  const mod: ChecksModule = {
    service,
    render,
    runsForCommit(repo, sha) {
      service.sweepStale();
      const runs = service.store
        .suitesForSha(repo.id, sha)
        .flatMap((s) => service.store.latestRunsOfSuite(s.id))
        .sort((a, b) => b.id - a.id);
      return runs.map(view);
    },
    runView(repo, runId) {
      service.sweepStale();
      const run = service.store.runs.get(runId);
      return run && run.repoId === repo.id ? view(run) : undefined;
    },
    clickAction(repo, runId, identifier, senderId) {
      service.clickAction(repo.id, runId, identifier, senderId);
    },
    sweepStale() {
      service.sweepStale();
    },
  };
  function view(run: CheckRunRecord): CheckRunView {
    const json = render.run(run);
    const app = ctx.state.apps.get(run.appId);
    return {
      id: run.id,
      name: run.name,
      app: app ? { id: app.id, name: app.name, slug: app.slug } : null,
      status: run.status,
      conclusion: run.conclusion,
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      details_url: json.details_url as string | null,
      html_url: json.html_url as string,
      head_sha: run.headSha,
      started_at: json.started_at as string,
      completed_at: json.completed_at as string | null,
      annotations: run.annotations.map((a) => ({ ...a })),
      actions: run.actions.map((a) => ({ ...a })),
      actions_enabled: run.status === 'completed',
    };
  }

  // The extension object doubles as the read API for the web view and the control API:
  // `state.extension('checks')` is a `ChecksExtension`.
  const extension: ChecksExtension = {
    save: () => service.store.save(),
    load: (data) => service.store.load(data),
    reset: () => service.store.reset(),
    runsForCommit: (repo, sha) => mod.runsForCommit(repo, sha),
    runView: (repo, runId) => mod.runView(repo, runId),
    clickAction: (repo, runId, identifier, senderId) => mod.clickAction(repo, runId, identifier, senderId),
    sweepStale: () => mod.sweepStale(),
    registerControl: (control) => registerChecksControl(control, ctx),
  };
  ctx.state.registerExtension('checks', extension);

  // A push of a branch creates the suites of the apps with checks:write and asks them to run.
  ctx.bus.onPush((e) => {
    if (e.deleted || !e.ref.startsWith('refs/heads/')) return;
    const appIds = ctx.state
      .installationsFor(e.repo)
      .filter((inst) => inst.permissions.checks === 'write' || inst.permissions.checks === 'admin')
      .map((inst) => inst.appId);
    const before = /^0{40}$/.test(e.before) ? null : e.before;
    service.onPush(e.repo.id, { sha: e.after, before, branch: e.ref.slice('refs/heads/'.length) }, appIds, e.pusher.id);
  });

  modules.set(ctx, mod);
  return mod;
}

/** Entry point the server calls with its `/api/v3` scope. */
export function registerChecks(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const mod = checksFor(ctx) ?? createChecksModule(ctx);
  registerCheckRoutes(api, ctx, mod.service, mod.render);
}
