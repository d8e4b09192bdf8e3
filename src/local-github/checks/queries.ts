/**
 * Read-side queries of the Checks API: the list endpoints' filters (`check_name`, `status`,
 * `filter=latest|all`, `app_id`) over the store.
 */
import { invalidRequest, type ChecksOperation } from './errors.js';
import type { ChecksService } from './service.js';
import { RUN_STATUSES, type CheckRunRecord, type CheckSuiteRecord, type RunStatus } from './types.js';

/** list-for-ref looks at no more than the 1000 most recent suites of the ref. */
export const MAX_SUITES_PER_REF = 1000;

export interface RunFilters {
  checkName?: string;
  status?: RunStatus;
  filter: 'latest' | 'all';
  appId?: number;
}

type Query = Record<string, unknown>;

function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[value.length - 1]);
  return typeof value === 'string' ? value : undefined;
}

function parseAppId(raw: string | undefined, op: ChecksOperation): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalidRequest([`For 'app_id', ${JSON.stringify(raw)} is not an integer.`], op);
  return Number(raw);
}

export function parseRunFilters(query: Query, op: ChecksOperation): RunFilters {
  const filter = single(query.filter) ?? 'latest';
  if (filter !== 'latest' && filter !== 'all') {
    throw invalidRequest([`For 'filter', ${JSON.stringify(filter)} is not a member of ["latest", "all"].`], op);
  }
  const status = single(query.status);
  if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status)) {
    const members = RUN_STATUSES.map((s) => JSON.stringify(s)).join(', ');
    throw invalidRequest([`For 'status', ${JSON.stringify(status)} is not a member of [${members}].`], op);
  }
  return {
    filter,
    status: status as RunStatus | undefined,
    checkName: single(query.check_name),
    appId: parseAppId(single(query.app_id), op),
  };
}

export function parseSuiteFilters(query: Query): { appId?: number; checkName?: string } {
  return { appId: parseAppId(single(query.app_id), 'listSuitesForRef'), checkName: single(query.check_name) };
}

function applyRunFilters(runs: CheckRunRecord[], f: RunFilters): CheckRunRecord[] {
  return runs.filter(
    (r) =>
      (f.checkName === undefined || r.name === f.checkName) &&
      (f.status === undefined || r.status === f.status) &&
      (f.appId === undefined || r.appId === f.appId),
  );
}

function runsOf(service: ChecksService, suite: CheckSuiteRecord, filter: 'latest' | 'all'): CheckRunRecord[] {
  return filter === 'latest' ? service.store.latestRunsOfSuite(suite.id) : service.store.runsOfSuite(suite.id);
}

/** Runs of one suite, newest first. */
export function listRunsForSuite(service: ChecksService, repoId: number, suiteId: number, f: RunFilters): CheckRunRecord[] {
  const suite = service.getSuite(repoId, suiteId, 'listRunsForSuite');
  return applyRunFilters(runsOf(service, suite, f.filter), f);
}

function recentSuites(service: ChecksService, repoId: number, sha: string): CheckSuiteRecord[] {
  return service.store.suitesForSha(repoId, sha).slice(-MAX_SUITES_PER_REF);
}

/** Runs of every suite of a commit, newest first. */
export function listRunsForSha(service: ChecksService, repoId: number, sha: string, f: RunFilters): CheckRunRecord[] {
  service.sweepStale();
  const runs = recentSuites(service, repoId, sha).flatMap((s) => runsOf(service, s, f.filter));
  return applyRunFilters(runs, f).sort((a, b) => b.id - a.id);
}

/** Suites of a commit, oldest first; `check_name` keeps suites that hold a run of that name. */
export function listSuitesForSha(
  service: ChecksService,
  repoId: number,
  sha: string,
  f: { appId?: number; checkName?: string },
): CheckSuiteRecord[] {
  service.sweepStale();
  return recentSuites(service, repoId, sha).filter(
    (s) =>
      (f.appId === undefined || s.appId === f.appId) &&
      (f.checkName === undefined || service.store.runsOfSuite(s.id).some((r) => r.name === f.checkName)),
  );
}
