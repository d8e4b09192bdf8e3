/**
 * The checks domain: every state change of the Checks API, with GitHub's rules, and the webhooks each
 * change calls for (handed to `emit`). Pure of HTTP; time comes from the injected clock.
 */
import { ChecksError, forbidden, notFound, unprocessable, validationFailed, type ChecksOperation } from './errors.js';
import { DEFAULT_CONCLUSION_PRIORITY, rollupSuite } from './rollup.js';
import { ChecksStore } from './store.js';
import type { RunInput } from './validate.js';
import type { AutoTriggerSetting, CheckRunRecord, CheckSuiteRecord, ChecksEvent, SuiteConclusion } from './types.js';

export const STALE_AFTER_MS = 14 * 24 * 60 * 60 * 1000;
export const MAX_RUNS_PER_NAME = 1000;

export interface ChecksServiceDeps {
  now(): number;
  /** Whether the repository holds a commit with this full SHA. */
  commitExists(repoId: number, sha: string): boolean;
  /** The branch of the repository whose head is `sha`, for a suite created without a push (else null). */
  headBranchFor(repoId: number, sha: string): string | null;
  emit(event: ChecksEvent): void;
}

export interface ChecksOptions {
  /** The sources disagree on whether a completed run's conclusion may change; GitHub allows it today. */
  allowConclusionChangeAfterCompleted: boolean;
  conclusionPriority: readonly SuiteConclusion[];
  staleAfterMs: number;
  maxRunsPerName: number;
}

export const DEFAULT_CHECKS_OPTIONS: ChecksOptions = {
  allowConclusionChangeAfterCompleted: true,
  conclusionPriority: DEFAULT_CONCLUSION_PRIORITY,
  staleAfterMs: STALE_AFTER_MS,
  maxRunsPerName: MAX_RUNS_PER_NAME,
};

export interface PushInfo {
  sha: string;
  before: string | null;
  branch: string | null;
}

export class ChecksService {
  readonly store = new ChecksStore();
  options: ChecksOptions;

  constructor(
    private readonly deps: ChecksServiceDeps,
    options: Partial<ChecksOptions> = {},
  ) {
    this.options = { ...DEFAULT_CHECKS_OPTIONS, ...options };
  }

  /** Changes options at run time (control API validates them). */
  configure(changes: Partial<ChecksOptions>): ChecksOptions {
    this.options = { ...this.options, ...changes };
    return this.options;
  }

  private requireCommit(repoId: number, sha: string, op: ChecksOperation): void {
    if (!this.deps.commitExists(repoId, sha)) throw unprocessable(`No commit found for SHA: ${sha}`, op);
  }

  private newSuite(repoId: number, appId: number, sha: string, push?: PushInfo): CheckSuiteRecord {
    const now = this.deps.now();
    const suite: CheckSuiteRecord = {
      id: this.store.nextSuiteId(),
      repoId,
      appId,
      headSha: sha,
      headBranch: push ? push.branch : this.deps.headBranchFor(repoId, sha),
      before: push?.before ?? null,
      after: sha,
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      requested: false,
    };
    this.store.addSuite(suite);
    return suite;
  }

  /** Recomputes a suite from its latest runs and fires `check_suite.completed` on the way to completed. */
  private rollup(suite: CheckSuiteRecord, senderId: number | null): void {
    const next = rollupSuite(this.store.latestRunsUnordered(suite.id), this.options.conclusionPriority);
    const becameCompleted = next.status === 'completed' && suite.status !== 'completed';
    if (next.status === suite.status && next.conclusion === suite.conclusion) return;
    suite.status = next.status;
    suite.conclusion = next.conclusion;
    suite.updatedAt = this.deps.now();
    if (becameCompleted) this.deps.emit({ event: 'check_suite', action: 'completed', suiteId: suite.id, senderId });
  }

  private completeRun(run: CheckRunRecord): void {
    this.store.incomplete.delete(run.id);
  }

