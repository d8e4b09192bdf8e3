/**
 * When each head SHA was pushed, as seen by checks-out (from `push` and `pull_request` deliveries). The
 * `head` commit range uses it as the cutoff instead of the committer date, which anyone can forge. The
 * earliest observation wins, whatever order deliveries are processed in.
 */
import { prepared } from '../db/prepared.js';
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import { OBJECT_ID } from '../payload.js';

export interface PushTime {
  pushedAt: number;
  source: string;
}

export interface PushObservation {
  repo: string;
  sha: string;
  pushedAt: number;
  source: string;
}


export async function recordPushTime(sdb: ServiceDb, repo: string, sha: string, pushedAt: number, source: string): Promise<void> {
  await recordPushTimes(sdb, [{ repo, sha, pushedAt, source }]);
}

/**
 * Records several observations in at most one write transaction. Most observations repeat one already
 * stored (every event of a PR carries its head): those are found by a read and cost no write at all.
 * Malformed observations (not a SHA, no finite time, no source) are ignored.
 */
export async function recordPushTimes(sdb: ServiceDb, observations: readonly PushObservation[]): Promise<void> {
  const news: PushObservation[] = [];
  for (const o of observations) {
    if (typeof o?.sha !== 'string' || !OBJECT_ID.test(o.sha) || typeof o.repo !== 'string' || typeof o.source !== 'string') continue;
    if (typeof o.pushedAt !== 'number' || !Number.isFinite(o.pushedAt)) continue;
    const repo = o.repo.toLowerCase();
    const known = await pushTime(sdb, repo, o.sha);
    if (known === undefined || o.pushedAt < known.pushedAt) news.push({ ...o, repo });
  }
  if (news.length === 0) return;
  await writeTransaction(sdb, async (trx) => {
    for (const o of news) {
      // Upsert keeping the earliest, in case another writer got there between the read and now.
      await trx
        .insertInto('push_times')
        .values({ repo: o.repo, sha: o.sha, pushed_at: o.pushedAt, source: o.source })
        .onConflict((oc) =>
          oc.columns(['repo', 'sha']).doUpdateSet((eb) => ({
            pushed_at: eb.case().when('excluded.pushed_at', '<', eb.ref('push_times.pushed_at')).then(eb.ref('excluded.pushed_at')).else(eb.ref('push_times.pushed_at')).end(),
            source: eb.case().when('excluded.pushed_at', '<', eb.ref('push_times.pushed_at')).then(eb.ref('excluded.source')).else(eb.ref('push_times.source')).end(),
          })),
        )
        .execute();
    }
  });
}

/** Read by every evaluation: compiled once. */
const pushTimeOf = prepared<{ repo: string; sha: string }, { pushed_at: number; source: string }>(['repo', 'sha'], (db, v) =>
  db.selectFrom('push_times').select(['pushed_at', 'source']).where('repo', '=', v.repo).where('sha', '=', v.sha),
);

export async function pushTime(sdb: ServiceDb, repo: string, sha: string): Promise<PushTime | undefined> {
  const row = (await pushTimeOf(sdb.db, { repo: repo.toLowerCase(), sha })).rows[0];
  return row ? { pushedAt: Number(row.pushed_at), source: row.source } : undefined;
}
