/**
 * Keeps a thread's membership cache in step with membership webhooks handled anywhere (another thread or
 * process): before an evaluation trusts cached org/team/collaborator answers, the newest id of the
 * membership change log is read (one primary-key read); when it moved, the organisations changed since
 * are forgotten, so the evaluation re-reads them from GitHub instead of waiting for the TTL.
 */
import type { ServiceDb } from '../db/connect.js';
import { latestMembershipChange, membershipChangesSince, recordMembershipChange } from '../store/membership-changes.js';
import { obj } from '../payload.js';
import type { MembershipCache } from './membership-cache.js';
import { repoOfFilesKey, type PolicyFileCache } from './policy-files.js';

/**
 * Catches `cache` (and the policy file cache, which follows the same log) up with the log; returns the keys
 * changed since its last check (organisations, `installation:<id>` for revoked installations, which the
 * caller forgets in its own caches, and `files:<owner/repo>` for default branches that moved).
 */
export async function syncMembership(sdb: ServiceDb, cache: MembershipCache, files?: PolicyFileCache): Promise<Set<string>> {
  const latest = await latestMembershipChange(sdb);
  const seen = cache.changesSeen;
  if (seen === latest) return new Set();
  if (seen === undefined || latest < seen) {
    // First look (answers cached before it cannot be placed in the log), or the log was reset.
    if (cache.size > 0) cache.clear();
    files?.clear(latest);
    cache.changesSeen = latest;
    return new Set();
  }
  const since = await membershipChangesSince(sdb, seen);
  if (since === undefined) {
    cache.clear();
    files?.clear(latest);
    cache.changesSeen = latest;
    return new Set();
  }
  for (const key of since.orgs) {
    const repo = repoOfFilesKey(key);
    if (repo !== undefined) files?.changed(repo, since.upTo);
    else if (installationOfKey(key) === undefined) cache.forgetOrg(key);
  }
  cache.changesSeen = since.upTo;
  return since.orgs;
}

const INSTALLATION_KEY = /^installation:([1-9][0-9]{0,15})$/;

/** The log key of an installation whose tokens were revoked (no organisation login contains a colon). */
export function installationKey(id: number): string {
  return `installation:${id}`;
}

export function installationOfKey(key: string): number | undefined {
  const m = INSTALLATION_KEY.exec(key);
  const id = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Installations a job's deliveries say were deleted, suspended or unsuspended (GitHub revokes their tokens). */
export function revokedInstallations(deliveries: readonly { event: string; payload: Record<string, unknown> }[]): number[] {
  const ids = new Set<number>();
  for (const d of deliveries) {
    const action = d.payload.action;
    if (d.event !== 'installation' || (action !== 'deleted' && action !== 'suspend' && action !== 'unsuspend')) continue;
    const id = obj(d.payload.installation)?.id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ids.add(id);
  }
  return [...ids];
}

/** Logs the membership changes a job's deliveries announced; every cache catches up at its next evaluation. */
export async function announceMembershipChanges(sdb: ServiceDb, orgs: Iterable<string>, at: number): Promise<void> {
  for (const org of orgs) await recordMembershipChange(sdb, org, at);
}
