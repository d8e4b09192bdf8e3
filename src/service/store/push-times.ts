/**
 * When each head SHA was pushed, as seen by checks-out (from `push` and `pull_request` deliveries). The
 * `head` commit range uses it as the cutoff instead of the committer date, which anyone can forge. The
 * earliest observation wins, whatever order deliveries are processed in.
 */
import { writeTransaction, type ServiceDb } from '../db/connect.js';

export interface PushTime {
  pushedAt: number;
  source: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export async function recordPushTime(sdb: ServiceDb, repo: string, sha: string, pushedAt: number, source: string): Promise<void> {
  if (!SHA.test(sha)) return;
  const r = repo.toLowerCase();
  await writeTransaction(sdb, (trx) =>
    trx
      .insertInto('push_times')
      .values({ repo: r, sha, pushed_at: pushedAt, source })
      .onConflict((oc) =>
        oc.columns(['repo', 'sha']).doUpdateSet((eb) => ({
          pushed_at: eb.case().when('excluded.pushed_at', '<', eb.ref('push_times.pushed_at')).then(eb.ref('excluded.pushed_at')).else(eb.ref('push_times.pushed_at')).end(),
          source: eb.case().when('excluded.pushed_at', '<', eb.ref('push_times.pushed_at')).then(eb.ref('excluded.source')).else(eb.ref('push_times.source')).end(),
        })),
      )
      .execute(),
  );
}

export async function pushTime(sdb: ServiceDb, repo: string, sha: string): Promise<PushTime | undefined> {
  const row = await sdb.db
    .selectFrom('push_times')
    .select(['pushed_at', 'source'])
    .where('repo', '=', repo.toLowerCase())
    .where('sha', '=', sha)
    .executeTakeFirst();
  return row ? { pushedAt: row.pushed_at, source: row.source } : undefined;
}