  /** Runs left incomplete for `staleAfterMs` become completed/stale. Cheap: stops at the first young run. */
  sweepStale(): CheckRunRecord[] {
    const now = this.deps.now();
    const staled: CheckRunRecord[] = [];
    for (const run of this.store.incomplete.values()) {
      if (run.createdAt + this.options.staleAfterMs > now) break;
      staled.push(run);
    }
    for (const run of staled) {
      run.status = 'completed';
      run.conclusion = 'stale';
      run.completedAt = now;
      this.completeRun(run);
      this.deps.emit({ event: 'check_run', action: 'completed', runId: run.id, senderId: null });
      const suite = this.store.suites.get(run.suiteId);
      if (suite) this.rollup(suite, null);
    }
    return staled;
  }

  createRun(repoId: number, appId: number, input: RunInput, senderId: number | null): CheckRunRecord {
    this.sweepStale();
    const sha = input.headSha as string;
    this.requireCommit(repoId, sha, 'createRun');
    const suite = this.store.suiteFor(repoId, appId, sha) ?? this.newSuite(repoId, appId, sha);
    const now = this.deps.now();
    const completed = input.conclusion !== undefined;
    const run: CheckRunRecord = {
      id: this.store.nextRunId(),
      repoId,
      appId,
      suiteId: suite.id,
      headSha: sha,
      name: input.name as string,
      externalId: input.externalId ?? '',
      detailsUrl: input.detailsUrl ?? null,
      status: completed ? 'completed' : (input.status ?? 'queued'),
      conclusion: input.conclusion ?? null,
      createdAt: now,
      startedAt: input.startedAt ?? now,
      completedAt: completed ? (input.completedAt ?? now) : null,
      output: {
        title: input.output?.title ?? null,
        summary: input.output?.summary ?? null,
        text: input.output?.text ?? null,
      },
      annotations: input.output?.annotations ?? [],
      images: input.output?.images ?? [],
      actions: input.actions ?? [],
    };
    this.store.addRun(run, this.options.maxRunsPerName);
    this.deps.emit({ event: 'check_run', action: 'created', runId: run.id, senderId });
    if (completed) this.deps.emit({ event: 'check_run', action: 'completed', runId: run.id, senderId });
    this.rollup(suite, senderId);
    return run;
  }

  getRun(repoId: number, runId: number, op: ChecksOperation = 'getRun'): CheckRunRecord {
    this.sweepStale();
    const run = this.store.runs.get(runId);
    if (!run || run.repoId !== repoId) throw notFound(op);
    return run;
  }

  updateRun(repoId: number, runId: number, appId: number, input: RunInput, senderId: number | null): CheckRunRecord {
    const run = this.getRun(repoId, runId, 'updateRun');
    if (run.appId !== appId) throw forbidden('Resource not accessible by integration', 'updateRun');
    if (run.status === 'completed') {
      if (input.status !== undefined && input.status !== 'completed') {
        throw validationFailed(
          [{ resource: 'CheckRun', field: 'status', code: 'invalid', message: 'A completed check run cannot go back to ' + input.status + '.' }],
          'updateRun',
        );
      }
      if (input.conclusion !== undefined && input.conclusion !== run.conclusion && !this.options.allowConclusionChangeAfterCompleted) {
        throw validationFailed(
          [{ resource: 'CheckRun', field: 'conclusion', code: 'invalid', message: 'The conclusion of a completed check run cannot change.' }],
          'updateRun',
        );
      }
    }
    const wasCompleted = run.status === 'completed';
    if (input.name !== undefined && input.name !== run.name) this.store.renameRun(run, input.name);
    if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
    if (input.externalId !== undefined) run.externalId = input.externalId;
    if (input.startedAt !== undefined) run.startedAt = input.startedAt;
    if (input.conclusion !== undefined) {
      run.status = 'completed';
      run.conclusion = input.conclusion;
      run.completedAt = input.completedAt ?? run.completedAt ?? this.deps.now();
    } else if (input.status !== undefined) {
      run.status = input.status;
    }
    if (input.output) {
      if (input.output.title !== undefined) run.output.title = input.output.title;
      run.output.summary = input.output.summary;
      if (input.output.text !== undefined) run.output.text = input.output.text;
      // "Each time you update the check run, annotations are appended."
      for (const a of input.output.annotations) run.annotations.push(a);
      if (input.output.images !== undefined) run.images = input.output.images;
    }
    if (input.actions !== undefined) run.actions = input.actions;
    if (run.status === 'completed' && !wasCompleted) {
      this.completeRun(run);
      this.deps.emit({ event: 'check_run', action: 'completed', runId: run.id, senderId });
    }
    const suite = this.store.suites.get(run.suiteId);
    if (suite) this.rollup(suite, senderId);
    return run;
  }

