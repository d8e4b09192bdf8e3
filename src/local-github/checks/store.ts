/**
 * In-memory storage of check runs, suites and suite preferences with the indexes the queries need.
 * Keys built from user input never touch plain objects (Maps only).
 */
import type { AutoTriggerSetting, CheckRunRecord, CheckSuiteRecord } from './types.js';

export class ChecksStore {
  readonly runs = new Map<number, CheckRunRecord>();
  readonly suites = new Map<number, CheckSuiteRecord>();
  /** `${repoId}:${appId}:${sha}` → suite id: one suite per (app, head SHA). */
  private readonly suiteByKey = new Map<string, number>();
  /** `${repoId}:${sha}` → suite ids in creation order. */
  private readonly suitesBySha = new Map<string, number[]>();
  /** suite id → run name → run ids, oldest first. */
  private readonly runsBySuite = new Map<number, Map<string, number[]>>();
  /** Runs not yet completed, in creation order (so the stale sweep stops at the first young one). */
  readonly incomplete = new Map<number, CheckRunRecord>();
  /** repo id → app id → auto_trigger setting. */
  private readonly preferences = new Map<number, Map<number, boolean>>();
  private lastRunId = 0;
  private lastSuiteId = 0;

  nextRunId(): number {
    return ++this.lastRunId;
  }

  nextSuiteId(): number {
    return ++this.lastSuiteId;
  }

  suiteFor(repoId: number, appId: number, sha: string): CheckSuiteRecord | undefined {
    const id = this.suiteByKey.get(`${repoId}:${appId}:${sha}`);
    return id === undefined ? undefined : this.suites.get(id);
  }

  addSuite(suite: CheckSuiteRecord): void {
    this.suites.set(suite.id, suite);
    this.suiteByKey.set(`${suite.repoId}:${suite.appId}:${suite.headSha}`, suite.id);
    const key = `${suite.repoId}:${suite.headSha}`;
    const list = this.suitesBySha.get(key);
    if (list) list.push(suite.id);
    else this.suitesBySha.set(key, [suite.id]);
    this.runsBySuite.set(suite.id, new Map());
  }

  suitesForSha(repoId: number, sha: string): CheckSuiteRecord[] {
    const ids = this.suitesBySha.get(`${repoId}:${sha}`) ?? [];
    return ids.map((id) => this.suites.get(id)).filter((s): s is CheckSuiteRecord => s !== undefined);
  }

  /** Adds a run; returns the runs evicted because the suite already held `maxPerName` runs of that name. */
  addRun(run: CheckRunRecord, maxPerName: number): CheckRunRecord[] {
    this.runs.set(run.id, run);
    if (run.status !== 'completed') this.incomplete.set(run.id, run);
    let byName = this.runsBySuite.get(run.suiteId);
    if (!byName) {
      byName = new Map();
      this.runsBySuite.set(run.suiteId, byName);
    }
    let ids = byName.get(run.name);
    if (!ids) {
      ids = [];
      byName.set(run.name, ids);
    }
    ids.push(run.id);
    const evicted: CheckRunRecord[] = [];
    while (ids.length > maxPerName) {
      const old = this.runs.get(ids.shift() as number);
      if (!old) continue;
      this.runs.delete(old.id);
      this.incomplete.delete(old.id);
      evicted.push(old);
    }
    return evicted;
  }

  /** Moves a run to another name bucket after a rename (PATCH `name`). */
  renameRun(run: CheckRunRecord, newName: string): void {
    const byName = this.runsBySuite.get(run.suiteId);
    const ids = byName?.get(run.name);
    if (byName && ids) {
      const at = ids.indexOf(run.id);
      if (at !== -1) ids.splice(at, 1);
      if (ids.length === 0) byName.delete(run.name);
      const target = byName.get(newName);
      // Keep the bucket ordered by id so eviction still removes the oldest.
      if (target) {
        target.push(run.id);
        target.sort((a, b) => a - b);
      } else byName.set(newName, [run.id]);
    }
    run.name = newName;
  }

