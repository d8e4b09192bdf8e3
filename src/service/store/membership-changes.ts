/**
 * The membership change log: one row per organisation whose membership (org members, teams, collaborators)
 * a webhook said changed. Every worker thread and process compares the newest id with the last one it saw
 * (one read of the primary key's maximum) before trusting its cached membership answers, and re-reads the
 * organisations that changed since. Rows older than a week are pruned: a cache that far behind re-reads
 * everything (its answers have long expired anyway).
 */
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import { prepared } from '../db/prepared.js';

const KEEP_MS = 7 * 24 * 3600_000;

/** Logs the keys (in this order) in one write transaction, and prunes what is older than a week. */
export async function recordMembershipChanges(sdb: ServiceDb, keys: readonly string[], at: number): Promise<void> {
  if (keys.length === 0) return;
  await writeTransaction(sdb, async (trx) => {
    for (const key of keys) await trx.insertInto('membership_changes').values({ org: key.toLowerCase(), changed_at: at }).execute();
    await trx.deleteFrom('membership_changes').where('changed_at', '<', at - KEEP_MS).execute();
  });
}

/** The newest change id (0 when there is none). */
/** Read before every evaluation: compiled once. */
const newestChange = prepared<Record<string, never>, { id: number | string | null }>([], (db) => db.selectFrom('membership_changes').select((eb) => eb.fn.max('id').as('id')));

export async function latestMembershipChange(sdb: ServiceDb): Promise<number> {
  const row = (await newestChange(sdb.db, {})).rows[0];
  return row?.id === null || row?.id === undefined ? 0 : Number(row.id);
}

/**
 * The keys logged after change `after`, with their ids (up to `limit` rows, oldest first), or undefined when
 * rows after it were pruned (the caller must forget everything).
 */
export async function membershipChangesSince(sdb: ServiceDb, after: number, limit = 500): Promise<{ upTo: number; rows: { id: number; org: string }[] } | undefined> {
  const rows = await sdb.db.selectFrom('membership_changes').select(['id', 'org']).where('id', '>', after).orderBy('id').limit(limit).execute();
  if (rows.length === limit) return undefined;
  const oldest = await sdb.db.selectFrom('membership_changes').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst();
  // Nothing left between `after` and the oldest row: rows this cache never saw may have been pruned.
  if (after > 0 && oldest?.id !== null && oldest?.id !== undefined && Number(oldest.id) > after + 1) return undefined;
  return { upTo: rows.length > 0 ? Number(rows.at(-1)!.id) : after, rows: rows.map((r) => ({ id: Number(r.id), org: r.org })) };
}

/** The keys logged under these ids (the ones that exist now). */
export async function membershipChangesWithIds(sdb: ServiceDb, ids: readonly number[]): Promise<{ id: number; org: string }[]> {
  if (ids.length === 0) return [];
  const rows = await sdb.db.selectFrom('membership_changes').select(['id', 'org']).where('id', 'in', [...ids]).execute();
  return rows.map((r) => ({ id: Number(r.id), org: r.org }));
}
