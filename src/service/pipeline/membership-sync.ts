/**
 * Keeps a thread's membership cache in step with membership webhooks handled anywhere (another thread or
 * process): before an evaluation trusts cached org/team/collaborator answers, the newest id of the
 * membership change log is read (one primary-key read); when it moved, the organisations changed since
 * are forgotten, so the evaluation re-reads them from GitHub instead of waiting for the TTL.
 *
 * Ids are handed out when a row is inserted, not when it commits: on PostgreSQL a change can become visible
 * after a higher id was already read. The ids skipped over are remembered for a while (`GAP_GRACE_MS`) and
 * looked up again at each check until they show up (or the grace runs out: a rolled-back insert).
 */
import type { ServiceDb } from '../db/connect.js';
import { latestMembershipChange, membershipChangesSince, membershipChangesWithIds, recordMembershipChanges } from '../store/membership-changes.js';
import { obj } from '../payload.js';
import type { MembershipCache } from './membership-cache.js';
import { repoOfFilesKey, type PolicyFileCache } from './policy-files.js';

/** How long an id skipped over is looked for; inserts commit within milliseconds, rollbacks never. */
export const GAP_GRACE_MS = 60_000;
/** More skipped ids than this at once are not tracked (nothing this busy happens short of a bulk import). */
const MAX_GAPS = 200;

/** Per cache: ids skipped over (not yet visible) → when they were first missed. */
const gapsOf = new WeakMap<MembershipCache, Map<number, number>>();

/**
 * Catches `cache` (and the policy file cache, which follows the same log) up with the log; returns the keys
 * changed since its last check (organisations, `installation:<id>` for revoked installations, which the
 * caller forgets in its own caches, and `files:<owner/repo>` for default branches that moved).
 */
export async function syncMembership(sdb: ServiceDb, cache: MembershipCache, files?: PolicyFileCache, now = Date.now()): Promise<Set<string>> {
  const latest = await latestMembershipChange(sdb);
  const seen = cache.changesSeen;
  let gaps = gapsOf.get(cache);
  if (gaps === undefined) gapsOf.set(cache, (gaps = new Map()));
  for (const [id, at] of gaps) if (now - at >= GAP_GRACE_MS) gaps.delete(id);
  if (seen === latest && gaps.size === 0) return new Set();
  const reset = () => {
    if (cache.size > 0) cache.clear();
    files?.clear(latest);
    gaps.clear();
    cache.changesSeen = latest;
    return new Set<string>();
  };
  // First look (answers cached before it cannot be placed in the log), or the log was reset.
  if (seen === undefined || latest < seen) return reset();
  const changed = new Map<number, string>();
  for (const r of await membershipChangesWithIds(sdb, [...gaps.keys()])) {
    changed.set(r.id, r.org);
    gaps.delete(r.id);
  }
  let upTo = seen;
  if (latest !== seen) {
    const since = await membershipChangesSince(sdb, seen);
    if (since === undefined) return reset();
    let previous = seen;
    for (const r of since.rows) {
      // Ids between the last one seen and this one that are not visible (yet): looked for at the next checks.
      for (let missing = previous + 1; missing < r.id && gaps.size < MAX_GAPS; missing++) gaps.set(missing, now);
      changed.set(r.id, r.org);
      previous = r.id;
    }
    upTo = since.upTo;
  }
  const keys = new Set(changed.values());
  for (const key of keys) {
    const repo = repoOfFilesKey(key);
    if (repo !== undefined) files?.changed(repo, upTo);
    else if (installationOfKey(key) === undefined) cache.forgetOrg(key);
  }
  cache.changesSeen = upTo;
  return keys;
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

/**
 * Logs the cache-invalidating changes a job's deliveries announced, in one transaction: orgs whose
 * membership changed, repositories whose policy files changed (`filesKey`) and installations whose tokens
 * were revoked (`installationKey`). Every thread's caches catch up before their next evaluation.
 */
export async function announceCacheChanges(sdb: ServiceDb, keys: Iterable<string>, at: number): Promise<void> {
  await recordMembershipChanges(sdb, [...keys], at);
}