  /**
   * Rerequest of a run: only the app that owns it may ask (403 otherwise), only once it has completed
   * (422). The run is not touched; its suite goes back to queued without a conclusion.
   */
  rerequestRun(repoId: number, runId: number, callerAppId: number | null, senderId: number | null): void {
    const run = this.getRun(repoId, runId, 'rerequestRun');
    if (callerAppId !== null && callerAppId !== run.appId) {
      throw forbidden("This check run is not rerequestable or doesn't belong to the authenticated GitHub App.", 'rerequestRun');
    }
    if (run.status !== 'completed') throw unprocessable('This check run is not rerequestable.', 'rerequestRun');
    const suite = this.store.suites.get(run.suiteId);
    if (suite) this.resetSuite(suite);
    this.deps.emit({ event: 'check_run', action: 'rerequested', runId: run.id, senderId });
  }

  private resetSuite(suite: CheckSuiteRecord): void {
    suite.status = 'queued';
    suite.conclusion = null;
    suite.updatedAt = this.deps.now();
  }

  /** Manual suite creation: `created` false (HTTP 200) when the app already has a suite for the SHA. */
  createSuite(repoId: number, appId: number, sha: string): { suite: CheckSuiteRecord; created: boolean } {
    this.sweepStale();
    this.requireCommit(repoId, sha, 'createSuite');
    const existing = this.store.suiteFor(repoId, appId, sha);
    if (existing) return { suite: existing, created: false };
    return { suite: this.newSuite(repoId, appId, sha), created: true };
  }

  setPreferences(repoId: number, settings: AutoTriggerSetting[]): AutoTriggerSetting[] {
    for (const s of settings) this.store.setPreference(repoId, s);
    return this.store.preferencesOf(repoId);
  }

  getSuite(repoId: number, suiteId: number, op: ChecksOperation = 'getSuite'): CheckSuiteRecord {
    this.sweepStale();
    const suite = this.store.suites.get(suiteId);
    if (!suite || suite.repoId !== repoId) throw notFound(op);
    return suite;
  }

  rerequestSuite(repoId: number, suiteId: number, senderId: number | null): void {
    const suite = this.getSuite(repoId, suiteId, 'rerequestSuite');
    this.resetSuite(suite);
    this.deps.emit({ event: 'check_suite', action: 'rerequested', suiteId: suite.id, senderId });
  }

  /**
   * A push of `sha`: for each app with `checks:write` whose auto-trigger is on, ensure the suite exists and
   * send `check_suite requested` once per (app, SHA).
   */
  onPush(repoId: number, push: PushInfo, checksWriteAppIds: readonly number[], senderId: number | null): CheckSuiteRecord[] {
    this.sweepStale();
    const requested: CheckSuiteRecord[] = [];
    for (const appId of checksWriteAppIds) {
      if (!this.store.autoTrigger(repoId, appId)) continue;
      const suite = this.store.suiteFor(repoId, appId, push.sha) ?? this.newSuite(repoId, appId, push.sha, push);
      if (suite.requested) continue;
      suite.requested = true;
      requested.push(suite);
      this.deps.emit({ event: 'check_suite', action: 'requested', suiteId: suite.id, senderId });
    }
    return requested;
  }

  /** A person clicks one of the run's buttons; only offered once the run has completed. */
  clickAction(repoId: number, runId: number, identifier: string, senderId: number | null): CheckRunRecord {
    const run = this.getRun(repoId, runId);
    if (run.status !== 'completed') {
      throw new ChecksError(422, { message: 'Requested actions are only offered once the check run has completed.' });
    }
    if (!run.actions.some((a) => a.identifier === identifier)) {
      throw new ChecksError(422, { message: `The check run has no action with identifier ${JSON.stringify(identifier)}.` });
    }
    this.deps.emit({ event: 'check_run', action: 'requested_action', runId: run.id, senderId, identifier });
    return run;
  }
}
