/**
 * Keeps a thread's membership cache in step with membership webhooks handled anywhere (another thread or
 * process): before an evaluation trusts cached org/team/collaborator answers, the newest id of the
 * membership change log is read (one primary-key read); when it moved, the organisations changed since
 * are forgotten, so the evaluation re-reads them from GitHub instead of waiting for the TTL.
 */
import type { ServiceDb } from '../db/connect.js';
import { latestMembershipChange, membershipChangesSince, recordMembershipChange } from '../store/membership-changes.js';
import type { MembershipCache } from './membership-cache.js';

export async function syncMembership(sdb: ServiceDb, cache: MembershipCache): Promise<void> {
  const latest = await latestMembershipChange(sdb);
  const seen = cache.changesSeen;
  if (seen === latest) return;
  if (seen === undefined || latest < seen) {
    // First look (answers cached before it cannot be placed in the log), or the log was reset.
    if (cache.size > 0) cache.clear();
    cache.changesSeen = latest;
    return;
  }
  const since = await membershipChangesSince(sdb, seen);
  if (since === undefined) {
    cache.clear();
    cache.changesSeen = latest;
    return;
  }
  for (const org of since.orgs) cache.forgetOrg(org);
  cache.changesSeen = since.upTo;
}

/** Logs the membership changes a job's deliveries announced; every cache catches up at its next evaluation. */
export async function announceMembershipChanges(sdb: ServiceDb, orgs: Iterable<string>, at: number): Promise<void> {
  for (const org of orgs) await recordMembershipChange(sdb, org, at);
}