  /** Every run of the suite, newest first. */
  runsOfSuite(suiteId: number): CheckRunRecord[] {
    const out: CheckRunRecord[] = [];
    for (const ids of this.runsBySuite.get(suiteId)?.values() ?? []) {
      for (const id of ids) {
        const run = this.runs.get(id);
        if (run) out.push(run);
      }
    }
    return out.sort((a, b) => b.id - a.id);
  }

  /**
   * The newest run of each name in the suite, in no particular order (no sort: the rollup path, run on every
   * update). A plain array: a generator here cost more than the rollup itself.
   */
  latestRunsUnordered(suiteId: number): CheckRunRecord[] {
    const out: CheckRunRecord[] = [];
    const byName = this.runsBySuite.get(suiteId);
    if (!byName) return out;
    for (const ids of byName.values()) {
      const run = this.runs.get(ids[ids.length - 1]);
      if (run) out.push(run);
    }
    return out;
  }

  /** The newest run of each name in the suite, newest first. */
  latestRunsOfSuite(suiteId: number): CheckRunRecord[] {
    const out: CheckRunRecord[] = [];
    for (const ids of this.runsBySuite.get(suiteId)?.values() ?? []) {
      const run = this.runs.get(ids[ids.length - 1]);
      if (run) out.push(run);
    }
    return out.sort((a, b) => b.id - a.id);
  }

  setPreference(repoId: number, setting: AutoTriggerSetting): void {
    let prefs = this.preferences.get(repoId);
    if (!prefs) {
      prefs = new Map();
      this.preferences.set(repoId, prefs);
    }
    prefs.set(setting.app_id, setting.setting);
  }

  preferencesOf(repoId: number): AutoTriggerSetting[] {
    return [...(this.preferences.get(repoId) ?? new Map<number, boolean>())].map(([app_id, setting]) => ({
      app_id,
      setting,
    }));
  }

  /** Auto-trigger is on unless the repository turned it off for this app. */
  autoTrigger(repoId: number, appId: number): boolean {
    return this.preferences.get(repoId)?.get(appId) ?? true;
  }

  /** Everything as JSON-compatible data (for the emulator's save/load). */
  save(): StoreSnapshot {
    return {
      lastRunId: this.lastRunId,
      lastSuiteId: this.lastSuiteId,
      suites: [...this.suites.values()],
      runs: [...this.runs.values()].sort((a, b) => a.id - b.id),
      preferences: [...this.preferences].map(([repoId, m]) => [repoId, [...m]]),
    };
  }

  /** Replaces the contents with a snapshot from `save()`; indexes are rebuilt. Throws on a malformed one. */
  load(data: unknown): void {
    const snap = data as Partial<StoreSnapshot> | null;
    if (!snap || typeof snap !== 'object' || !Array.isArray(snap.suites) || !Array.isArray(snap.runs) || !Array.isArray(snap.preferences)) {
      throw new Error('not a checks state snapshot');
    }
    this.reset();
    for (const suite of snap.suites) this.addSuite({ ...suite });
    for (const run of [...snap.runs].sort((a, b) => a.id - b.id)) this.addRun({ ...run }, Number.MAX_SAFE_INTEGER);
    for (const [repoId, list] of snap.preferences) {
      for (const [app_id, setting] of list) this.setPreference(repoId, { app_id, setting });
    }
    this.lastRunId = Math.max(Number(snap.lastRunId) || 0, ...this.runs.keys(), 0);
    this.lastSuiteId = Math.max(Number(snap.lastSuiteId) || 0, ...this.suites.keys(), 0);
  }

  reset(): void {
    for (const m of [this.runs, this.suites, this.suiteByKey, this.suitesBySha, this.runsBySuite, this.incomplete, this.preferences]) {
      m.clear();
    }
    this.lastRunId = 0;
    this.lastSuiteId = 0;
  }
}

export interface StoreSnapshot {
  lastRunId: number;
  lastSuiteId: number;
  suites: CheckSuiteRecord[];
  runs: CheckRunRecord[];
  preferences: [number, [number, boolean][]][];
}
